"""`--profile`: where the engine's time goes on a workload, by cProfile, with file:line for each function."""

from __future__ import annotations

import cProfile
import gc
import io
import os
import pstats
import time

from .harness import ENGINE, Workload, describe_error, missing_pieces


def profile_engine(workload: Workload, seconds: float, top: int) -> str:
    """Profile the engine's step for about `seconds` after a warm-up; the `top` functions by own time."""
    missing = missing_pieces(workload.engine_needs)
    if missing:
        return f"{workload.name}: n/a (missing: {', '.join(missing)})"
    try:
        step = workload.setups[ENGINE]()
        for _ in range(3):
            step()
        start = time.perf_counter()
        step()
        once = max(time.perf_counter() - start, 1e-9)
        calls = max(1, int(seconds / once))
        gc.collect()
        gc.freeze()  # as when timing: the collector walks only what the step creates
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(calls):
            step()
        profiler.disable()
    except Exception as error:
        return f"{workload.name}: {describe_error(error)}"
    finally:
        gc.unfreeze()
    stream = io.StringIO()
    stats = pstats.Stats(profiler, stream=stream)
    stats.sort_stats("tottime")
    root = os.getcwd() + os.sep
    lines = [f"{workload.name}: {calls} calls profiled; own time (tottime) and with callees (cumtime) per call"]
    lines.append(f"  {'tottime µs':>12} {'cumtime µs':>12} {'ncalls/call':>11}  function")
    entries = sorted(stats.stats.items(), key=lambda item: item[1][2], reverse=True)  # type: ignore[attr-defined]
    for (filename, line, name), (_, ncalls, tottime, cumtime, _) in entries[:top]:
        where = filename.replace(root, "") if filename != "~" else "<built-in>"
        lines.append(
            f"  {tottime / calls * 1e6:12.2f} {cumtime / calls * 1e6:12.2f} {ncalls / calls:11.1f}  {where}:{line}({name})"
        )
    return "\n".join(lines)
