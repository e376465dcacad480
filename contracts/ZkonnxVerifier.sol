// SPDX-License-Identifier: MIT
pragma solidity 0.8.19;

/// @title zkonnx's reusable verifier: one contract per chain verifies the proofs of every model.
/// @notice A model is a contract of its own (`zkonnx deploy-evm`): an 87-byte stub followed by the
/// model's verifying-key artifact and its constraint program as EVM code (src/evm/artifact.rs). Calling the model's
/// `verifyProof(bytes proof, uint256[] instances)` makes the stub call this contract with the
/// same calldata and the model's address appended as one more word; this contract copies the
/// artifact out of the model's code and checks the proof against it, as zkonnx's light verifier
/// does (src/verifier): the transcript (Keccak, snark-verifier's EVM encoding), every
/// encoding canonical (scalars below r, points on BN254's G1, the ABI layout exact), the public
/// values' count and layout digest, the gates, permutation and lookups at the challenge x (a
/// constraint program the artifact carries), the vanishing argument, and the SHPLONK opening with
/// one pairing check; with committed params, the link of the proof's parameter columns to the
/// model's published commitments (docs/committed-params.md), folded into that pairing.
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
            function fail(c) {
                mstore(0, c)
                revert(0, 32)
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
                    if iszero(and(lt(x, q), lt(y, q))) { fail(1) }
                    if iszero(eq(mulmod(y, y, q), addmod(mulmod(x, mulmod(x, x, q), q), 3, q))) { fail(2) }
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
                if iszero(staticcall(gas(), 0x05, 0x00, 0xc0, 0x00, 0x20)) { fail(3) }
                v := mload(0x00)
            }
            // replace the m words at p by their inverses (tmp: m words of scratch)
            function batchInvert(p, m, tmp) {
                let r := fr()
                let acc := 1
                let d := sub(tmp, p)
                let end := add(p, shl(5, m))
                for { let q := p } lt(q, end) { q := add(q, 32) } {
                    acc := mulmod(acc, mload(q), r)
                    mstore(add(q, d), acc)
                }
                acc := inverse(acc)
                for { let q := sub(end, 32) } gt(q, p) { q := sub(q, 32) } {
                    let a := mload(q)
                    mstore(q, mulmod(acc, mload(sub(add(q, d), 32)), r))
                    acc := mulmod(acc, a, r)
                }
                mstore(p, acc)
            }
            // acc + s·P, with acc in 0x00..0x40 (ecMul, then ecAdd)
            function msmAdd(px, py, s) {
                let ax := mload(0x00)
                let ay := mload(0x20)
                mstore(0x40, px)
                mstore(0x60, py)
                // 1·P needs no ecMul
                if iszero(eq(s, 1)) {
                    mstore(0x80, s)
                    if iszero(staticcall(gas(), 0x07, 0x40, 0x60, 0x40, 0x40)) { fail(4) }
                }
                mstore(0x00, ax)
                mstore(0x20, ay)
                if iszero(staticcall(gas(), 0x06, 0x00, 0x80, 0x00, 0x40)) { fail(5) }
            }

            // pointers kept in memory (slots 23..31), not on the stack
            function ptr(i) -> v {
                v := mload(add(0x2e0, shl(5, i)))
            }
            function setPtr(i, v) {
                mstore(add(0x2e0, shl(5, i)), v)
            }
            // 0 INST, 1 PROOF, 2 TAIL (h1, h2), 3 WORK (stack), 4 INVS, 5 PTS, 6 DENS, 7 WEIGHTS, 8 T0

            // the artifact, the calldata's layout, the copies, every encoding canonical
            function load() {
                let r := fr()
                if lt(calldatasize(), 0xa4) { fail(6) }
                // the model's address is the calldata's last word
                let model := calldataload(sub(calldatasize(), 32))
                if shr(160, model) { fail(7) }
                // the model's code: the 87-byte stub, the artifact (its length in header word 1),
                // then, when header word 41 says where, its constraint program as EVM code
                if lt(extcodesize(model), add(87, 0x580)) { fail(8) }
                extcodecopy(model, 0x400, 87, 0x580)
                // "ZKONNX-VKA", format 3
                if iszero(eq(hdr(0), 0x5a4b4f4e4e582d564b4100000000000000000000000000000000000000000003)) { fail(9) }
                let artLen := hdr(1)
                if lt(artLen, 0x580) { fail(10) }
                if gt(add(87, artLen), extcodesize(model)) { fail(10) }
                extcodecopy(model, 0x400, 87, artLen)
                // verifyProof(bytes, uint256[]) ‖ model, in the canonical ABI layout only
                let nInst := hdr(2)
                let proofLen := hdr(3)
                if iszero(eq(calldataload(4), 0x40)) { fail(11) }
                if iszero(eq(calldataload(0x44), proofLen)) { fail(12) }
                let instHead := add(0x60, proofLen)
                if iszero(eq(calldataload(0x24), instHead)) { fail(13) }
                if iszero(eq(calldataload(add(4, instHead)), nInst)) { fail(14) }
                if iszero(eq(calldatasize(), add(add(4, instHead), add(0x40, shl(5, nInst))))) { fail(15) }
                // repr ‖ instances ‖ proof, word aligned after the artifact
                let t0 := add(0x400, and(add(artLen, 31), not(31)))
                setPtr(8, t0)
                mstore(t0, hdr(5))
                let inst := add(t0, 32)
                setPtr(0, inst)
                calldatacopy(inst, add(instHead, 0x24), shl(5, nInst))
                let proof := add(inst, shl(5, nInst))
                setPtr(1, proof)
                calldatacopy(proof, 0x64, proofLen)
                setPtr(3, add(proof, proofLen))
                // every public value is checked below r where it is read (lagrange: fail 16)
                // instance 0: the public layout's digest
                if iszero(eq(mload(inst), hdr(4))) { fail(17) }
                checkPoints(proof, hdr(11))
                let scal := add(proof, shl(6, hdr(11)))
                let nScalars := hdr(12)
                for { let i := 0 } lt(i, nScalars) { i := add(i, 1) } {
                    if iszero(lt(mload(add(scal, shl(5, i))), r)) { fail(18) }
                }
                let tail := add(scal, shl(5, nScalars))
                setPtr(2, tail)
                // h1, h2; with committed params the link's [Q] and π follow
                switch hdr(42)
                case 0 { checkPoints(tail, 2) }
                default { checkPoints(tail, 4) }
            }

            // θ β γ y x (SHPLONK) y v u into slots 8..15
            function transcript() {
                let r := fr()
                let proof := ptr(1)
                let t0 := ptr(8)
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

            // xⁿ, 1/(xⁿ − 1), the Lagrange values l_0, l_last, active, the instance column at x
            function lagrange() {
                let r := fr()
                let x := mload(0x180)
                let xn := x
                for { let i := hdr(6) } gt(i, 0) { i := sub(i, 1) } { xn := mulmod(xn, xn, r) }
                mstore(0x200, xn)
                let bf := hdr(10)
                let omegaInv := hdr(8)
                // the few denominators, inverted at once: xⁿ − 1, x − 1, x − ω⁻ʲ (j = 1..bf+1)
                let invs := add(ptr(3), shl(5, hdr(38)))
                setPtr(4, invs)
                let m := add(3, bf)
                mstore(invs, addmod(xn, sub(r, 1), r))
                mstore(add(invs, 32), addmod(x, sub(r, 1), r))
                let w := 1
                for { let j := 1 } iszero(gt(j, add(bf, 1))) { j := add(j, 1) } {
                    w := mulmod(w, omegaInv, r)
                    mstore(add(invs, shl(5, add(1, j))), addmod(x, sub(r, w), r))
                }
                batchInvert(invs, m, add(invs, shl(5, m)))
                setPtr(5, add(invs, shl(6, m)))
                // (xⁿ − 1)/n: l_i(x) = common·ωⁱ/(x − ωⁱ) = common/(x·ω⁻ⁱ − 1)
                let common := mulmod(addmod(xn, sub(r, 1), r), hdr(9), r)
                {
                    // Σᵢ instᵢ/(x·ω⁻ⁱ − 1) as one fraction num/den (a/b + c/d = (a·d + c·b)/(b·d)),
                    // so one inversion and no memory for all the public values
                    let end := add(ptr(0), shl(5, hdr(2)))
                    let t := x
                    let num := 0
                    let den := 1
                    for { let p := ptr(0) } lt(p, end) { p := add(p, 32) } {
                        let di := addmod(t, sub(r, 1), r)
                        let v := mload(p)
                        if iszero(lt(v, r)) { fail(16) }
                        num := addmod(mulmod(num, di, r), mulmod(v, den, r), r)
                        den := mulmod(den, di, r)
                        t := mulmod(t, omegaInv, r)
                    }
                    mstore(0x2a0, mulmod(mulmod(num, inverse(den), r), common, r)) // INST (21)
                }
                mstore(0x220, mulmod(common, mload(add(invs, 32)), r)) // L0 (17)
                let blind := 0
                w := 1
                for { let j := 1 } iszero(gt(j, bf)) { j := add(j, 1) } {
                    w := mulmod(w, omegaInv, r)
                    blind := addmod(blind, mulmod(w, mload(add(invs, shl(5, add(1, j)))), r), r)
                }
                w := mulmod(w, omegaInv, r)
                let last := mulmod(mulmod(w, mload(add(invs, shl(5, add(2, bf)))), r), common, r)
                blind := mulmod(blind, common, r)
                mstore(0x240, last) // LLAST (18)
                mstore(0x260, addmod(1, sub(r, addmod(last, blind, r)), r)) // ACTIVE (19)
                mstore(0x2c0, 1) // ONE (22)
            }

            // every constraint at x, folded with y; then h(x) = folded / (xⁿ − 1) into HEVAL
            function program() {
                switch hdr(41)
                case 0 { interpret() }
                default {
                    // the model's contract runs its compiled program (its stub jumps there when
                    // the caller is this verifier) on this memory from 0x100 to the proof's
                    // last scalar, and returns the folded constraints
                    let model := calldataload(sub(calldatasize(), 32))
                    let end := add(ptr(1), add(shl(6, hdr(11)), shl(5, hdr(12))))
                    if iszero(staticcall(gas(), model, 0x100, sub(end, 0x100), 0x00, 0x20)) { fail(21) }
                    if iszero(eq(returndatasize(), 32)) { fail(22) }
                    mstore(0x280, mulmod(mload(0x00), mload(ptr(4)), fr())) // HEVAL (20)
                }
            }
            // the artifact's program, interpreted
            function interpret() {
                let r := fr()
                let y := mload(0x160)
                let ip := add(0x400, hdr(36))
                let end := add(ip, hdr(37))
                // the temporaries first, then the stack
                let sp := add(ptr(3), shl(5, hdr(40)))
                let top := 0
                let acc := 0
                for {} lt(ip, end) {} {
                    let word := mload(ip)
                    let s := shl(5, and(shr(232, word), 0xffff))
                    // the most frequent operations first (a switch tests its cases in order)
                    switch shr(248, word)
                    case 8 {
                        // MULS s
                        top := mulmod(top, mload(s), r)
                        ip := add(ip, 3)
                    }
                    case 1 {
                        // PUSH s
                        mstore(sp, top)
                        sp := add(sp, 32)
                        top := mload(s)
                        ip := add(ip, 3)
                    }
                    case 7 {
                        // ADDS s
                        top := addmod(top, mload(s), r)
                        ip := add(ip, 3)
                    }
                    case 11 {
                        // PMUL a b
                        mstore(sp, top)
                        sp := add(sp, 32)
                        top := mulmod(mload(s), mload(shl(5, and(shr(216, word), 0xffff))), r)
                        ip := add(ip, 5)
                    }
                    case 12 {
                        // MFOLD s
                        acc := addmod(mulmod(acc, y, r), mulmod(top, mload(s), r), r)
                        sp := sub(sp, 32)
                        top := mload(sp)
                        ip := add(ip, 3)
                    }
                    case 10 {
                        // SUBS s
                        top := addmod(top, sub(r, mload(s)), r)
                        ip := add(ip, 3)
                    }
                    case 9 {
                        // STORE s
                        mstore(s, top)
                        ip := add(ip, 3)
                    }
                    case 3 {
                        // MUL
                        sp := sub(sp, 32)
                        top := mulmod(mload(sp), top, r)
                        ip := add(ip, 1)
                    }
                    case 2 {
                        // ADD
                        sp := sub(sp, 32)
                        top := addmod(mload(sp), top, r)
                        ip := add(ip, 1)
                    }
                    case 6 {
                        // FOLD
                        acc := addmod(mulmod(acc, y, r), top, r)
                        sp := sub(sp, 32)
                        top := mload(sp)
                        ip := add(ip, 1)
                    }
                    case 5 {
                        // SUB
                        sp := sub(sp, 32)
                        top := addmod(mload(sp), sub(r, top), r)
                        ip := add(ip, 1)
                    }
                    case 4 {
                        // NEG
                        top := mod(sub(r, top), r)
                        ip := add(ip, 1)
                    }
                    default { fail(99) }
                }
                mstore(0x280, mulmod(acc, mload(ptr(4)), r)) // HEVAL (20)
            }

            // is point index k one of the set's np points (u16 indices at idx)?
            function inSet(idx, np, k) -> yes {
                for { let a := 0 } lt(a, np) { a := add(a, 1) } {
                    if eq(u16at(add(idx, shl(1, a))), k) { yes := 1 }
                }
            }
            // u − (point k)
            function uMinus(k) -> v {
                v := addmod(mload(0x1e0), sub(fr(), mload(add(ptr(5), shl(5, k)))), fr())
            }
            // Π over the points outside the set of (u − p)
            function outside(idx, np) -> z {
                z := 1
                for { let k := 0 } lt(k, hdr(33)) { k := add(k, 1) } {
                    if iszero(inSet(idx, np, k)) { z := mulmod(z, uMinus(k), fr()) }
                }
            }
            // points x·ω^rot; per set the interpolation denominators Π_{b≠a}(p_a − p_b), then
            // Π_{p ∉ set 0}(u − p): all inverted at once (at DENS); returns their count − 1
            function denominators() -> nd {
                let r := fr()
                let x := mload(0x180)
                let pts := ptr(5)
                let nRot := hdr(33)
                let rots := add(0x400, hdr(34))
                for { let k := 0 } lt(k, nRot) { k := add(k, 1) } {
                    mstore(add(pts, shl(5, k)), mulmod(x, mload(add(rots, shl(5, k))), r))
                }
                let dens := add(pts, shl(5, nRot))
                setPtr(6, dens)
                let plan := add(0x400, hdr(35))
                let c := add(plan, 2)
                for { let i := 0 } lt(i, u16at(plan)) { i := add(i, 1) } {
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
                    c := add(add(c, 2), shl(1, mul(u16at(c), add(1, np))))
                }
                mstore(add(dens, shl(5, nd)), outside(add(plan, 4), u16at(add(plan, 2))))
                batchInvert(dens, add(nd, 1), add(dens, shl(5, add(nd, 1))))
                setPtr(7, add(dens, shl(6, add(nd, 1))))
            }
            // the set's interpolation weights at u into WEIGHTS; nd: its first denominator
            function weights(idx, np, nd) {
                let r := fr()
                let pts := ptr(5)
                for { let a := 0 } lt(a, np) { a := add(a, 1) } {
                    let wa := mload(add(ptr(6), shl(5, add(nd, a))))
                    for { let b := 0 } lt(b, np) { b := add(b, 1) } {
                        if iszero(eq(a, b)) { wa := mulmod(wa, uMinus(u16at(add(idx, shl(1, b)))), r) }
                    }
                    mstore(add(ptr(7), shl(5, a)), wa)
                }
            }
            // one commitment at c (its point slot, then np evaluation slots): its MSM term with
            // coefficient coef; returns its interpolation r_j(u)
            function commitment(c, np, coef) -> rj {
                let r := fr()
                for { let a := 0 } lt(a, np) { a := add(a, 1) } {
                    let ev := mload(shl(5, u16at(add(c, shl(1, add(a, 1))))))
                    rj := addmod(rj, mulmod(mload(add(ptr(7), shl(5, a))), ev, r), r)
                }
                let ptSlot := u16at(c)
                switch ptSlot
                case 0 {
                    // the quotient: Σ xⁿᵏ·h_k
                    let hOff := add(ptr(1), hdr(22))
                    for { let k := 0 } lt(k, hdr(21)) { k := add(k, 1) } {
                        let hp := add(hOff, shl(6, k))
                        msmAdd(mload(hp), mload(add(hp, 32)), coef)
                        coef := mulmod(coef, mload(0x200), r)
                    }
                }
                // 1: the identity (a fixed column of zeros): no term
                case 1 {}
                default {
                    let pp := shl(5, ptSlot)
                    msmAdd(mload(pp), mload(add(pp, 32)), coef)
                }
            }
            // Committed params (docs/committed-params.md, src/verifier/link.rs): the proof's
            // parameter columns C_A equal the published C_W outside halo2's reserved rows T:
            // with C_N = Σ_c ρ^c·(C_A,c − C_W,c) − Z_U(z)·[Q], e(C_N + z·π, G2) = e(π, s·G2).
            // That pairing is folded into SHPLONK's with a random λ (drawn after the whole
            // proof): R += λ·(C_N + z·π), and h2 + λ·π is paired with s·G2.
            // ρ, drawn after the domain, the free rows and every (C_A, C_W); returns the hash
            function linkRho(s) -> h {
                let k := hdr(6)
                let res := add(hdr(10), 1)
                // "zkonnx committed params link v1\0"
                mstore(s, 0x7a6b6f6e6e7820636f6d6d697474656420706172616d73206c696e6b20763100)
                mstore(add(s, 32), k)
                let p := add(s, 64)
                // the free rows n − res … n − 1
                for { let j := res } gt(j, 0) { j := sub(j, 1) } {
                    mstore(p, sub(shl(k, 1), j))
                    p := add(p, 32)
                }
                let e := add(0x400, hdr(43))
                for { let i := 0 } lt(i, hdr(42)) { i := add(i, 1) } {
                    let ca := add(ptr(1), mload(e))
                    mstore(p, mload(ca))
                    mstore(add(p, 32), mload(add(ca, 32)))
                    mstore(add(p, 64), mload(add(e, 32)))
                    mstore(add(p, 96), mload(add(e, 64)))
                    p := add(p, 128)
                    e := add(e, 96)
                }
                h := keccak256(s, sub(p, s))
            }
            // Z_U(z) = (zⁿ − 1)/Π_{j=1..res}(z − ω⁻ʲ)
            function vanishingOutside(z) -> zu {
                let r := fr()
                let zn := z
                for { let i := hdr(6) } gt(i, 0) { i := sub(i, 1) } { zn := mulmod(zn, zn, r) }
                let den := 1
                let w := 1
                for { let j := add(hdr(10), 1) } gt(j, 0) { j := sub(j, 1) } {
                    w := mulmod(w, hdr(8), r)
                    den := mulmod(den, addmod(z, sub(r, w), r), r)
                }
                // z on a free row's point (probability |T|/r)
                if iszero(den) { fail(23) }
                zu := mulmod(addmod(zn, sub(r, 1), r), inverse(den), r)
            }
            // with R in 0x00..0x40: R += λ·(C_N + z·π); h2's words in memory become h2 + λ·π
            function link(tail) {
                let r := fr()
                let s := ptr(7)
                let h := linkRho(s)
                let rho := mod(h, r)
                // z: after ρ and [Q]
                mstore(s, h)
                mstore(add(s, 32), mload(add(tail, 128)))
                mstore(add(s, 64), mload(add(tail, 160)))
                let z := mod(keccak256(s, 96), r)
                // λ: after the repr, the public values and the whole proof with its link
                let lam := mod(keccak256(ptr(8), sub(add(tail, 256), ptr(8))), r)
                let ax := mload(0x00)
                let ay := mload(0x20)
                let qc := mulmod(lam, vanishingOutside(z), r)
                mstore(0x00, ax)
                mstore(0x20, ay)
                let c := lam
                let e := add(0x400, hdr(43))
                for { let i := 0 } lt(i, hdr(42)) { i := add(i, 1) } {
                    let ca := add(ptr(1), mload(e))
                    msmAdd(mload(ca), mload(add(ca, 32)), c)
                    msmAdd(mload(add(e, 32)), mload(add(e, 64)), sub(r, c))
                    c := mulmod(c, rho, r)
                    e := add(e, 96)
                }
                msmAdd(mload(add(tail, 128)), mload(add(tail, 160)), sub(r, qc))
                msmAdd(mload(add(tail, 192)), mload(add(tail, 224)), mulmod(lam, z, r))
                // h2 + λ·π (the acc's place lent, then R put back)
                ax := mload(0x00)
                ay := mload(0x20)
                mstore(0x00, mload(add(tail, 64)))
                mstore(0x20, mload(add(tail, 96)))
                msmAdd(mload(add(tail, 192)), mload(add(tail, 224)), lam)
                mstore(add(tail, 64), mload(0x00))
                mstore(add(tail, 96), mload(0x20))
                mstore(0x00, ax)
                mstore(0x20, ay)
            }

            // SHPLONK: R = Σᵢ vⁱ·Z_diff,i/Z_diff,0 · Σⱼ yʲ·(Cⱼ − rⱼ(u)) − Z₀(u)·h1 + u·h2, and
            // e(h2, s·G2) · e(−R, G2) = 1
            function shplonk() -> ok {
                let r := fr()
                let last := denominators()
                let zd0inv := mload(add(ptr(6), shl(5, last)))
                let plan := add(0x400, hdr(35))
                mstore(0x00, 0)
                mstore(0x20, 0)
                let rOuter := 0
                let vPow := 1
                let nd := 0
                let c := add(plan, 2)
                for { let i := 0 } lt(i, u16at(plan)) { i := add(i, 1) } {
                    let np := u16at(c)
                    let idx := add(c, 2)
                    let scale := 1
                    if i { scale := mulmod(vPow, mulmod(outside(idx, np), zd0inv, r), r) }
                    weights(idx, np, nd)
                    nd := add(nd, np)
                    c := add(idx, shl(1, np))
                    let nc := u16at(c)
                    c := add(c, 2)
                    let yj := 1
                    let rInner := 0
                    for { let j := 0 } lt(j, nc) { j := add(j, 1) } {
                        rInner := addmod(rInner, mulmod(yj, commitment(c, np, mulmod(yj, scale, r)), r), r)
                        yj := mulmod(yj, mload(0x1a0), r)
                        c := add(c, shl(1, add(np, 1)))
                    }
                    rOuter := addmod(rOuter, mulmod(scale, rInner, r), r)
                    vPow := mulmod(vPow, mload(0x1c0), r)
                }
                let tail := ptr(2)
                msmAdd(hdr(23), hdr(24), sub(r, rOuter))
                // Z₀(u) = Π_{p ∈ set 0}(u − p)
                let z0 := 1
                for { let a := 0 } lt(a, u16at(add(plan, 2))) { a := add(a, 1) } {
                    z0 := mulmod(z0, uMinus(u16at(add(plan, add(4, shl(1, a))))), r)
                }
                msmAdd(mload(tail), mload(add(tail, 32)), sub(r, z0))
                msmAdd(mload(add(tail, 64)), mload(add(tail, 96)), mload(0x1e0))
                if hdr(42) { link(tail) }
                let rx := mload(0x00)
                let ry := mload(0x20)
                if or(rx, ry) { ry := sub(fq(), ry) }
                let p := ptr(7)
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
                if iszero(staticcall(gas(), 0x08, p, 0x180, 0x00, 0x20)) { fail(20) }
                ok := mload(0x00)
            }

            load()
            transcript()
            lagrange()
            program()
            mstore(0x00, shplonk())
            return(0x00, 0x20)
        }
    }
}
