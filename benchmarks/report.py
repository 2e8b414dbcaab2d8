"""Printing the results: a table for people, JSON for machines, and the machine they were measured on."""

from __future__ import annotations

import datetime
import os
import platform
from typing import Any

from .harness import CONTENDERS, ENGINE, LABELS, NUMPY, WorkloadResult

RATIO_COLUMNS = tuple(name for name in CONTENDERS if name != ENGINE)


def machine() -> dict[str, Any]:
    """The CPU, the number of logical CPUs, the system and Python, as far as they can be read."""
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as cpuinfo:
            for line in cpuinfo:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return {
        "cpu": cpu,
        "logical_cpus": os.cpu_count(),
        "system": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
    }


def blas() -> str:
    """NumPy's BLAS library and version, when NumPy says."""
    try:
        import numpy

        config = numpy.show_config(mode="dicts")
        info = config["Build Dependencies"]["blas"]
        return f"{info.get('name', '?')} {info.get('version', '')}".strip()
    except Exception:
        return "unknown"


def format_time(seconds: float | None) -> str:
    """Three significant digits in s, ms, µs or ns."""
    if seconds is None:
        return "-"
    for unit, scale in (("s", 1.0), ("ms", 1e-3), ("µs", 1e-6)):
        if seconds >= scale:
            return f"{seconds / scale:.3g} {unit}"
    return f"{seconds / 1e-9:.3g} ns"


def format_value(outcome: WorkloadResult, contender: str) -> str:
    """A contender's cell: its median, its memory growth, or why it has none."""
    r = outcome.results.get(contender)
    if r is None:
        return "-"
    if r.median is None:
        return "n/a" if (r.status or "").startswith("n/a") else ("error" if r.status else "-")
    if outcome.workload.kind == "memory":
        return f"{r.median:+.2f} MB"
    return format_time(r.median)


def format_targets(outcome: WorkloadResult) -> list[str]:
    """One line per target: what it asks, what was measured, pass or FAIL."""
    lines = []
    for t in outcome.targets:
        if t.value is None:
            measured, mark = "not measured", "?"
        elif t.target.against is None:
            measured, mark = f"{t.value:+.2f} MB", "pass" if t.passed else "FAIL"
        else:
            measured, mark = f"{t.value:.2f}x", "pass" if t.passed else "FAIL"
        lines.append(f"{t.target.describe()}: {measured} {mark}")
    return lines


def companion_line(outcome: WorkloadResult, name: str) -> str:
    """A companion step's median (timed in the workload's rounds) and the engine's time over it; against
    NumPy's too when it does the workload's own unit of work (the same `per`: another way to compute it)."""
    median = outcome.companions[name].median
    if median is None:
        return f"{name}: not measured"
    line = f"{name} {format_time(median)} a {outcome.workload.per_what}"
    numpy, engine = outcome.median(NUMPY), outcome.median(ENGINE)
    if numpy and outcome.workload.companions[name][1] == outcome.workload.per:
        line += f", {median / numpy:.2f}x NumPy"
    if engine:
        line += f"; engine / {name}: {engine / median:.2f}x"
    return line


def table(outcomes: list[WorkloadResult], header: dict[str, Any]) -> str:
    """The results as a text table, with the machine above and the notes below."""
    columns = ["workload", "per", *(LABELS[c] for c in CONTENDERS), *(f"eng/{LABELS[c]}" for c in RATIO_COLUMNS)]
    columns.append("target")
    rows: list[list[str]] = []
    for o in outcomes:
        ratios = [("-" if o.ratio(c) is None else f"{o.ratio(c):.2f}x") for c in RATIO_COLUMNS]
        targets = format_targets(o) or [""]
        rows.append(
            [o.workload.name, o.workload.per_what, *(format_value(o, c) for c in CONTENDERS), *ratios, targets[0]]
        )
        for extra in targets[1:]:
            rows.append([""] * (len(columns) - 1) + [extra])
    widths = [
        max(len(columns[i]), *(len(row[i]) for row in rows)) if rows else len(columns[i]) for i in range(len(columns))
    ]

    def line(cells: list[str]) -> str:
        return "  ".join(cell.ljust(width) for cell, width in zip(cells, widths)).rstrip()

    m, v = header["machine"], header["versions"]
    out = [
        f"tinyautograd benchmarks, {header['date']}{' (--quick)' if header['quick'] else ''}",
        f"machine: {m['cpu']}, {m['logical_cpus']} logical CPUs, {m['system']}, Python {m['python']}",
        "versions: "
        + ", ".join(f"{LABELS[name]} {version}" for name, version in v.items())
        + f"; BLAS {header['blas']}",
        f"threads: {header['threads']} (BLAS and PyTorch); medians of interleaved rounds after warm-up, "
        f"gc {'on' if header['gc_during_timing'] else 'off'}; "
        "NumPy = the same computation with forward and backward written by hand",
        "heap: "
        + (
            "glibc keeps freed memory (mmap/trim thresholds raised; --default-heap to leave them)"
            if header["heap_pinned"]
            else "glibc defaults (timings of large temporaries depend on heap layout)"
        )
        + (
            "; objects made by the imports frozen out of the cyclic GC (--no-freeze to keep them)"
            if header["imports_frozen"]
            else "; imports' objects walked by every full GC (PyTorch's inflate big graphs' times)"
        ),
        "",
        line(columns),
        line(["-" * w for w in widths]),
        *(line(row) for row in rows),
        "",
        "workloads:",
        *(f"  {o.workload.name}: {o.workload.description}" for o in outcomes),
    ]
    alongside = [f"  {o.workload.name}: {companion_line(o, name)}" for o in outcomes for name in o.companions]
    if alongside:
        out += ["", "timed in the same rounds (not contenders):", *alongside]
    notes = [f"  {o.workload.name}: {note}" for o in outcomes for note in o.notes]
    if notes:
        out += ["", "notes:", *notes]
    return "\n".join(out)


def as_json(outcomes: list[WorkloadResult], header: dict[str, Any]) -> dict[str, Any]:
    """Everything measured, for machines: times in seconds per unit, memory in MB."""
    workloads = []
    for o in outcomes:
        value_key = "megabytes" if o.workload.kind == "memory" else "median_seconds"
        workloads.append(
            {
                "name": o.workload.name,
                "description": o.workload.description,
                "kind": o.workload.kind,
                "per": o.workload.per_what,
                "contenders": {
                    name: {
                        value_key: r.median,
                        "samples": r.samples,
                        "calls_per_sample": r.calls_per_sample,
                        "second_value": r.check,
                        "status": r.status,
                    }
                    for name, r in o.results.items()
                },
                "ratios": {f"engine/{name}": o.ratio(name) for name in RATIO_COLUMNS if o.ratio(name) is not None},
                "targets": [
                    {
                        "target": t.target.describe(),
                        "limit": t.target.limit,
                        "against": t.target.against,
                        "reference": t.target.reference,
                        "value": t.value,
                        "passed": t.passed,
                    }
                    for t in o.targets
                ],
                "companions": {name: r.median for name, r in o.companions.items()},
                "notes": o.notes,
            }
        )
    return {**header, "workloads": workloads}


def make_header(
    versions: dict[str, str], threads: int, quick: bool, gc_enabled: bool, heap_pinned: bool, imports_frozen: bool
) -> dict[str, Any]:
    """What the table and the JSON say about the run: date, machine, versions, threads, heap."""
    return {
        "date": datetime.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z"),
        "machine": machine(),
        "versions": versions,
        "blas": blas(),
        "threads": threads,
        "quick": quick,
        "gc_during_timing": gc_enabled,
        "heap_pinned": heap_pinned,
        "imports_frozen": imports_frozen,
    }
