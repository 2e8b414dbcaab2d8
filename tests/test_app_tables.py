"""`tinyautograd fit` and `predict` on real tables, run as users run them (subprocesses): the shipped wine
data, classification, messy and big cells, and what the app does with hostile model files and signals.
"""

from __future__ import annotations

import csv
import io
import json
import os
import signal
import struct
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

import nn
from tinyautograd import cli
from tinyautograd.features import ColumnEncoder
from tinyautograd.metrics import accuracy, confusion_matrix, macro_f1
from tinyautograd.tables import DataError, read_table, sniff_separator

PREFIX = "tinyautograd: error: "


def run(*args: str, cwd: Path, timeout: float = 300, env: dict | None = None) -> subprocess.CompletedProcess[str]:
    """`python -m tinyautograd ARGS` in `cwd`, output captured."""
    return subprocess.run(
        [sys.executable, "-m", "tinyautograd", *args], cwd=cwd, capture_output=True, text=True, timeout=timeout, env=env
    )


def one_error_line(result: subprocess.CompletedProcess[str]) -> str:
    """The single stderr line of a failed run (asserting there is exactly one, and no traceback)."""
    lines = [line for line in result.stderr.strip().splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith(PREFIX), result.stderr[-2000:]
    return lines[0]


def fit_quick(tmp_path: Path, data: Path, *options: str) -> subprocess.CompletedProcess[str]:
    """One epoch of `fit` on `data` with target y, written to tmp_path/run."""
    return run("fit", "--csv", str(data), "--target", "y", "--epochs", "1", "--out", "run", *options, cwd=tmp_path)


def report(directory: Path) -> dict:
    return json.loads((directory / "report.json").read_text())


def messy_rows(n: int = 80, seed: int = 0) -> list[dict[str, str]]:
    """Rows with an id, a numeric feature with missing cells, a text feature, a noise column and a numeric target."""
    rng = np.random.default_rng(seed)
    rows = []
    for i in range(n):
        x = rng.normal()
        colour = ["red", "green", "blue"][i % 3]
        y = 2 * x + {"red": 3.0, "green": -3.0, "blue": 0.0}[colour] + 0.1 * rng.normal()
        cell = "NA" if i % 10 == 3 else ("" if i % 10 == 7 else f"{x:.5f}")
        rows.append({"id": f"row{i:03d}", "x": cell, "colour": colour, "notes": f"note {i}", "y": f"{y:.5f}"})
    return rows


def write_rows(path: Path, rows: list[dict[str, str]], separator: str = ",") -> Path:
    with open(path, "w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]), delimiter=separator, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return path


# -- the shipped data and classification -------------------------------------------------------------


def test_dataset_wine_trains_on_the_shipped_file_without_a_path(tmp_path: Path) -> None:
    result = run("fit", "--dataset", "wine", "--epochs", "2", "--out", "run", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    data = report(tmp_path / "run")["data"]
    assert data["target"] == "quality" and data["task"] == "regression" and len(data["features"]) == 11
    assert data["rows"]["train"] + data["rows"]["validation"] + data["rows"]["test"] == 1599


def test_wine_classification_with_default_settings_beats_both_baselines_on_test_accuracy(tmp_path: Path) -> None:
    result = run("fit", "--dataset", "wine", "--task", "classification", "--out", "run", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "task: classification (--task classification)" in result.stderr
    results = {row["predictor"].split(" ")[0]: row for row in report(tmp_path / "run")["results"]}
    assert set(results) == {"MLP", "majority", "logistic"}
    assert results["MLP"]["test_accuracy"] > results["logistic"]["test_accuracy"]
    assert results["MLP"]["test_accuracy"] > results["majority"]["test_accuracy"]
    assert "beats the best baseline (logistic regression)" in result.stdout
    assert (tmp_path / "run" / "confusion.png").read_bytes()[:4] == b"\x89PNG"


def test_a_text_target_means_classification_and_the_output_says_why(tmp_path: Path) -> None:
    rows = [{"a": f"{i % 7}", "b": f"{(i * 3) % 5}", "label": "big" if i % 7 > 3 else "small"} for i in range(60)]
    data = write_rows(tmp_path / "d.csv", rows)
    result = run("fit", "--csv", str(data), "--target", "label", "--epochs", "3", "--out", "run", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "task: classification (the target 'label' holds text labels" in result.stderr
    assert "test accuracy" in result.stdout and "test macro-F1" in result.stdout
    assert report(tmp_path / "run")["data"]["task"] == "classification"


def test_a_numeric_target_stays_regression_unless_asked(tmp_path: Path) -> None:
    result = run("fit", "--dataset", "wine", "--epochs", "1", "--out", "run", cwd=tmp_path)
    assert "task: regression (the target 'quality' is numeric; --task classification" in result.stderr
    assert "test MSE" in result.stdout


def test_predict_writes_labels_and_one_probability_column_per_class_in_row_order(tmp_path: Path) -> None:
    rows = [{"a": f"{i % 7}", "label": "big" if i % 7 > 3 else "small"} for i in range(60)]
    data = write_rows(tmp_path / "d.csv", rows)
    assert (
        run("fit", "--csv", str(data), "--target", "label", "--epochs", "40", "--out", "run", cwd=tmp_path).returncode
        == 0
    )
    result = run("predict", "--model", "run", "--csv", str(data), "--proba", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    table = list(csv.reader(io.StringIO(result.stdout)))
    assert table[0] == ["predicted_label", "p(big)", "p(small)"]
    assert len(table) == 61
    probabilities = np.array([[float(p) for p in row[1:]] for row in table[1:]])
    np.testing.assert_allclose(probabilities.sum(axis=1), 1.0, atol=1e-5)
    labels = [row[0] for row in table[1:]]
    assert labels == [["big", "small"][int(p.argmax())] for p in probabilities]
    assert accuracy(np.array(labels), np.array([r["label"] for r in rows])) > 0.9
    assert "accuracy against the 'label' column" in result.stderr


def test_proba_on_a_regression_model_is_refused(tmp_path: Path) -> None:
    data = write_rows(tmp_path / "d.csv", messy_rows())
    assert fit_quick(tmp_path, data).returncode == 0
    assert "--proba" in one_error_line(run("predict", "--model", "run", "--csv", str(data), "--proba", cwd=tmp_path))


# -- messy tables ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("separator", [",", ";", "\t", "|"])
def test_the_separator_is_sniffed(separator: str) -> None:
    assert sniff_separator(separator.join(["a", "b", "c"]), separator.join(["1", "2.5", "x"]), "f.csv") == separator


def test_text_features_are_one_hot_and_missing_cells_filled_with_an_indicator(tmp_path: Path) -> None:
    data = write_rows(tmp_path / "d.csv", messy_rows(), separator=";")
    result = fit_quick(tmp_path, data, "--ignore", "notes", "--id-column", "id")
    assert result.returncode == 0, result.stderr
    inputs = report(tmp_path / "run")["data"]["inputs"]
    assert inputs == ["x", "x is missing", "colour=blue", "colour=green", "colour=red"]


def test_the_encoder_fills_from_the_training_rows_and_leaves_unseen_categories_at_zero(tmp_path: Path) -> None:
    train = read_table(
        write_rows(tmp_path / "train.csv", [{"x": "1", "c": "a"}, {"x": "NA", "c": "b"}, {"x": "3", "c": "a"}])
    )
    test = read_table(write_rows(tmp_path / "test.csv", [{"x": "?", "c": "zzz"}, {"x": "5", "c": "b"}]))
    encoder = ColumnEncoder.fit(train, ["x", "c"])
    assert encoder.output_names == ["x", "x is missing", "c=a", "c=b"]
    np.testing.assert_array_equal(encoder.transform(test), [[2.0, 1.0, 0.0, 0.0], [5.0, 0.0, 0.0, 1.0]])
    restored = ColumnEncoder.from_dict(json.loads(json.dumps(encoder.to_dict())))
    np.testing.assert_array_equal(restored.transform(test), encoder.transform(test))


def test_drop_missing_drops_the_rows_with_a_missing_cell(tmp_path: Path) -> None:
    data = write_rows(tmp_path / "d.csv", messy_rows())
    args = ["--target", "y", "--ignore", "notes,id", "--drop-missing", "--epochs", "1", "--seed", "1", "--out", "run"]
    assert run("fit", "--csv", str(data), *args, cwd=tmp_path).returncode == 0
    info = report(tmp_path / "run")["data"]
    assert sum(info["dropped_for_missing"].values()) == 16  # rows 3 and 7 of every ten
    assert "x is missing" not in info["inputs"]


def test_features_chooses_the_columns(tmp_path: Path) -> None:
    data = write_rows(tmp_path / "d.csv", messy_rows())
    assert fit_quick(tmp_path, data, "--features", "colour").returncode == 0
    assert report(tmp_path / "run")["data"]["features"] == ["colour"]


def test_predict_carries_the_id_column_and_keeps_the_row_order(tmp_path: Path) -> None:
    rows = messy_rows()
    data = write_rows(tmp_path / "d.csv", rows, separator="\t")
    fit = fit_quick(tmp_path, data, "--ignore", "notes", "--id-column", "id")
    assert fit.returncode == 0, fit.stderr
    new = [dict(r, colour="purple") if i == 0 else r for i, r in enumerate(rows[::-1])]  # an unseen category
    for r in new:
        del r["y"]
    result = run("predict", "--model", "run", "--csv", str(write_rows(tmp_path / "new.csv", new, "\t")), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    table = list(csv.reader(io.StringIO(result.stdout)))
    assert table[0] == ["id", "predicted_y"]
    assert [row[0] for row in table[1:]] == [r["id"] for r in new]


def test_keep_columns_writes_every_input_column_then_the_prediction(tmp_path: Path) -> None:
    rows = messy_rows()
    data = write_rows(tmp_path / "d.csv", rows)
    assert fit_quick(tmp_path, data, "--ignore", "notes,id").returncode == 0
    result = run("predict", "--model", "run", "--csv", str(data), "--keep-columns", "--out", "p.csv", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    written = list(csv.DictReader(open(tmp_path / "p.csv")))
    assert [{k: v for k, v in row.items() if k != "predicted_y"} for row in written] == rows
    assert all(np.isfinite(float(row["predicted_y"])) for row in written)


def test_a_200000_character_cell_in_an_ignored_column_trains(tmp_path: Path) -> None:
    rows = messy_rows()
    rows[5]["notes"] = "x" * 200_000
    data = write_rows(tmp_path / "d.csv", rows)
    result = fit_quick(tmp_path, data, "--ignore", "notes,id")
    assert result.returncode == 0, result.stderr


def test_a_200000_character_header_is_read(tmp_path: Path) -> None:
    name = "h" * 200_000
    table = read_table(write_rows(tmp_path / "d.csv", [{name: "1", "y": "2"}, {name: "3", "y": "4"}]))
    assert table.names == [name, "y"]


def test_a_big_numeric_file_reads_in_blocks_the_same_as_loadtxt(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tinyautograd import tables

    monkeypatch.setattr(tables, "BLOCK_BYTES", 1000)  # many blocks
    values = np.random.default_rng(0).normal(size=(500, 4))
    path = tmp_path / "big.csv"
    np.savetxt(path, values, delimiter=",", header="a,b,c,d", comments="", fmt="%.6f")
    seen = []
    table = read_table(path, progress=lambda done, total: seen.append((done, total)))
    np.testing.assert_array_equal(
        np.column_stack([table.columns[n] for n in "abcd"]), np.loadtxt(path, delimiter=",", skiprows=1)
    )
    assert len(seen) > 10 and seen[-1][0] == seen[-1][1] == path.stat().st_size


def test_a_fifo_given_as_input_is_refused_with_one_line(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)
    result = run("fit", "--csv", str(fifo), "--target", "y", "--out", "run", cwd=tmp_path, timeout=60)
    assert result.returncode == 2
    assert "pipe.csv" in one_error_line(result) and "FIFO" in result.stderr


# -- clean ends -----------------------------------------------------------------------------------------


def test_sigterm_during_fit_exits_143_with_one_line_and_leaves_nothing(tmp_path: Path) -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "tinyautograd", "fit", "--epochs", "100000", "--patience", "0", "--out", "run"],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 120
    while not any(p.name.endswith(".partial") for p in tmp_path.iterdir()) and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.3)
    process.send_signal(signal.SIGTERM)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 143
    assert stderr.strip().splitlines()[-1] == "tinyautograd: terminated"
    assert list(tmp_path.iterdir()) == []


def test_a_save_removes_the_temporaries_of_earlier_killed_saves_of_the_same_path(tmp_path: Path) -> None:
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    stale = tmp_path / f".model.safetensors.{dead.stdout.strip()}.abc123.tmp"
    stale.write_bytes(b"half a checkpoint")
    other = tmp_path / f".other.safetensors.{dead.stdout.strip()}.abc123.tmp"
    other.write_bytes(b"someone else's")
    live = tmp_path / f".model.safetensors.{os.getpid()}.xyz.tmp"  # a save in progress in a live process
    live.write_bytes(b"in progress")
    nn.save({"w": np.zeros(2, dtype=np.float32)}, tmp_path / "model.safetensors")
    assert not stale.exists() and other.exists() and live.exists()


# -- hostile model files ---------------------------------------------------------------------------------


def safetensors_bytes(header: dict | str, data: bytes = b"") -> bytes:
    text = header if isinstance(header, str) else json.dumps(header)
    raw = text.encode()
    return struct.pack("<Q", len(raw)) + raw + data


def mlp_metadata(hidden: list[int], inputs: int = 3) -> dict[str, str]:
    encoder = ColumnEncoder.fit(read_table_from({"a": [1.0, 2.0], "b": [1.0, 2.0], "c": [1.0, 2.0]}), ["a", "b", "c"])
    return {
        "format": "tinyautograd-mlp/2",
        "task": "regression",
        "architecture": json.dumps({"inputs": inputs, "hidden": hidden, "activation": "relu", "outputs": 1}),
        "encoder": json.dumps(encoder.to_dict()),
        "feature_standardizer": json.dumps({"mean": [0.0] * inputs, "std": [1.0] * inputs}),
        "target_standardizer": json.dumps({"mean": [0.0], "std": [1.0]}),
        "target_name": "y",
        "classes": "[]",
        "id_column": "null",
    }


def read_table_from(columns: dict[str, list[float]]):
    from tinyautograd.tables import RawTable

    n = len(next(iter(columns.values())))
    return RawTable("t", list(columns), {k: np.array(v) for k, v in columns.items()}, np.arange(n))


def small_weights() -> tuple[dict, bytes]:
    """A header and data for a 3-2-1 MLP: 0.weight (2,3), 0.bias (2,), 2.weight (1,2), 2.bias (1,)."""
    shapes = {"0.weight": [2, 3], "0.bias": [2], "2.weight": [1, 2], "2.bias": [1]}
    header, offset = {}, 0
    for key, shape in shapes.items():
        size = 4 * int(np.prod(shape))
        header[key] = {"dtype": "F32", "shape": shape, "data_offsets": [offset, offset + size]}
        offset += size
    return header, bytes(offset)


def hostile(kind: str) -> bytes:
    header, data = small_weights()
    if kind == "huge hidden size":
        return safetensors_bytes({**header, "__metadata__": mlp_metadata([10**9])}, data)
    if kind == "a million layers":
        return safetensors_bytes({**header, "__metadata__": mlp_metadata([2] * 10**6)}, data)
    if kind == "deep nesting":
        return safetensors_bytes("[" * 100_000 + "]" * 100_000)
    if kind == "infinite offsets":
        text = json.dumps({"w": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]}}).replace(
            "[0, 4]", "[0, Infinity]"
        )
        return safetensors_bytes(text, bytes(4))
    if kind == "huge offsets":
        return safetensors_bytes({"w": {"dtype": "F32", "shape": [10**12], "data_offsets": [0, 4 * 10**12]}}, bytes(4))
    if kind == "bf16":
        return safetensors_bytes({"w": {"dtype": "BF16", "shape": [2], "data_offsets": [0, 4]}}, bytes(4))
    if kind == "header longer than the file":
        return struct.pack("<Q", 2**40) + b"{}"
    if kind == "weights that do not match the metadata":
        return safetensors_bytes({**header, "__metadata__": mlp_metadata([5])}, data)
    if kind == "negative shape":
        return safetensors_bytes({"w": {"dtype": "F32", "shape": [-1], "data_offsets": [0, 4]}}, bytes(4))
    raise AssertionError(kind)


MALFORMED = [
    "deep nesting",
    "infinite offsets",
    "huge offsets",
    "bf16",
    "header longer than the file",
    "negative shape",
]
# Well-formed safetensors files whose metadata lies about the model: only the app's architecture check refuses them.
LYING = ["huge hidden size", "a million layers", "weights that do not match the metadata"]
HOSTILE = MALFORMED + LYING


@pytest.mark.parametrize("kind", MALFORMED)
def test_nn_load_of_a_malformed_file_raises_the_checkpoint_error_in_one_line(tmp_path: Path, kind: str) -> None:
    path = tmp_path / "model.safetensors"
    path.write_bytes(hostile(kind))
    with pytest.raises(nn.CheckpointError) as raised:
        nn.load(path)
    assert "\n" not in str(raised.value) and len(str(raised.value)) < 400


@pytest.mark.parametrize("kind", HOSTILE)
def test_predict_with_a_hostile_model_file_gives_one_line_and_status_2_quickly(tmp_path: Path, kind: str) -> None:
    (tmp_path / "model.safetensors").write_bytes(hostile(kind))
    write_rows(tmp_path / "d.csv", [{"a": "1", "b": "2", "c": "3"}])
    started = time.monotonic()
    result = run("predict", "--model", "model.safetensors", "--csv", "d.csv", cwd=tmp_path, timeout=60)
    assert result.returncode == 2
    line = one_error_line(result)
    assert len(line) < 500 and time.monotonic() - started < 30
    if kind == "bf16":
        assert "bfloat16 (BF16) is not supported" in line


def test_an_unexpected_error_is_one_line_with_a_hint_to_use_debug(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def broken(args):
        raise ZeroDivisionError("something inside broke")

    monkeypatch.setattr(cli, "run_fit", broken)
    monkeypatch.chdir(tmp_path)
    assert cli.main(["fit"]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "ZeroDivisionError: something inside broke" in err[0] and "--debug" in err[0]
    with pytest.raises(ZeroDivisionError):
        cli.main(["fit", "--debug"])


def test_a_foreign_autograd_package_is_named_in_one_line(tmp_path: Path) -> None:
    fake = tmp_path / "shadow" / "autograd"
    fake.mkdir(parents=True)
    (fake / "__init__.py").write_text("grad = None  # HIPS's autograd has no draw_graph\n")
    env = dict(os.environ, PYTHONPATH=str(tmp_path / "shadow"))
    result = run("fit", cwd=tmp_path, env=env, timeout=60)
    assert result.returncode == 2
    assert "HIPS" in one_error_line(result) and "pip uninstall autograd" in result.stderr


# -- metrics ------------------------------------------------------------------------------------------


def test_macro_f1_averages_each_present_classes_f1() -> None:
    predicted, actual = np.array([0, 0, 1, 2, 2, 2]), np.array([0, 1, 1, 2, 2, 0])
    counts = confusion_matrix(predicted, actual, 3)
    np.testing.assert_array_equal(counts, [[1, 0, 1], [1, 1, 0], [0, 0, 2]])
    f1 = [2 * 1 / (2 + 2), 2 * 1 / (1 + 2), 2 * 2 / (3 + 2)]  # 2 TP / (predicted + actual) per class
    assert macro_f1(predicted, actual, 3) == pytest.approx(np.mean(f1))


def test_read_table_refuses_a_row_of_the_wrong_length_naming_its_line(tmp_path: Path) -> None:
    path = tmp_path / "d.csv"
    path.write_text("a,b\n1,x\n2\n")
    with pytest.raises(DataError, match="line 3 has 1 fields but the header has 2 columns"):
        read_table(path)


def test_a_model_that_does_not_beat_the_best_baseline_is_reported_in_words(tmp_path: Path) -> None:
    rows = [
        {"a": f"{i / 10:.2f}", "y": f"{2 * i / 10:.2f}"} for i in range(60)
    ]  # exactly linear: least squares is exact
    data = write_rows(tmp_path / "d.csv", rows)
    args = ["--target", "y", "--epochs", "1", "--lr", "1e-6", "--out", "run"]
    result = run("fit", "--csv", str(data), *args, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "The model does NOT beat the best baseline (linear least squares) on the test split" in result.stdout
    assert report(tmp_path / "run")["verdict"].startswith("The model does NOT beat")
