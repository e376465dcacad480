#!/usr/bin/env python3
"""The model ID from public files, with nothing but Python's hashlib (docs/trust.md).

    python3 scripts/model_id.py verifier.bundle [0xPARAMS_COMMITMENT]

fingerprint = Blake2b-256, personalisation "zkonnx-bundle-fp", over the bundle's bytes up to its
              trailing version string (a u32 little-endian length, then the string)
model id    = Blake2b-256("zkonnx model id v1" || fingerprint || params commitment, 32 bytes
              big-endian; absent unless the params are hashed)

The params commitment is the one published (or the one a verified proof carries: `zkonnx verify`
prints it, `inspect(proof, bundle).paramCommitment` gives it). Prints the fingerprint and the
model ID; `zkonnx commit` prints the same two lines (scripts/test.sh checks they agree).
"""
import hashlib
import sys


def fingerprint(bundle: bytes) -> bytes:
    # the version string ends the bundle: the length n with u32(bundle[-4-n:-n]) == n, which must
    # be the only one that is a plain ASCII version (else parse the bundle: zkonnx verify does)
    found = [n for n in range(0, len(bundle) - 3)
             if int.from_bytes(bundle[len(bundle) - 4 - n:len(bundle) - n], "little") == n
             and bundle[len(bundle) - n:].isascii()]
    if len(found) != 1:
        raise SystemExit("cannot tell where the bundle's version string starts: use `zkonnx verify` "
                         "or zkonnx/verifier's inspect(proof, bundle).fingerprint")
    at = len(bundle) - 4 - found[0]
    # format 4, or 5 (committed params: their commitments before the version string)
    if bundle[:8] != b"ZKONNXVB" or bundle[8] not in (4, 5):
        raise SystemExit("not a zkonnx verification bundle of format 4 or 5")
    return hashlib.blake2b(bundle[:at], digest_size=32, person=b"zkonnx-bundle-fp").digest()


def model_id(fp: bytes, commitment_hex: str | None) -> bytes:
    data = b"zkonnx model id v1" + fp
    if commitment_hex:
        h = commitment_hex.lower().removeprefix("0x")
        if len(h) != 64:
            raise SystemExit(f"{commitment_hex}: not 64 hex digits")
        data += bytes.fromhex(h)
    return hashlib.blake2b(data, digest_size=32).digest()


def main() -> None:
    if len(sys.argv) not in (2, 3):
        raise SystemExit(__doc__)
    with open(sys.argv[1], "rb") as f:
        fp = fingerprint(f.read())
    print(f"fingerprint {fp.hex()}")
    print(f"model id 0x{model_id(fp, sys.argv[2] if len(sys.argv) == 3 else None).hex()}")


if __name__ == "__main__":
    main()
