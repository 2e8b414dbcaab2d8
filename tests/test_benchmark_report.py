"""The benchmark table's lines for steps timed alongside a workload's contenders (its companions)."""

from benchmarks.harness import ENGINE, NUMPY, ContenderResult, Workload, WorkloadResult
from benchmarks.report import companion_line, table


def _outcome(companion_per: int) -> WorkloadResult:
    def setup():  # never called: the results below are given, not measured
        raise AssertionError

    workload = Workload(
        name="row",
        description="a row",
        setups={ENGINE: setup, NUMPY: setup},
        per=10,
        per_what="node",
        companions={"other way": (setup, companion_per)},
    )
    results = {ENGINE: ContenderResult(median=3e-6), NUMPY: ContenderResult(median=1e-6)}
    return WorkloadResult(workload, results, companions={"other way": ContenderResult(median=2e-6)})


def test_a_companion_doing_the_workloads_own_work_is_shown_against_numpy_and_the_engine():
    assert companion_line(_outcome(10), "other way") == "other way 2 µs a node, 2.00x NumPy; engine / other way: 1.50x"


def test_a_companion_of_another_size_is_shown_against_the_engine_only():
    assert companion_line(_outcome(5), "other way") == "other way 2 µs a node; engine / other way: 1.50x"


def test_the_table_lists_companions_under_their_own_heading():
    header = {
        "date": "d",
        "quick": False,
        "machine": {"cpu": "c", "logical_cpus": 2, "system": "s", "python": "p"},
        "versions": {ENGINE: "0"},
        "blas": "b",
        "threads": 1,
        "gc_during_timing": True,
        "heap_pinned": True,
        "imports_frozen": True,
    }
    lines = table([_outcome(10)], header).splitlines()
    heading = lines.index("timed in the same rounds (not contenders):")
    assert lines[heading + 1] == "  row: other way 2 µs a node, 2.00x NumPy; engine / other way: 1.50x"
