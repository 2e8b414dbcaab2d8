"""`python -m benchmarks`: run the speed benchmarks and print a table (or JSON).

    python -m benchmarks                  # everything, single-threaded BLAS, a few minutes
    python -m benchmarks --quick          # a fast smoke run
    python -m benchmarks --only mlp,chain # the workloads whose names start so
    python -m benchmarks --json > out.json
    python -m benchmarks --profile --only tiny-graph   # where the engine's time goes

The thread count is set in the environment before NumPy is first imported, which is why
this module imports nothing heavy before parsing its arguments.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import sys
from typing import Any

THREAD_VARIABLES = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "VECLIB_MAXIMUM_THREADS")
WORKLOAD_MODULES = ("two_layer_net", "mlp", "scalar_mlp", "chain", "tiny_graph", "lenet", "char_models", "memory")


def parse_arguments(argv: list[str] | None) -> argparse.Namespace:
    """The command line."""
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks",
        description="Time the engine against NumPy by hand, PyTorch and micrograd (whichever are installed).",
    )
    parser.add_argument("--threads", type=int, default=1, help="BLAS and PyTorch threads (default 1)")
    parser.add_argument("--quick", action="store_true", help="a fast smoke run: few rounds, short batches")
    parser.add_argument(
        "--only",
        action="append",
        default=[],
        metavar="NAME",
        help="run only the workloads whose names start with NAME (comma-separated or repeated)",
    )
    parser.add_argument("--json", action="store_true", help="print JSON instead of the table")
    parser.add_argument("--million", action="store_true", help="add the chain of 1,000,000 nodes (slow)")
    parser.add_argument(
        "--skip", action="append", default=[], choices=["numpy", "torch", "micrograd"], help="leave a contender out"
    )
    parser.add_argument(
        "--no-gc", action="store_true", help="turn Python's cyclic garbage collector off inside timed batches"
    )
    parser.add_argument(
        "--default-heap",
        action="store_true",
        help="leave glibc's malloc thresholds alone (by default they are raised so large temporaries reuse memory)",
    )
    parser.add_argument(
        "--no-freeze",
        action="store_true",
        help="leave the objects the imports made to the cyclic collector (by default gc.freeze() sets them aside)",
    )
    parser.add_argument("--list", action="store_true", help="list the workloads and exit")
    parser.add_argument("--profile", action="store_true", help="cProfile the engine on the workloads instead of timing")
    parser.add_argument("--top", type=int, default=20, help="functions shown per workload by --profile (default 20)")
    args = parser.parse_args(argv)
    if args.threads < 1:
        parser.error(f"--threads must be at least 1, got {args.threads}")
    return args


def main(argv: list[str] | None = None) -> int:
    """Run the benchmarks; the exit status is 0, or 2 for an unknown workload name."""
    args = parse_arguments(argv)
    if "numpy" in sys.modules:
        print("warning: NumPy was imported before the thread count could be set", file=sys.stderr)
    for variable in THREAD_VARIABLES:
        os.environ[variable] = str(args.threads)

    import importlib

    from . import contenders, harness, heap, profiling, report

    pinned = False if args.default_heap else heap.pin_heap()

    quick = args.quick
    workloads = [
        w
        for module in WORKLOAD_MODULES
        for w in importlib.import_module(f"benchmarks.{module}").workloads(quick=quick, million=args.million)
    ]
    if args.list:
        for w in workloads:
            print(f"{w.name:15} {w.description}")
        return 0
    wanted = [name.strip() for item in args.only for name in item.split(",") if name.strip()]
    if wanted:
        unknown = [name for name in wanted if not any(w.name.startswith(name) for w in workloads)]
        if unknown:
            names = ", ".join(w.name for w in workloads)
            print(f"error: no workload named {', '.join(unknown)}; the workloads are: {names}", file=sys.stderr)
            return 2
        workloads = [w for w in workloads if any(w.name.startswith(name) for name in wanted)]

    def log(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    versions = contenders.find_installed(args.threads, tuple(args.skip))
    frozen = not args.no_freeze
    if frozen:
        heap.freeze_imports()
    if args.profile:
        for w in workloads:
            if w.kind == "time":
                print(profiling.profile_engine(w, seconds=1.0 if quick else 4.0, top=args.top), end="\n\n")
        return 0

    header: dict[str, Any] = report.make_header(versions, args.threads, quick, not args.no_gc, pinned, frozen)
    settings = harness.QUICK if quick else harness.FULL
    if args.no_gc:
        settings = dataclasses.replace(settings, gc_enabled=False)
    outcomes = []
    for w in workloads:
        log(f"{w.name}: {w.description}")
        outcomes.append(harness.run_workload(w, tuple(versions), settings, log))
    harness.check_targets(outcomes)
    if args.json:
        print(json.dumps(report.as_json(outcomes, header), indent=2))
    else:
        print(report.table(outcomes, header))
    return 0


if __name__ == "__main__":
    sys.exit(main())
