"""The command line, run as users run it: `python -m tinyautograd ...` and the `tinyautograd` console script.

Also the pieces it is built from: the Friedman #1 generator, the baselines, the run directory.
"""

from __future__ import annotations

import csv
import json
import math
import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import nn
from nn.serialization import read_metadata
from tinyautograd.baselines import LeastSquares, MeanPredictor
from tinyautograd.friedman import make_friedman1
from tinyautograd.reporting import staged_directory
from tinyautograd.tables import read_csv, train_test_split

PREFIX = "tinyautograd: error: "
CONSOLE_SCRIPT = Path(sys.executable).with_name("tinyautograd")


def run(*args: str, cwd: Path, console: bool = False, timeout: float = 180) -> subprocess.CompletedProcess[str]:
    """Run the command line in `cwd` and capture its output."""
    command = [str(CONSOLE_SCRIPT)] if console else [sys.executable, "-m", "tinyautograd"]
    return subprocess.run([*command, *args], cwd=cwd, capture_output=True, text=True, timeout=timeout)


def write_csv(path: Path, rows: int = 60, separator: str = ",", seed: int = 0, with_target: bool = True) -> Path:
    """A small numeric CSV: features a, b, c and target y = 2a - b + 0.5 c² + noise."""
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(rows, 3))
    y = 2 * x[:, 0] - x[:, 1] + 0.5 * x[:, 2] ** 2 + 0.1 * rng.normal(size=rows)
    with open(path, "w", newline="") as f:
        writer = csv.writer(f, delimiter=separator)
        writer.writerow(["a", "b", "c", "y"] if with_target else ["a", "b", "c"])
        for features, target in zip(x, y):
            writer.writerow(
                [*(repr(float(v)) for v in features), repr(float(target))]
                if with_target
                else [repr(float(v)) for v in features]
            )
    return path


def report_of(directory: Path) -> dict:
    return json.loads((directory / "report.json").read_text())


def test_console_script_is_installed_and_trains(tmp_path: Path) -> None:
    assert CONSOLE_SCRIPT.exists(), f"{CONSOLE_SCRIPT} is missing: install the project with `pip install -e .`"
    data = write_csv(tmp_path / "data.csv")
    result = run(
        "fit", "--csv", str(data), "--target", "y", "--epochs", "2", "--out", "run", cwd=tmp_path, console=True
    )
    assert result.returncode == 0, result.stderr
    assert "linear least squares" in result.stdout
    assert (tmp_path / "run" / "model.safetensors").is_file()


def test_help_explains_every_option_with_its_default(tmp_path: Path) -> None:
    result = run("fit", "--help", cwd=tmp_path)
    assert result.returncode == 0
    text = " ".join(result.stdout.split())
    for option, default in [
        ("--hidden", "(default: 64,64)"),
        ("--activation", "(default: gelu)"),
        ("--optimizer", "(default: adamw)"),
        ("--lr", "(default: 0.001)"),
        ("--momentum", "(default: 0.9)"),
        ("--weight-decay", "1000 / the number of rows trained on"),
        ("--epochs", "(default: 100)"),
        ("--batch-size", "(default: 32)"),
        ("--patience", "(default: 30)"),
        ("--seed", "(default: 0)"),
        ("--out", "(default: ./runs/<date>-<time>)"),
    ]:
        assert option in text
        assert default in text, f"{option}: {default!r} not in the help"
    for option in ("--csv", "--target", "--train", "--test", "--graph", "relu", "tanh", "sigmoid", "sgd", "adam"):
        assert option in text


def test_default_run_on_friedman_gets_close_to_the_noise_floor(tmp_path: Path) -> None:
    result = run("fit", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    (directory,) = (tmp_path / "runs").iterdir()  # the default ./runs/<timestamp>
    model, mean, linear = report_of(directory)["results"]
    assert [mean["predictor"], linear["predictor"]] == ["predicting the mean", "linear least squares"]
    assert 5.5 < linear["test_mse"] < 7.5  # Friedman #1's linear baseline
    assert model["test_mse"] < 1.2  # the noise variance, 1.0, is the floor
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["predictor", "train", "MSE", "test", "MSE"]
    assert lines[1].startswith("MLP 10-64-64-1") and f"{model['test_mse']:.4f}" in lines[1]
    assert "training" in result.stderr and "test" in result.stderr  # the progress bar with its running losses


def test_report_baselines_match_numpy_on_the_same_split(tmp_path: Path) -> None:
    data = write_csv(tmp_path / "data.csv", rows=80)
    result = run(
        "fit", "--csv", str(data), "--target", "y", "--epochs", "2", "--seed", "3", "--out", "run", cwd=tmp_path
    )
    assert result.returncode == 0, result.stderr
    train, test = train_test_split(read_csv(data, target="y"), test_fraction=0.2, seed=3)
    design = np.column_stack([train.features, np.ones(len(train))])
    coef = np.linalg.lstsq(design, train.target, rcond=None)[0]
    linear_test = np.mean((np.column_stack([test.features, np.ones(len(test))]) @ coef - test.target) ** 2)
    mean_test = np.mean((train.target.mean() - test.target) ** 2)
    _, mean, linear = report_of(tmp_path / "run")["results"]
    assert mean["test_mse"] == pytest.approx(mean_test, rel=1e-9)
    assert linear["test_mse"] == pytest.approx(linear_test, rel=1e-9)


def test_fit_writes_plot_model_history_and_report(tmp_path: Path) -> None:
    data = write_csv(tmp_path / "data.csv", separator=";")
    args = ["--csv", str(data), "--target", "y", "--hidden", "8,4", "--activation", "tanh", "--optimizer", "sgd"]
    result = run("fit", *args, "--lr", "0.01", "--epochs", "4", "--batch-size", "8", "--out", "run", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    directory = tmp_path / "run"
    assert sorted(p.name for p in directory.iterdir()) == [
        "history.csv",
        "loss.png",
        "model.safetensors",
        "report.json",
    ]
    assert (directory / "loss.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    state = nn.load(directory / "model.safetensors")
    assert {k: tuple(v.shape) for k, v in state.items()} == {
        "0.weight": (8, 3), "0.bias": (8,), "2.weight": (4, 8), "2.bias": (4,), "4.weight": (1, 4), "4.bias": (1,)
    }  # fmt: skip
    report = report_of(directory)
    assert report["settings"]["hidden"] == [8, 4] and report["settings"]["optimizer"] == "sgd"
    assert report["data"]["rows"]["test"] == 12  # round(0.2 * 60)
    with open(directory / "history.csv") as f:
        history = list(csv.DictReader(f))
    assert [int(row["epoch"]) for row in history] == list(range(1, report["training"]["epochs_run"] + 1))
    assert set(history[0]) == {"epoch", "train_loss", "validation_loss", "test_loss", "lr"}


def test_same_seed_gives_the_same_numbers_and_another_seed_does_not(tmp_path: Path) -> None:
    for out, seed in (("first", "5"), ("second", "5"), ("other", "6")):
        result = run("fit", "--epochs", "3", "--seed", seed, "--out", out, cwd=tmp_path)
        assert result.returncode == 0, result.stderr
    first, second, other = (report_of(tmp_path / name) for name in ("first", "second", "other"))
    assert first["results"] == second["results"]
    assert (tmp_path / "first" / "history.csv").read_text() == (tmp_path / "second" / "history.csv").read_text()
    assert first["results"][0]["test_mse"] != other["results"][0]["test_mse"]


def test_graph_option_writes_the_svg_of_one_training_step(tmp_path: Path) -> None:
    data = write_csv(tmp_path / "data.csv")
    result = run("fit", "--csv", str(data), "--target", "y", "--epochs", "1", "--graph", "--out", "run", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    svg = (tmp_path / "run" / "graph.svg").read_text()
    assert "<svg" in svg
    assert "MseLossBackward" in svg and "0.weight" in svg  # the loss node and the parameters by name


def test_train_and_test_files(tmp_path: Path) -> None:
    train = write_csv(tmp_path / "train.csv", rows=50, seed=1)
    test = write_csv(tmp_path / "test.csv", rows=20, seed=2, separator=";")
    result = run("fit", "--train", str(train), "--test", str(test), "--target", "y", "--epochs", "2", "--out", "run", cwd=tmp_path)  # fmt: skip
    assert result.returncode == 0, result.stderr
    rows = report_of(tmp_path / "run")["data"]["rows"]
    assert rows == {"train": 45, "validation": 5, "test": 20}


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_default_settings_beat_the_linear_baseline_on_red_wine(tmp_path: Path, wine_csv: Path, seed: int) -> None:
    result = run(
        "fit", "--csv", str(wine_csv), "--target", "quality", "--seed", str(seed), "--out", "run", cwd=tmp_path
    )
    assert result.returncode == 0, result.stderr
    model, _, linear = report_of(tmp_path / "run")["results"]
    assert model["test_mse"] < linear["test_mse"]


def numpy_relu_mlp(directory: Path, features: np.ndarray) -> np.ndarray:
    """The saved ReLU model's predictions computed with NumPy from the checkpoint: standardise, layers, unscale."""
    path = directory / "model.safetensors"
    state = {k: v.numpy().astype(np.float64) for k, v in nn.load(path).items()}
    metadata = read_metadata(path)
    x_scale, y_scale = json.loads(metadata["feature_standardizer"]), json.loads(metadata["target_standardizer"])
    h = (features - np.array(x_scale["mean"])) / np.array(x_scale["std"])
    layers = sorted({int(k.split(".")[0]) for k in state})
    for i, index in enumerate(layers):
        h = h @ state[f"{index}.weight"].T + state[f"{index}.bias"]
        if i < len(layers) - 1:
            h = np.maximum(h, 0)
    return h[:, 0] * y_scale["std"][0] + y_scale["mean"][0]


def test_predict_applies_the_saved_standardisation_without_a_target_column(tmp_path: Path) -> None:
    data = write_csv(tmp_path / "data.csv")
    fit = run("fit", "--csv", str(data), "--target", "y", "--activation", "relu", "--epochs", "3", "--out", "run", cwd=tmp_path)  # fmt: skip
    assert fit.returncode == 0, fit.stderr
    new = write_csv(tmp_path / "new.csv", rows=7, seed=9, with_target=False)
    result = run("predict", "--model", "run", "--csv", str(new), "--out", "predictions.csv", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    with open(tmp_path / "predictions.csv") as f:
        rows = list(csv.reader(f))
    assert rows[0] == ["predicted_y"]
    features = np.loadtxt(new, delimiter=",", skiprows=1)
    expected = numpy_relu_mlp(tmp_path / "run", features)
    np.testing.assert_allclose([float(r[0]) for r in rows[1:]], expected, rtol=1e-5, atol=1e-5)


def test_predict_to_standard_output_reports_the_mse_when_the_target_is_there(tmp_path: Path) -> None:
    data = write_csv(tmp_path / "data.csv")
    fit = run("fit", "--csv", str(data), "--target", "y", "--activation", "relu", "--epochs", "3", "--out", "run", cwd=tmp_path)  # fmt: skip
    assert fit.returncode == 0, fit.stderr
    result = run("predict", "--model", "run/model.safetensors", "--csv", str(data), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    predictions = np.array([float(line) for line in result.stdout.splitlines()[1:]])
    table = np.loadtxt(data, delimiter=",", skiprows=1)
    np.testing.assert_allclose(predictions, numpy_relu_mlp(tmp_path / "run", table[:, :3]), rtol=1e-5, atol=1e-5)
    assert f"{np.mean((predictions - table[:, 3]) ** 2):.4f}" in result.stderr


# -- bad input: one line on stderr, exit status 2, no output left behind ---------------------------


def write_text(path: Path, text: str) -> Path:
    path.write_text(text)
    return path


BAD_FIT_INPUTS = {
    "missing file": (lambda d: ["--csv", str(d / "absent.csv"), "--target", "y"], ["absent.csv", "no such file"]),
    "unknown column": (
        lambda d: ["--csv", str(write_csv(d / "d.csv")), "--target", "z"],
        ["'z'", "'a', 'b', 'c', 'y'"],
    ),
    "text target for regression": (
        lambda d: [
            "--csv",
            str(write_text(d / "d.csv", "a,b,y\n1,2,3\n4,5,6\n7,8,abc\n1,1,1\n2,2,2\n")),
            "--target",
            "y",
            "--task",
            "regression",
        ],
        ["'y'", "text", "--task classification"],
    ),
    "empty file": (lambda d: ["--csv", str(write_text(d / "d.csv", "")), "--target", "y"], ["empty"]),
    "single row": (lambda d: ["--csv", str(write_text(d / "d.csv", "a,y\n1,2\n")), "--target", "y"], ["1 data rows"]),
    "negative learning rate": (lambda d: ["--lr", "-0.1"], ["--lr", "-0.1"]),
    "csv without target": (lambda d: ["--csv", str(write_csv(d / "d.csv"))], ["--target"]),
    "train without test": (lambda d: ["--train", str(write_csv(d / "d.csv")), "--target", "y"], ["--test"]),
    "bad layer widths": (lambda d: ["--hidden", "64,0"], ["--hidden", "64,0"]),
    "unknown activation": (lambda d: ["--activation", "swish"], ["swish"]),
}


@pytest.mark.parametrize("case", list(BAD_FIT_INPUTS))
def test_bad_input_gives_one_line_and_status_2_and_leaves_no_output(tmp_path: Path, case: str) -> None:
    make_args, words = BAD_FIT_INPUTS[case]
    args = make_args(tmp_path)
    before = sorted(os.listdir(tmp_path))
    result = run("fit", *args, "--epochs", "2", "--out", "runs/bad", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(PREFIX), result.stderr
    for word in words:
        assert word in lines[0]
    assert sorted(os.listdir(tmp_path)) == before  # no runs/, no half-written directory


def test_nan_loss_stops_names_the_epoch_and_suggests_a_learning_rate_that_trains(tmp_path: Path) -> None:
    result = run("fit", "--optimizer", "sgd", "--lr", "1e6", "--epochs", "3", "--out", "runs/bad", cwd=tmp_path)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    lines = result.stderr.rstrip().split("\n")
    assert lines[-1].startswith(PREFIX) and sum(PREFIX in line for line in lines) == 1
    assert "at epoch 1" in lines[-1]
    assert os.listdir(tmp_path) == []  # the staged run directory and runs/ are gone
    suggested = re.search(r"--lr (\S+): try that", lines[-1])
    assert suggested is not None, lines[-1]
    assert float(suggested.group(1)) < 1e5  # not a fixed tenth of the rate that diverged
    again = run("fit", "--optimizer", "sgd", "--lr", suggested.group(1), "--epochs", "3", "--out", "run", cwd=tmp_path)
    assert again.returncode == 0, again.stderr
    assert math.isfinite(report_of(tmp_path / "run")["results"][0]["test_mse"])


def test_an_existing_non_empty_output_directory_is_left_alone(tmp_path: Path) -> None:
    write_text((tmp_path / "run").mkdir() or tmp_path / "run" / "notes.txt", "keep me")
    result = run("fit", "--epochs", "1", "--out", "run", cwd=tmp_path)
    assert result.returncode == 2 and result.stderr.startswith(PREFIX) and "not empty" in result.stderr
    assert os.listdir(tmp_path / "run") == ["notes.txt"]


@pytest.mark.parametrize(
    "case",
    ["missing model", "not a checkpoint", "missing feature column"],
)
def test_predict_bad_input_gives_one_line_and_status_2(tmp_path: Path, case: str) -> None:
    model = "absent"
    csv_file = write_csv(tmp_path / "data.csv")
    if case != "missing model":
        fit = run("fit", "--csv", str(csv_file), "--target", "y", "--epochs", "1", "--out", "run", cwd=tmp_path)
        assert fit.returncode == 0, fit.stderr
        model = "run"
    if case == "not a checkpoint":
        write_text(tmp_path / "run" / "model.safetensors", "not a model")
    if case == "missing feature column":
        csv_file = write_text(tmp_path / "data.csv", "a,c\n1,2\n")
    result = run("predict", "--model", model, "--csv", str(csv_file), "--out", "predictions.csv", cwd=tmp_path)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(PREFIX), result.stderr
    assert not (tmp_path / "predictions.csv").exists()
    if case == "missing feature column":
        assert "'b'" in lines[0]


# -- the pieces --------------------------------------------------------------------------------------


def test_friedman_target_is_the_formula_plus_unit_noise() -> None:
    table = make_friedman1(20_000, seed=4)
    x = table.features
    formula = 10 * np.sin(np.pi * x[:, 0] * x[:, 1]) + 20 * (x[:, 2] - 0.5) ** 2 + 10 * x[:, 3] + 5 * x[:, 4]
    noise = table.target - formula
    assert x.shape == (20_000, 10) and x.min() >= 0 and x.max() <= 1
    assert abs(noise.mean()) < 0.05 and abs(noise.var() - 1.0) < 0.05
    assert np.array_equal(make_friedman1(20_000, seed=4).target, table.target)


def test_friedman_without_noise_is_exactly_the_formula() -> None:
    x = make_friedman1(50, noise=0.0, seed=2).features
    expected = 10 * np.sin(np.pi * x[:, 0] * x[:, 1]) + 20 * (x[:, 2] - 0.5) ** 2 + 10 * x[:, 3] + 5 * x[:, 4]
    np.testing.assert_allclose(make_friedman1(50, noise=0.0, seed=2).target, expected, rtol=0, atol=1e-12)


@given(
    st.lists(st.floats(-5, 5), min_size=3, max_size=3),
    st.floats(-5, 5),
    st.integers(0, 2**16),
)
def test_least_squares_recovers_an_exact_linear_relation(coef: list[float], intercept: float, seed: int) -> None:
    x = np.random.default_rng(seed).normal(size=(20, 3))
    y = x @ np.array(coef) + intercept
    model = LeastSquares().fit(x, y)
    np.testing.assert_allclose(model.coef, coef, atol=1e-8)
    assert model.intercept == pytest.approx(intercept, abs=1e-8)
    np.testing.assert_allclose(model.predict(x), y, atol=1e-8)


def test_mean_predictor_predicts_the_training_mean() -> None:
    predictor = MeanPredictor().fit(np.zeros((4, 2)), np.array([1.0, 2.0, 3.0, 10.0]))
    np.testing.assert_array_equal(predictor.predict(np.ones((3, 2))), [4.0, 4.0, 4.0])


def test_staged_directory_appears_only_on_success(tmp_path: Path) -> None:
    with staged_directory(tmp_path / "runs" / "good") as work:
        (work / "file.txt").write_text("done")
        assert not (tmp_path / "runs" / "good").exists()
    assert (tmp_path / "runs" / "good" / "file.txt").read_text() == "done"
    with pytest.raises(RuntimeError), staged_directory(tmp_path / "new" / "deeper" / "bad") as work:
        (work / "file.txt").write_text("half")
        raise RuntimeError("failed midway")
    assert sorted(os.listdir(tmp_path)) == ["runs"]
    assert os.listdir(tmp_path / "runs") == ["good"]
