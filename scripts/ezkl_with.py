#!/usr/bin/env python3
"""../shared/bench/ezkl_baseline.py with other visibilities: ezkl's gen_settings is given run args
(input private, output public, params as --param-visibility), the rest of the baseline runs as it
is. One model folder per process, one JSON object on stdout (the baseline's).

Usage: python3 scripts/ezkl_with.py --param-visibility hashed MODEL_DIR [baseline options]
"""
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
SHARED = os.path.join(HERE, "..", "..", "shared", "bench")


def main():
    argv = sys.argv[1:]
    if len(argv) < 3 or argv[0] != "--param-visibility":
        sys.exit(__doc__)
    vis, rest = argv[1], argv[2:]
    sys.path.insert(0, SHARED)
    import ezkl_baseline as eb

    args = eb.parse_args(rest)
    if len(args.model_dirs) != 1:
        sys.exit("one MODEL_DIR per process")
    if args.threads:
        os.environ["RAYON_NUM_THREADS"] = str(args.threads)  # before `import ezkl`
    args.work_dir = os.path.abspath(args.work_dir)
    args.srs_cache = os.path.abspath(args.srs_cache or os.path.join(args.work_dir, "srs"))
    import ezkl

    original = ezkl.gen_settings

    def gen_settings(model, output, py_run_args=None):
        ra = ezkl.PyRunArgs()
        ra.input_visibility = "private"
        ra.output_visibility = "public"
        ra.param_visibility = vis
        return original(model=model, output=output, py_run_args=ra)

    ezkl.gen_settings = gen_settings
    rec = eb.run_model(args.model_dirs[0], args)
    rec["param_visibility"] = vis
    print(eb.json.dumps(rec), flush=True)


if __name__ == "__main__":
    main()
