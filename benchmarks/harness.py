"""Timing: set every contender up, warm it up, then time them interleaved, round after round, and keep medians.

A workload is a name, a description and one `setup` per contender. `setup()` builds that
contender's state (weights copied from the same NumPy arrays, so all start equal) and returns
`step`, the zero-argument call that is timed; `step()` returns the loss (or another value) of
that call. The second call's value is compared across contenders (in a training workload it
depends on the first call's gradients and update), so that a benchmark can never time two
different computations without saying so.

Interleaving: in each round every contender runs one batch of calls, in an order that rotates
from round to round; so slow drifts of the machine (frequency, other load) hit all contenders
alike. The garbage collector stays on while timing (users run with it on; it is part of the
cost of a graph of Python objects), and runs between batches so one batch's garbage is not
collected in another's time. Before timing, every object that already exists is frozen
(`gc.freeze`): otherwise each full collection triggered by the engine's graph would also walk
PyTorch's ~150,000 module objects, a cost no engine user pays (it made the engine's chain 4x
slower here), and the timed code would pay for the other contenders' state.
"""

from __future__ import annotations

import gc
import importlib
import math
import os
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

Step = Callable[[], Any]
Setup = Callable[[], Step]

ENGINE = "engine"
NUMPY = "numpy"
TORCH = "torch"
MICROGRAD = "micrograd"
CONTENDERS = (ENGINE, NUMPY, TORCH, MICROGRAD)
LABELS = {ENGINE: "engine", NUMPY: "NumPy", TORCH: "PyTorch", MICROGRAD: "micrograd"}  # NumPy: written by hand


@dataclass(frozen=True)
class Target:
    """A goal for the engine.

    With `against`, the engine's time divided by that contender's must be at most `limit`
    (`reference` names another workload whose time is the denominator instead of this one's:
    one of this workload's `companions` when it has one of that name, timed in the same rounds).
    Without `against`, the engine's own value (e.g. megabytes) must be below `limit`.
    """

    limit: float
    against: str | None = None
    reference: str | None = None

    def describe(self) -> str:
        """The target as printed, e.g. `<= 1.15x NumPy`."""
        if self.against is None:
            return f"< {self.limit:g} MB"
        whose = LABELS[self.against] if self.against != ENGINE else "engine"
        where = f" at {self.reference}" if self.reference else ""
        return f"<= {self.limit:g}x {whose}{where}"


@dataclass
class Workload:
    """One benchmark row: what it computes and how each contender computes it."""

    name: str
    description: str
    setups: dict[str, Setup]
    engine_needs: tuple[str, ...] = ()
    targets: tuple[Target, ...] = ()
    per: int = 1  # the time of one call is divided by this (e.g. the nodes of a chain) ...
    per_what: str = "step"  # ... and reported per this unit
    check_rtol: float = 1e-3
    kind: str = "time"  # or "memory": `memory_steps` steps, growth of resident memory in MB
    memory_steps: tuple[int, int] = (100, 2000)
    # name -> (setup, per): steps timed in the same interleaved rounds as the contenders and printed under
    # the table, not as a contender: another workload's engine step, which a target against that workload
    # then divides by (times taken together), or another way to compute this one (a bare-bones engine)
    companions: dict[str, tuple[Setup, int]] = field(default_factory=dict)


@dataclass
class ContenderResult:
    """What one contender did on one workload: its median (seconds per unit, or MB) or why it has none."""

    median: float | None = None
    samples: list[float] = field(default_factory=list)
    calls_per_sample: int = 0
    check: float | None = None
    status: str | None = None  # None when measured; otherwise "n/a (missing: ...)" or "error: ..."


@dataclass
class TargetResult:
    """A target checked: the measured ratio (or value) and whether it passes (None: not measurable)."""

    target: Target
    value: float | None
    passed: bool | None


@dataclass
class WorkloadResult:
    """One workload's results, its targets checked, and any disagreement between contenders."""

    workload: Workload
    results: dict[str, ContenderResult]
    notes: list[str] = field(default_factory=list)
    targets: list[TargetResult] = field(default_factory=list)
    companions: dict[str, ContenderResult] = field(default_factory=dict)

    def median(self, contender: str) -> float | None:
        """The contender's median, or None when it was not measured."""
        r = self.results.get(contender)
        return None if r is None else r.median

    def ratio(self, contender: str) -> float | None:
        """The engine's median divided by the contender's (None when either is missing)."""
        engine, other = self.median(ENGINE), self.median(contender)
        if engine is None or other is None or other == 0 or self.workload.kind != "time":
            return None
        return engine / other


@dataclass(frozen=True)
class Settings:
    """How long to warm up and to measure."""

    warmup_calls: int
    warmup_seconds: float
    min_batch_seconds: float
    min_rounds: int
    max_rounds: int
    budget_seconds: float  # rounds are added until the workload has taken about this long
    gc_enabled: bool = True  # False (--no-gc): the cyclic collector is off inside timed batches


FULL = Settings(
    warmup_calls=3, warmup_seconds=0.3, min_batch_seconds=0.05, min_rounds=7, max_rounds=25, budget_seconds=8.0
)
QUICK = Settings(
    warmup_calls=1,
    warmup_seconds=0.02,
    min_batch_seconds=0.005,
    min_rounds=1,
    max_rounds=3,
    budget_seconds=0.5,
)


def missing_pieces(names: tuple[str, ...]) -> list[str]:
    """The dotted names (`nn.optim.SGD`, `autograd.conv2d`) that cannot be imported yet."""
    return [name for name in names if not _resolves(name)]


def _resolves(dotted: str) -> bool:
    parts = dotted.split(".")
    for i in range(len(parts), 0, -1):
        try:
            obj: Any = importlib.import_module(".".join(parts[:i]))
        except ImportError:
            continue
        except Exception:  # a module that exists but does not import (being written right now)
            return False
        try:
            for part in parts[i:]:
                obj = getattr(obj, part)
        except AttributeError:
            return False
        return True
    return False


def as_float(value: Any) -> float:
    """A step's returned value as a Python float (engine and torch tensors, NumPy, micrograd `Value`)."""
    if hasattr(value, "item"):
        return float(value.item())
    if hasattr(value, "data") and isinstance(value.data, (int, float)):
        return float(value.data)
    return float(value)


def describe_error(error: BaseException) -> str:
    """A one-line `error: Type: message` for the table."""
    message = str(error).strip().splitlines()[0] if str(error).strip() else ""
    return f"error: {type(error).__name__}: {message}"[:300]


def run_workload(
    workload: Workload, available: tuple[str, ...], settings: Settings, log: Callable[[str], None]
) -> WorkloadResult:
    """Measure one workload with every available contender; never raises for a contender's failure."""
    results: dict[str, ContenderResult] = {}
    steps: dict[str, Step] = {}
    first_call: dict[str, float] = {}  # the first call's time (the first two calls count as warm-up)
    for name in CONTENDERS:
        if name not in workload.setups or name not in available:
            continue
        result = results[name] = ContenderResult()
        if name == ENGINE:
            missing = missing_pieces(workload.engine_needs)
            if missing:
                result.status = f"n/a (missing: {', '.join(missing)})"
                continue
        try:
            step = workload.setups[name]()
            if workload.kind == "time":
                start = time.perf_counter()
                step()
                first_call[name] = time.perf_counter() - start
                result.check = as_float(step())
        except Exception as error:
            result.status = describe_error(error)
            continue
        steps[name] = step
    timed_companions: dict[str, ContenderResult] = {}
    if workload.kind == "memory":
        for name, step in steps.items():
            log(f"  {workload.name}: {LABELS[name]} ({workload.memory_steps[1]} steps)")
            try:
                results[name].median = memory_growth(step, *workload.memory_steps)
            except Exception as error:
                results[name].status = describe_error(error)
    else:
        companions = set_up_companions(workload, steps, first_call)
        timed_companions = {name: ContenderResult() for name in companions}
        gc.collect()
        gc.freeze()  # what exists now (every contender's modules and state) is not the timed code's garbage
        try:
            timed = {**steps, **{name: step for name, (step, _) in companions.items()}}
            per = {name: per for name, (_, per) in companions.items()}
            _time_interleaved(workload, timed, first_call, {**results, **timed_companions}, settings, log, per)
        finally:
            gc.unfreeze()
    outcome = WorkloadResult(workload, results, companions=timed_companions)
    outcome.notes.extend(_check_agreement(workload, results))
    for name, r in results.items():
        if r.status is not None:
            outcome.notes.append(f"{LABELS[name]}: {r.status}")
    return outcome


def set_up_companions(
    workload: Workload, steps: dict[str, Step], first_call: dict[str, float]
) -> dict[str, tuple[Step, int]]:
    """The workload's companion steps, set up and called once (only when the engine itself runs; one that
    fails is left out, and its target divides by the other workload's time as measured there)."""
    companions: dict[str, tuple[Step, int]] = {}
    if ENGINE not in steps:
        return companions
    for name, (setup, per) in workload.companions.items():
        try:
            step = setup()
            start = time.perf_counter()
            step()
            first_call[name] = time.perf_counter() - start
        except Exception:
            continue
        companions[name] = (step, per)
    return companions


def _time_interleaved(
    workload: Workload,
    steps: dict[str, Step],
    first_call: dict[str, float],
    results: dict[str, ContenderResult],
    settings: Settings,
    log: Callable[[str], None],
    per: dict[str, int] | None = None,
) -> None:
    per_call: dict[str, float] = {}
    for name, step in list(steps.items()):
        log(f"  {workload.name}: warming up {LABELS.get(name, name)}")
        try:
            per_call[name] = _warm_up(step, first_call[name], settings)
        except Exception as error:
            results[name].status = describe_error(error)
            del steps[name]
    if not steps:
        return
    numbers = {name: max(1, math.ceil(settings.min_batch_seconds / max(per_call[name], 1e-9))) for name in steps}
    round_seconds = sum(numbers[name] * per_call[name] for name in steps)
    rounds = int(
        min(settings.max_rounds, max(settings.min_rounds, settings.budget_seconds // max(round_seconds, 1e-9)))
    )
    log(f"  {workload.name}: {rounds} rounds of about {round_seconds:.2f} s")
    order = list(steps)
    for r in range(rounds):
        shift = r % len(order)
        for name in order[shift:] + order[:shift]:
            if name not in steps:
                continue
            step, number = steps[name], numbers[name]
            gc.collect()
            if not settings.gc_enabled:
                gc.disable()
            try:
                start = time.perf_counter()
                for _ in range(number):
                    step()
                elapsed = time.perf_counter() - start
            except Exception as error:
                results[name].status = describe_error(error)
                del steps[name]
                continue
            finally:
                gc.enable()
            results[name].samples.append(elapsed / number / (per or {}).get(name, workload.per))
            results[name].calls_per_sample = number
    for name in steps:
        if results[name].samples:
            results[name].median = statistics.median(results[name].samples)


def _warm_up(step: Step, first_call: float, settings: Settings) -> float:
    """Call `step` until warm (the first two calls count); return the fastest call's time, used to size batches."""
    best = first_call
    calls = 2
    began = time.perf_counter() - first_call
    while calls < settings.warmup_calls or time.perf_counter() - began < settings.warmup_seconds:
        start = time.perf_counter()
        step()
        best = min(best, time.perf_counter() - start)
        calls += 1
        if calls >= 1000:
            break
    return best


def _check_agreement(workload: Workload, results: dict[str, ContenderResult]) -> list[str]:
    """Notes for contenders whose second value differs from the reference's (NumPy by hand, else the engine)."""
    reference = NUMPY if results.get(NUMPY) and results[NUMPY].check is not None else ENGINE
    ref = results.get(reference)
    if ref is None or ref.check is None:
        return []
    notes = []
    for name, r in results.items():
        if name == reference or r.check is None:
            continue
        a, b = r.check, ref.check
        if a == b or (math.isinf(a) and math.isinf(b) and (a > 0) == (b > 0)):
            continue
        if not abs(a - b) <= workload.check_rtol * max(abs(b), 1e-12):
            notes.append(
                f"CHECK: {LABELS[name]}'s second value {a:.7g} differs from {LABELS[reference]}'s {b:.7g} "
                f"(rtol {workload.check_rtol:g}): the contenders do not compute the same thing"
            )
    return notes


def check_targets(outcomes: list[WorkloadResult]) -> None:
    """Fill each outcome's `targets` with the measured ratio (or value) and pass/fail."""
    by_name = {o.workload.name: o for o in outcomes}
    for outcome in outcomes:
        outcome.targets = []
        for target in outcome.workload.targets:
            engine = outcome.median(ENGINE)
            if target.against is None:
                value = engine
            else:
                other = denominator(outcome, target, by_name)
                value = None if engine is None or other is None or other == 0 else engine / other
            if value is None:
                passed = None
            elif target.against is None:
                passed = value < target.limit
            else:
                passed = value <= target.limit
            outcome.targets.append(TargetResult(target, value, passed))


def denominator(outcome: WorkloadResult, target: Target, by_name: dict[str, WorkloadResult]) -> float | None:
    """The time a target divides the engine's by: a contender's in this workload, or the engine's in the
    reference workload (its companion here, timed in the same rounds, when there is one)."""
    assert target.against is not None
    if target.reference is None:
        return outcome.median(target.against)
    companion = outcome.companions.get(target.reference)
    if companion is not None and companion.median is not None and target.against == ENGINE:
        return companion.median
    row = by_name.get(target.reference)
    return None if row is None else row.median(target.against)


def resident_megabytes() -> float:
    """This process's resident memory now, in MB (/proc/self/statm; peak from `resource` elsewhere)."""
    try:
        with open("/proc/self/statm") as statm:
            pages = int(statm.read().split()[1])
        return pages * os.sysconf("SC_PAGE_SIZE") / 2**20
    except (OSError, ValueError, IndexError, AttributeError):
        import resource
        import sys

        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        return peak / 2**20 if sys.platform == "darwin" else peak / 2**10


def memory_growth(step: Step, early: int, late: int) -> float:
    """Resident memory after `late` calls of `step` minus after `early` calls, in MB (garbage collected first)."""
    for _ in range(early):
        step()
    gc.collect()
    before = resident_megabytes()
    for _ in range(late - early):
        step()
    gc.collect()
    return resident_megabytes() - before
