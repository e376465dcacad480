// SPDX-License-Identifier: MIT
pragma solidity 0.8.19;

/// @title zkonnx's reusable verifier: one contract per chain verifies the proofs of every model.
/// @notice A model is a contract of its own (`zkonnx deploy-evm`): a 59-byte stub followed by the
/// model's verifying-key artifact (src/evm/artifact.rs). Calling the model's
/// `verifyProof(bytes proof, uint256[] instances)` makes the stub call this contract with the
/// same calldata and the model's address appended as one more word; this contract copies the
/// artifact out of the model's code and checks the proof against it, as zkonnx's light verifier
/// does (src/verifier): the transcript (Keccak, snark-verifier's EVM encoding), every
/// encoding canonical (scalars below r, points on BN254's G1, the ABI layout exact), the public
/// values' count and layout digest, the gates, permutation and lookups at the challenge x (a
/// constraint program the artifact carries), the vanishing argument, and the SHPLONK opening with
/// one pairing check.
/// @dev Returns true for a valid proof, false for a well-formed proof that fails the pairing
/// check, and reverts on anything malformed. Memory: see src/evm/artifact.rs (slots 8..22 are the
/// named scalars, the artifact at 0x400, then repr ‖ instances ‖ proof, then work areas).
contract ZkonnxVerifier {
    function verifyProof(bytes calldata, uint256[] calldata) external view returns (bool) {
        assembly {
            // r: the scalar field's modulus; q: the base field's
            function fr() -> v {
                v := 0x30644e72e131a029b85045b68181585d2833e84879b9709143e1f593f0000001
            }
            function fq() -> v {
                v := 0x30644e72e131a029b85045b68181585d97816a916871ca8d3c208c16d87cfd47
            }
            function fail() {
                revert(0, 0)
            }
            // header word i of the artifact (at 0x400)
            function hdr(i) -> v {
                v := mload(add(0x400, shl(5, i)))
            }
            function u16at(p) -> v {
                v := shr(240, mload(p))
            }
            // n points (x, y words) from p: coordinates below q, on y² = x³ + 3 (so not (0, 0))
            function checkPoints(p, n) {
                let q := fq()
                for { let i := 0 } lt(i, n) { i := add(i, 1) } {
                    let x := mload(add(p, shl(6, i)))
                    let y := mload(add(p, add(shl(6, i), 32)))
                    if iszero(and(lt(x, q), lt(y, q))) { fail() }
                    if iszero(eq(mulmod(y, y, q), addmod(mulmod(x, mulmod(x, x, q), q), 3, q))) { fail() }
                }
            }
            // a⁻¹ mod r (modexp precompile, a^(r−2)); 0 for 0
            function inverse(a) -> v {
                mstore(0x00, 32)
                mstore(0x20, 32)
                mstore(0x40, 32)
                mstore(0x60, a)
                mstore(0x80, sub(fr(), 2))
                mstore(0xa0, fr())
                if iszero(staticcall(gas(), 0x05, 0x00, 0xc0, 0x00, 0x20)) { fail() }
                v := mload(0x00)
            }
            // replace the m words at p by their inverses (tmp: m words of scratch)
            function batchInvert(p, m, tmp) {
                let r := fr()
                let acc := 1
                for { let i := 0 } lt(i, m) { i := add(i, 1) } {
                    acc := mulmod(acc, mload(add(p, shl(5, i))), r)
                    mstore(add(tmp, shl(5, i)), acc)
                }
                acc := inverse(acc)
                for { let i := m } gt(i, 0) {} {
                    i := sub(i, 1)
                    let a := mload(add(p, shl(5, i)))
                    let before := 1
                    if i { before := mload(add(tmp, shl(5, sub(i, 1)))) }
                    mstore(add(p, shl(5, i)), mulmod(acc, before, r))
                    acc := mulmod(acc, a, r)
                }
            }
            // acc + s·P, with acc in 0x00..0x40 (ecMul, then ecAdd)
            function msmAdd(px, py, s) {
                let ax := mload(0x00)
                let ay := mload(0x20)
                mstore(0x40, px)
                mstore(0x60, py)
                mstore(0x80, s)
                if iszero(staticcall(gas(), 0x07, 0x40, 0x60, 0x40, 0x40)) { fail() }
                mstore(0x00, ax)
                mstore(0x20, ay)
                if iszero(staticcall(gas(), 0x06, 0x00, 0x80, 0x00, 0x40)) { fail() }
            }

            let r := fr()
            // ---- the artifact: the model's address is the calldata's last word
            if lt(calldatasize(), 0xa4) { fail() }
            let model := calldataload(sub(calldatasize(), 32))
            if shr(160, model) { fail() }
            let stub := 59
            let codeLen := extcodesize(model)
            if lt(codeLen, add(stub, 0x500)) { fail() }
            let artLen := sub(codeLen, stub)
            extcodecopy(model, 0x400, stub, artLen)
            // "ZKONNX-VKA", format 1
            if iszero(eq(hdr(0), 0x5a4b4f4e4e582d564b4100000000000000000000000000000000000000000001)) { fail() }
            if iszero(eq(hdr(1), artLen)) { fail() }

            // ---- calldata: verifyProof(bytes, uint256[]) ‖ model, in the canonical ABI layout only
            let nInst := hdr(2)
            let proofLen := hdr(3)
            if iszero(eq(calldataload(4), 0x40)) { fail() }
            if iszero(eq(calldataload(0x44), proofLen)) { fail() }
            let instHead := add(0x60, proofLen)
            if iszero(eq(calldataload(0x24), instHead)) { fail() }
            if iszero(eq(calldataload(add(4, instHead)), nInst)) { fail() }
            if iszero(eq(calldatasize(), add(add(4, instHead), add(0x40, shl(5, nInst))))) { fail() }

            // ---- memory: repr ‖ instances ‖ proof, word aligned after the artifact
            let t0 := add(0x400, and(add(artLen, 31), not(31)))
            mstore(t0, hdr(5))
            let inst := add(t0, 32)
            calldatacopy(inst, add(instHead, 0x24), shl(5, nInst))
            let proof := add(inst, shl(5, nInst))
            calldatacopy(proof, 0x64, proofLen)
            for { let i := 0 } lt(i, nInst) { i := add(i, 1) } {
                if iszero(lt(mload(add(inst, shl(5, i))), r)) { fail() }
            }
            // instance 0: the public layout's digest
            if iszero(eq(mload(inst), hdr(4))) { fail() }
            let p1 := hdr(11)
            let nScalars := hdr(12)
            checkPoints(proof, p1)
            let scal := add(proof, shl(6, p1))
            for { let i := 0 } lt(i, nScalars) { i := add(i, 1) } {
                if iszero(lt(mload(add(scal, shl(5, i))), r)) { fail() }
            }
            let tail := add(scal, shl(5, nScalars))
            checkPoints(tail, 2)

            // ---- the transcript: θ β γ y x (SHPLONK) y v u into slots 8..15
            {
                let e := hdr(13)
                let h := keccak256(t0, sub(add(proof, e), t0))
                mstore(0x100, mod(h, r))
                let prev := e
                for { let i := 1 } lt(i, 8) { i := add(i, 1) } {
                    e := hdr(add(13, i))
                    switch eq(e, prev)
                    case 1 {
                        // the buffer is the last hash alone: one 0x01 byte appended
                        mstore(0x00, h)
                        mstore8(0x20, 1)
                        h := keccak256(0x00, 0x21)
                    }
                    default {
                        let at := sub(add(proof, prev), 32)
                        let saved := mload(at)
                        mstore(at, h)
                        h := keccak256(at, add(sub(e, prev), 32))
                        mstore(at, saved)
                    }
                    mstore(add(0x100, shl(5, i)), mod(h, r))
                    prev := e
                }
            }

            // ---- xⁿ, Lagrange values, the instance column at x
            let x := mload(0x180)
            let xn := x
            for { let i := hdr(6) } gt(i, 0) { i := sub(i, 1) } { xn := mulmod(xn, xn, r) }
            mstore(0x200, xn)
            let bf := hdr(10)
            let work := add(proof, proofLen)
            let invs := add(work, shl(5, hdr(38)))
            let m := add(add(2, nInst), bf)
            let tmp := add(invs, shl(5, m))
            {
                let omega := hdr(7)
                let omegaInv := hdr(8)
                mstore(invs, addmod(xn, sub(r, 1), r))
                let w := 1
                for { let i := 0 } lt(i, nInst) { i := add(i, 1) } {
                    mstore(add(invs, shl(5, add(1, i))), addmod(x, sub(r, w), r))
                    w := mulmod(w, omega, r)
                }
                w := 1
                for { let j := 1 } iszero(gt(j, add(bf, 1))) { j := add(j, 1) } {
                    w := mulmod(w, omegaInv, r)
                    mstore(add(invs, shl(5, add(nInst, j))), addmod(x, sub(r, w), r))
                }
                batchInvert(invs, m, tmp)
                let common := mulmod(addmod(xn, sub(r, 1), r), hdr(9), r)
                let acc := 0
                w := 1
                for { let i := 0 } lt(i, nInst) { i := add(i, 1) } {
                    let li := mulmod(w, mload(add(invs, shl(5, add(1, i)))), r)
                    acc := addmod(acc, mulmod(mload(add(inst, shl(5, i))), li, r), r)
                    w := mulmod(w, omega, r)
                }
                mstore(0x2a0, mulmod(acc, common, r)) // INST (21)
                mstore(0x220, mulmod(common, mload(add(invs, 32)), r)) // L0 (17)
                let blind := 0
                w := 1
                for { let j := 1 } iszero(gt(j, bf)) { j := add(j, 1) } {
                    w := mulmod(w, omegaInv, r)
                    blind := addmod(blind, mulmod(w, mload(add(invs, shl(5, add(nInst, j)))), r), r)
                }
                w := mulmod(w, omegaInv, r)
                let last := mulmod(mulmod(w, mload(add(invs, shl(5, add(nInst, add(bf, 1))))), r), common, r)
                blind := mulmod(blind, common, r)
                mstore(0x240, last) // LLAST (18)
                mstore(0x260, addmod(1, sub(r, addmod(last, blind, r)), r)) // ACTIVE (19)
                mstore(0x2c0, 1) // ONE (22)
            }

            // ---- the constraint program: every constraint at x, folded with y
            {
                let y := mload(0x160)
                let pc := add(0x400, hdr(36))
                let end := add(pc, hdr(37))
                let sp := work
                let top := 0
                let acc := 0
                for {} lt(pc, end) {} {
                    let word := mload(pc)
                    let s := shl(5, and(shr(232, word), 0xffff))
                    switch shr(248, word)
                    case 1 {
                        mstore(sp, top)
                        sp := add(sp, 32)
                        top := mload(s)
                        pc := add(pc, 3)
                    }
                    case 2 {
                        sp := sub(sp, 32)
                        top := addmod(mload(sp), top, r)
                        pc := add(pc, 1)
                    }
                    case 3 {
                        sp := sub(sp, 32)
                        top := mulmod(mload(sp), top, r)
                        pc := add(pc, 1)
                    }
                    case 4 {
                        top := mod(sub(r, top), r)
                        pc := add(pc, 1)
                    }
                    case 5 {
                        sp := sub(sp, 32)
                        top := addmod(mload(sp), sub(r, top), r)
                        pc := add(pc, 1)
                    }
                    case 6 {
                        acc := addmod(mulmod(acc, y, r), top, r)
                        sp := sub(sp, 32)
                        top := mload(sp)
                        pc := add(pc, 1)
                    }
                    case 7 {
                        top := addmod(top, mload(s), r)
                        pc := add(pc, 3)
                    }
                    case 8 {
                        top := mulmod(top, mload(s), r)
                        pc := add(pc, 3)
                    }
                    default { fail() }
                }
                // the vanishing argument: h(x) = folded / (xⁿ − 1)
                mstore(0x280, mulmod(acc, mload(invs), r)) // HEVAL (20)
            }

            // ---- SHPLONK: points x·ω^rot, rotation sets, one MSM, one pairing
            {
                let u := mload(0x1e0)
                let nRot := hdr(33)
                let pts := tmp
                let rots := add(0x400, hdr(34))
                for { let k := 0 } lt(k, nRot) { k := add(k, 1) } {
                    mstore(add(pts, shl(5, k)), mulmod(x, mload(add(rots, shl(5, k))), r))
                }
                // pass 1: the interpolation denominators Π_{k≠m}(p_m − p_k) of every set, then
                // Π_{p ∉ set 0}(u − p); inverted together
                let plan := add(0x400, hdr(35))
                let dens := add(pts, shl(5, nRot))
                let nd := 0
                let nSets := u16at(plan)
                let c := add(plan, 2)
                let set0 := add(c, 2)
                for { let i := 0 } lt(i, nSets) { i := add(i, 1) } {
                    let np := u16at(c)
                    let idx := add(c, 2)
                    for { let a := 0 } lt(a, np) { a := add(a, 1) } {
                        let pa := mload(add(pts, shl(5, u16at(add(idx, shl(1, a))))))
                        let d := 1
                        for { let b := 0 } lt(b, np) { b := add(b, 1) } {
                            if iszero(eq(a, b)) {
                                d := mulmod(d, addmod(pa, sub(r, mload(add(pts, shl(5, u16at(add(idx, shl(1, b))))))), r), r)
                            }
                        }
                        mstore(add(dens, shl(5, nd)), d)
                        nd := add(nd, 1)
                    }
                    c := add(idx, shl(1, np))
                    let nc := u16at(c)
                    c := add(add(c, 2), shl(1, mul(nc, add(1, np))))
                }
                let np0 := u16at(add(plan, 2))
                let z0 := 1
                let zd0 := 1
                for { let k := 0 } lt(k, nRot) { k := add(k, 1) } {
                    let f := addmod(u, sub(r, mload(add(pts, shl(5, k)))), r)
                    let inSet := 0
                    for { let a := 0 } lt(a, np0) { a := add(a, 1) } {
                        if eq(u16at(add(set0, shl(1, a))), k) { inSet := 1 }
                    }
                    switch inSet
                    case 1 { z0 := mulmod(z0, f, r) }
                    default { zd0 := mulmod(zd0, f, r) }
                }
                mstore(add(dens, shl(5, nd)), zd0)
                batchInvert(dens, add(nd, 1), add(dens, shl(5, add(nd, 1))))
                let zd0inv := mload(add(dens, shl(5, nd)))

                // pass 2: per set, its scale vⁱ·Z_diff,i/Z_diff,0, the weights of its
                // interpolation at u, and per commitment (yʲ) its MSM term and r_j(u)
                let sy := mload(0x1a0)
                let v := mload(0x1c0)
                let xnv := mload(0x200)
                let qdeg := hdr(21)
                let hOff := add(proof, hdr(22))
                let weights := add(dens, shl(5, add(add(nd, 1), add(nd, 1))))
                mstore(0x00, 0)
                mstore(0x20, 0)
                let rOuter := 0
                let vPow := 1
                nd := 0
                c := add(plan, 2)
                for { let i := 0 } lt(i, nSets) { i := add(i, 1) } {
                    let np := u16at(c)
                    let idx := add(c, 2)
                    let scale := 1
                    if i {
                        let zd := 1
                        for { let k := 0 } lt(k, nRot) { k := add(k, 1) } {
                            let inSet := 0
                            for { let a := 0 } lt(a, np) { a := add(a, 1) } {
                                if eq(u16at(add(idx, shl(1, a))), k) { inSet := 1 }
                            }
                            if iszero(inSet) {
                                zd := mulmod(zd, addmod(u, sub(r, mload(add(pts, shl(5, k)))), r), r)
                            }
                        }
                        scale := mulmod(vPow, mulmod(zd, zd0inv, r), r)
                    }
                    for { let a := 0 } lt(a, np) { a := add(a, 1) } {
                        let wa := mload(add(dens, shl(5, nd)))
                        nd := add(nd, 1)
                        for { let b := 0 } lt(b, np) { b := add(b, 1) } {
                            if iszero(eq(a, b)) {
                                wa := mulmod(wa, addmod(u, sub(r, mload(add(pts, shl(5, u16at(add(idx, shl(1, b))))))), r), r)
                            }
                        }
                        mstore(add(weights, shl(5, a)), wa)
                    }
                    c := add(idx, shl(1, np))
                    let nc := u16at(c)
                    c := add(c, 2)
                    let yj := 1
                    let rInner := 0
                    for { let j := 0 } lt(j, nc) { j := add(j, 1) } {
                        let ptSlot := u16at(c)
                        let rj := 0
                        for { let a := 0 } lt(a, np) { a := add(a, 1) } {
                            let ev := mload(shl(5, u16at(add(c, shl(1, add(a, 1))))))
                            rj := addmod(rj, mulmod(mload(add(weights, shl(5, a))), ev, r), r)
                        }
                        rInner := addmod(rInner, mulmod(yj, rj, r), r)
                        let coef := mulmod(yj, scale, r)
                        switch ptSlot
                        case 0 {
                            // the quotient: Σ xⁿᵏ·h_k
                            let pk := coef
                            for { let k := 0 } lt(k, qdeg) { k := add(k, 1) } {
                                let hp := add(hOff, shl(6, k))
                                msmAdd(mload(hp), mload(add(hp, 32)), pk)
                                pk := mulmod(pk, xnv, r)
                            }
                        }
                        default {
                            let pp := shl(5, ptSlot)
                            msmAdd(mload(pp), mload(add(pp, 32)), coef)
                        }
                        yj := mulmod(yj, sy, r)
                        c := add(c, shl(1, add(np, 1)))
                    }
                    rOuter := addmod(rOuter, mulmod(scale, rInner, r), r)
                    vPow := mulmod(vPow, v, r)
                }
                // R = Σ … − r_outer·G1 − Z₀(u)·h1 + u·h2
                msmAdd(hdr(23), hdr(24), sub(r, rOuter))
                msmAdd(mload(tail), mload(add(tail, 32)), sub(r, z0))
                msmAdd(mload(add(tail, 64)), mload(add(tail, 96)), u)

                // e(h2, s·G2) · e(−R, G2) = 1
                let rx := mload(0x00)
                let ry := mload(0x20)
                if or(rx, ry) { ry := sub(fq(), ry) }
                let p := weights
                mstore(p, mload(add(tail, 64)))
                mstore(add(p, 0x20), mload(add(tail, 96)))
                mstore(add(p, 0x40), hdr(29))
                mstore(add(p, 0x60), hdr(30))
                mstore(add(p, 0x80), hdr(31))
                mstore(add(p, 0xa0), hdr(32))
                mstore(add(p, 0xc0), rx)
                mstore(add(p, 0xe0), ry)
                mstore(add(p, 0x100), hdr(25))
                mstore(add(p, 0x120), hdr(26))
                mstore(add(p, 0x140), hdr(27))
                mstore(add(p, 0x160), hdr(28))
                if iszero(staticcall(gas(), 0x08, p, 0x180, 0x00, 0x20)) { fail() }
                return(0x00, 0x20)
            }
        }
    }
}
