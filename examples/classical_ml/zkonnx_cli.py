"""The zkonnx command lines an ezkl user knows, for the examples in this folder: settings,
calibration on training rows, circuit, SRS, keys, witness, proof and verification."""
import json
import os
import re
import subprocess

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
ZK = os.environ.get("ZKONNX_BIN") or os.path.join(ROOT, "target/release/zkonnx")


def zk(work, *args):
    r = subprocess.run([ZK, *args], cwd=work, capture_output=True, text=True)
    if r.returncode != 0:
        raise SystemExit(f"zkonnx {args[0]} failed: {r.stderr.strip()}")
    return r.stdout


def prove(work, onnx_model, calibration_rows, row):
    """Write the model and data into `work`, prove `row` and verify; return the proven outputs
    (decoded from the proof's public instances by `zkonnx verify`) and logrows."""
    os.makedirs(work, exist_ok=True)
    with open(os.path.join(work, "network.onnx"), "wb") as f:
        f.write(onnx_model.SerializeToString())
    json.dump({"input_data": [calibration_rows.ravel().tolist()]},
              open(os.path.join(work, "calibration.json"), "w"))
    json.dump({"input_data": [row.ravel().tolist()]}, open(os.path.join(work, "input.json"), "w"))
    zk(work, "gen-settings", "-M", "network.onnx", "-O", "settings.json")
    zk(work, "calibrate-settings", "-D", "calibration.json", "-M", "network.onnx",
       "-O", "settings.json")
    zk(work, "compile-circuit", "-M", "network.onnx", "--compiled-circuit", "model.compiled",
       "-S", "settings.json")
    k = json.load(open(os.path.join(work, "settings.json")))["run_args"]["logrows"]
    # a development SRS: fine for trying it out, never for real proofs (see the README)
    zk(work, "gen-srs", "--srs-path", "kzg.srs", "--logrows", str(k))
    zk(work, "setup", "-M", "model.compiled", "--srs-path", "kzg.srs",
       "--vk-path", "vk.key", "--pk-path", "pk.key")
    # the model ID a modeler publishes (the circuit, its keys and SRS, the params commitment)
    model_id = re.search(r"^model id (0x[0-9a-f]{64})$",
                         zk(work, "commit", "-M", "model.compiled", "--bundle-path", "verifier.bundle"),
                         re.M).group(1)
    zk(work, "gen-witness", "-D", "input.json", "-M", "model.compiled", "-O", "witness.json")
    zk(work, "prove", "-W", "witness.json", "-M", "model.compiled", "--pk-path", "pk.key",
       "--proof-path", "proof.json", "--srs-path", "kzg.srs")
    out = zk(work, "verify", "-S", "settings.json", "--proof-path", "proof.json",
             "--vk-path", "vk.key", "--srs-path", "kzg.srs", "--model-id", model_id)
    if "verified: true" not in out:
        raise SystemExit(out)
    return out, k
