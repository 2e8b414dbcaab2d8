"""Workload (h): memory. Resident memory after 2,000 full-batch training steps of the MLP of (b),
minus after the first 100, in MB (garbage collected before each reading).

Each step builds a graph; if a step's graph (or anything else) outlived the step, this number
would grow with the steps taken. Every contender runs in turn in this one process, so each
number is that contender's growth only.
"""

from __future__ import annotations

from .harness import ENGINE, NUMPY, TORCH, Target, Workload
from .mlp import ENGINE_NEEDS, engine_training, numpy_training, torch_training


def workloads(quick: bool, million: bool) -> list[Workload]:
    """The memory row (--quick takes 500 steps instead of 2,000)."""
    last = 500 if quick else 2000
    return [
        Workload(
            name="memory",
            description=f"resident memory after {last:,} MLP training steps minus after 100 (full batch), MB",
            setups={
                ENGINE: lambda: engine_training(None),
                NUMPY: lambda: numpy_training(None),
                TORCH: lambda: torch_training(None),
            },
            engine_needs=ENGINE_NEEDS,
            targets=(Target(5.0),),
            per_what="MB",
            kind="memory",
            memory_steps=(100, last),
        )
    ]
