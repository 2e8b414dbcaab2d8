"""The command line: `tinyautograd fit` trains an MLP regressor on tabular data, `tinyautograd predict` applies it.

    tinyautograd fit                                   # Friedman #1, generated (no download)
    tinyautograd fit --csv winequality-red.csv --target quality
    tinyautograd fit --train train.csv --test test.csv --target y --hidden 128,128 --activation relu
    tinyautograd predict --model runs/20250101-120000 --csv new.csv --out predictions.csv

`python -m nn` is the same program. The training loop in `train` is the one you would write by hand
(zero_grad, forward, loss, backward, step); everything else here reads data, checks options and writes
the results. Bad input gives one line on stderr, `tinyautograd: error: ...`, and exit status 2.
"""

from __future__ import annotations

import argparse
import csv
import datetime
import json
import math
import os
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from tqdm import tqdm

import autograd
from autograd.graph_drawing import GraphvizNotFoundError

from . import optim
from .baselines import LeastSquares, MeanPredictor
from .blas_threads import limit_blas_threads, threads_chosen_by_user
from .data import DataError, DataLoader, Standardizer, Table, TensorDataset, read_csv, train_test_split
from .friedman import make_friedman1
from .losses import MSELoss
from .mlp import ACTIVATIONS, Regressor, build_mlp, load_regressor, save_regressor
from .reporting import (
    check_output_directory,
    format_table,
    plot_losses,
    staged_directory,
    write_history_csv,
    write_report_json,
)
from .serialization import CheckpointError

PROG = "tinyautograd"
FRIEDMAN_ROWS = 10_000
FRIEDMAN_SEED = 0  # the data set is always the same; --seed changes the split, the initial weights and the batches
TEST_FRACTION = 0.2
VALIDATION_FRACTION = 0.1  # of the training split
MIN_CSV_ROWS = 5  # enough for a test row, a validation row and a few rows to train on
OPTIMIZERS = ("sgd", "adam", "adamw")
# AdamW's default weight decay shrinks as the data grows (less data, more regularisation): 1000 / rows trained on,
# at most 10 (0.87 on the red wine data's 1151 rows, 0.14 on Friedman #1's 7200). sgd and adam default to none.
WEIGHT_DECAY_ROWS = 1000
MAX_DEFAULT_WEIGHT_DECAY = 10.0
MODEL_FILE = "model.safetensors"


class UsageError(Exception):
    """A command line that cannot be run as given (bad option value, missing option, conflicting options)."""


class TrainingError(Exception):
    """Training that cannot go on (the loss became NaN or infinite)."""


# -- the command line ----------------------------------------------------------------------------


class _Parser(argparse.ArgumentParser):
    """An ArgumentParser whose errors become one line (raised as UsageError) instead of usage + message."""

    def error(self, message: str) -> Any:
        """Raise UsageError with `message` and where to find help."""
        raise UsageError(f"{message} (see `{self.prog} --help`)")


def _number(kind: str, check: Callable[[float], bool]) -> Callable[[str], float]:
    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected {kind}, got {text!r}") from None
        if not (math.isfinite(value) and check(value)):
            raise argparse.ArgumentTypeError(f"expected {kind}, got {text}")
        return value

    return parse


def _integer(kind: str, minimum: int) -> Callable[[str], int]:
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected {kind}, got {text!r}") from None
        if value < minimum:
            raise argparse.ArgumentTypeError(f"expected {kind}, got {text}")
        return value

    return parse


def _widths(text: str) -> list[int]:
    try:
        widths = [int(part) for part in text.split(",")]
    except ValueError:
        widths = []
    if not widths or min(widths) < 1:
        raise argparse.ArgumentTypeError(f"expected comma-separated positive layer widths such as 64,64, got {text!r}")
    return widths


def build_parser() -> argparse.ArgumentParser:
    """The `tinyautograd` argument parser, with the `fit` and `predict` commands."""
    parser = _Parser(prog=PROG, description="Train a multilayer perceptron on tabular data, and predict with it.")
    commands = parser.add_subparsers(title="commands", metavar="{fit,predict}")
    commands.required = True

    fit = commands.add_parser(
        "fit",
        help="train an MLP regressor and compare it with two baselines",
        description=(
            "Train an MLP regressor. Without --csv or --train it trains on the Friedman #1 problem "
            f"({FRIEDMAN_ROWS} generated rows, noise variance 1.0: a test MSE of 1.0 is the best possible). "
            "Features and target are standardised with statistics of the training split; a validation split "
            f"({VALIDATION_FRACTION:.0%} of the training rows) picks the epoch whose weights are kept. Prints a "
            "table of train and test MSE (train: the whole training split) against predicting the mean and "
            "least-squares linear regression, and "
            "writes loss.png, model.safetensors, history.csv and report.json to --out."
        ),
    )
    fit.set_defaults(run=run_fit)
    data = fit.add_argument_group("data (default: the Friedman #1 problem, no file needed)")
    data.add_argument(
        "--csv",
        metavar="FILE",
        help="a CSV file (',' or ';' separated, header row); split 8:2 into train and test with --seed",
    )
    data.add_argument("--target", metavar="COLUMN", help="the column to predict (needed with --csv or --train)")
    data.add_argument("--train", metavar="FILE", help="a CSV file to train on (use with --test instead of --csv)")
    data.add_argument("--test", metavar="FILE", help="a CSV file to test on, with the same columns as --train")

    model = fit.add_argument_group("model")
    model.add_argument(
        "--hidden",
        type=_widths,
        default=[64, 64],
        metavar="W1,W2,...",
        help="widths of the hidden layers (default: 64,64)",
    )
    model.add_argument(
        "--activation",
        choices=list(ACTIVATIONS),
        default="gelu",
        help="activation after each hidden layer (default: %(default)s)",
    )

    training = fit.add_argument_group("training")
    training.add_argument("--optimizer", choices=OPTIMIZERS, default="adamw", help="optimiser (default: %(default)s)")
    training.add_argument(
        "--lr",
        type=_number("a positive learning rate", lambda v: v > 0),
        default=1e-3,
        help="initial learning rate (default: %(default)s)",
    )
    training.add_argument(
        "--lr-schedule",
        choices=("cosine", "constant"),
        default="cosine",
        help="cosine: the learning rate decays from --lr to 0 over --epochs; constant: it stays (default: %(default)s)",
    )
    training.add_argument(
        "--momentum",
        type=_number("a momentum >= 0", lambda v: v >= 0),
        default=0.9,
        help="momentum, used by sgd only (default: %(default)s)",
    )
    training.add_argument(
        "--weight-decay",
        type=_number("a weight decay >= 0", lambda v: v >= 0),
        default=None,
        help="weight decay: decoupled for adamw, an L2 penalty for sgd and adam (default: for adamw "
        f"{WEIGHT_DECAY_ROWS} / the number of rows trained on, at most {MAX_DEFAULT_WEIGHT_DECAY:g}, so smaller data "
        "sets are regularised more; 0 for sgd and adam)",
    )
    training.add_argument(
        "--epochs",
        type=_integer("a positive number of epochs", 1),
        default=100,
        help="maximum number of passes over the training data (default: %(default)s)",
    )
    training.add_argument(
        "--batch-size",
        type=_integer("a positive batch size", 1),
        default=32,
        help="rows per gradient step (default: %(default)s)",
    )
    training.add_argument(
        "--patience",
        type=_integer("a patience >= 0", 0),
        default=30,
        help="stop when the validation loss has not improved for this many epochs; 0 never stops early "
        "(default: %(default)s). The weights of the best validation epoch are kept either way",
    )
    training.add_argument(
        "--seed",
        type=_integer("a seed >= 0", 0),
        default=0,
        help="seed of the splits, the initial weights and the batch order; the same seed gives the same numbers "
        "(default: %(default)s)",
    )

    output = fit.add_argument_group("output")
    output.add_argument(
        "--out",
        metavar="DIR",
        help="directory to write the results to; must not exist or be empty (default: ./runs/<date>-<time>)",
    )
    output.add_argument(
        "--graph",
        action="store_true",
        help="also write graph.svg, the computation graph of one training step (needs Graphviz's dot)",
    )

    predict = commands.add_parser(
        "predict",
        help="predict with a model trained by `fit`",
        description="Predict the target for each row of a CSV file with a model written by `tinyautograd fit`, "
        "standardising the features as in training. The file needs the model's feature columns; the target "
        "column may be absent (when present, the MSE is printed on stderr).",
    )
    predict.set_defaults(run=run_predict)
    predict.add_argument(
        "--model", metavar="DIR", required=True, help=f"a run directory of `fit` (or its {MODEL_FILE})"
    )
    predict.add_argument(
        "--csv", metavar="FILE", required=True, help="the rows to predict (',' or ';' separated, header row)"
    )
    predict.add_argument(
        "--out", metavar="FILE", help="where to write the predictions as CSV (default: standard output)"
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run `tinyautograd` with `argv` (default: sys.argv[1:]); returns the exit status (0, or 2 for bad input).

    >>> main(["fit", "--epochs", "5", "--out", "runs/quick"])  # doctest: +SKIP
    """
    if not threads_chosen_by_user():
        limit_blas_threads(1)  # small layers: one BLAS thread is fastest, and much faster on a busy machine
    try:
        if not (sys.argv[1:] if argv is None else argv):
            raise UsageError(f"choose a command: `{PROG} fit` or `{PROG} predict` (see `{PROG} --help`)")
        args = build_parser().parse_args(argv)
        return int(args.run(args))
    except (UsageError, DataError, OSError, CheckpointError, TrainingError, GraphvizNotFoundError) as e:
        print(f"{PROG}: error: {' '.join(str(e).split())}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"{PROG}: interrupted", file=sys.stderr)
        return 130


# -- fit -----------------------------------------------------------------------------------------


@dataclass
class RunData:
    """The train and test Tables of a run, and where they came from."""

    train: Table
    test: Table
    source: str


def load_data(args: argparse.Namespace) -> RunData:
    """The train/test Tables that `--csv`, `--train/--test` or the defaults (Friedman #1) ask for."""
    if args.csv and (args.train or args.test):
        raise UsageError("give either --csv FILE or --train FILE --test FILE, not both")
    if args.train or args.test:
        if not (args.train and args.test):
            raise UsageError("--train and --test go together: give both files")
        if not args.target:
            raise UsageError("--train and --test need --target COLUMN, the column to predict")
        train = read_csv(args.train, target=args.target, min_rows=2)
        test = read_csv(args.test, target=args.target, min_rows=1)
        if set(test.feature_names) != set(train.feature_names):
            missing = [c for c in train.feature_names if c not in test.feature_names]
            extra = [c for c in test.feature_names if c not in train.feature_names]
            raise DataError(f"{args.test}: its columns differ from {args.train}'s: missing {missing}, extra {extra}")
        order = [test.feature_names.index(c) for c in train.feature_names]
        test = Table(test.features[:, order], test.target, list(train.feature_names), test.target_name)
        return RunData(train, test, f"{args.train} (train), {args.test} (test)")
    if args.csv:
        if not args.target:
            raise UsageError("--csv needs --target COLUMN, the column to predict")
        table = read_csv(args.csv, target=args.target, min_rows=MIN_CSV_ROWS)
        train, test = train_test_split(table, test_fraction=TEST_FRACTION, seed=args.seed)
        return RunData(train, test, f"{args.csv} (8:2 split with seed {args.seed})")
    if args.target:
        raise UsageError("--target needs --csv FILE (or --train FILE --test FILE)")
    table = make_friedman1(FRIEDMAN_ROWS, seed=FRIEDMAN_SEED)
    train, test = train_test_split(table, test_fraction=TEST_FRACTION, seed=args.seed)
    return RunData(train, test, f"Friedman #1 ({FRIEDMAN_ROWS} rows generated with seed {FRIEDMAN_SEED}, 8:2 split)")


def make_optimizer(name: str, params: Any, lr: float, momentum: float, weight_decay: float) -> optim.Optimizer:
    """The optimiser `--optimizer` names, with the learning rate and weight decay given."""
    if name == "sgd":
        return optim.SGD(params, lr=lr, momentum=momentum, weight_decay=weight_decay)
    if name == "adam":
        return optim.Adam(params, lr=lr, weight_decay=weight_decay)
    return optim.AdamW(params, lr=lr, weight_decay=weight_decay)


def mse(predictions: np.ndarray, targets: np.ndarray) -> float:
    """Mean squared error, in float64."""
    return float(np.mean((np.asarray(predictions, dtype=np.float64) - targets) ** 2))


def train(
    regressor: Regressor,
    optimizer: optim.Optimizer,
    scheduler: optim.lr_scheduler.LRScheduler | None,
    loader: DataLoader,
    validation: Table,
    test: Table,
    epochs: int,
    patience: int,
) -> tuple[list[dict[str, Any]], int]:
    """Train for up to `epochs` epochs; keep the weights of the epoch with the lowest validation MSE.

    Returns the history (one dict per epoch: train, validation and test MSE in the target's units, and the
    learning rate) and the epoch whose weights the model holds at the end.
    """
    model, loss_fn = regressor.model, MSELoss()
    target_variance = float(regressor.target_scaler.std[0]) ** 2  # type: ignore[index]  # standardised -> target units
    history: list[dict[str, Any]] = []
    best_loss, best_epoch, best_state = math.inf, 0, None
    progress = tqdm(range(1, epochs + 1), desc="training", unit="epoch", file=sys.stderr, ncols=100)
    try:
        for epoch in progress:
            model.train()
            lr = optimizer.param_groups[0]["lr"]
            total, count = 0.0, 0
            for batch, (x, y) in enumerate(loader, 1):
                optimizer.zero_grad()
                loss = loss_fn(model(x), y)
                if not math.isfinite(loss.item()):
                    raise TrainingError(
                        f"the training loss became {loss.item()} at epoch {epoch} (batch {batch} of {len(loader)}); "
                        f"the learning rate {lr:g} is probably too high: try a lower --lr, e.g. --lr {lr / 10:g}"
                    )
                loss.backward()
                optimizer.step()
                total += loss.item() * len(y)
                count += len(y)
            if scheduler is not None:
                scheduler.step()
            row = {
                "epoch": epoch,
                "train_loss": total / count * target_variance,
                "validation_loss": mse(regressor.predict(validation.features), validation.target),
                "test_loss": mse(regressor.predict(test.features), test.target),
                "lr": lr,
            }
            if not math.isfinite(row["validation_loss"]):
                raise TrainingError(
                    f"the validation loss became {row['validation_loss']} at epoch {epoch}; the learning rate {lr:g} "
                    f"is probably too high: try a lower --lr, e.g. --lr {lr / 10:g}"
                )
            history.append(row)
            progress.set_postfix_str(f"train {row['train_loss']:.4g}  test {row['test_loss']:.4g}")
            if row["validation_loss"] < best_loss:
                best_loss, best_epoch = row["validation_loss"], epoch
                best_state = {key: value.clone() for key, value in model.state_dict().items()}
            elif patience and epoch - best_epoch >= patience:
                break
    finally:
        progress.close()
    assert best_state is not None  # the first epoch always sets it (a NaN loss raised above)
    model.load_state_dict(best_state)
    return history, best_epoch


def graph_of_one_step(regressor: Regressor, x: np.ndarray, y: np.ndarray) -> bytes:
    """SVG of the computation graph of the loss of one batch (what one training step differentiates)."""
    model = regressor.model
    loss = MSELoss()(model(autograd.from_numpy(x)), autograd.from_numpy(y))
    return autograd.draw_graph(loss, params=model).pipe(format="svg")


def default_run_directory(now: datetime.datetime | None = None) -> Path:
    """runs/<date>-<time> in the current directory (with -2, -3, ... when that exists already)."""
    stamp = (now or datetime.datetime.now()).strftime("%Y%m%d-%H%M%S")
    path = Path("runs") / stamp
    suffix = 2
    while path.exists():
        path, suffix = Path("runs") / f"{stamp}-{suffix}", suffix + 1
    return path


def _float32(array: np.ndarray) -> np.ndarray:
    return np.ascontiguousarray(array, dtype=np.float32)


def run_fit(args: argparse.Namespace) -> int:
    """`tinyautograd fit`: train, print the results table, write the run directory."""
    out = Path(args.out) if args.out else default_run_directory()
    check_output_directory(out)
    data = load_data(args)
    train_table, test_table = data.train, data.test
    if len(train_table) < 2:
        raise DataError(f"the training data has {len(train_table)} row; at least 2 are needed (one for validation)")
    fit_table, validation_table = train_test_split(
        train_table, test_fraction=max(VALIDATION_FRACTION, 1 / len(train_table)), seed=args.seed
    )

    weight_decay = args.weight_decay
    if weight_decay is None:
        weight_decay = (
            min(WEIGHT_DECAY_ROWS / len(fit_table), MAX_DEFAULT_WEIGHT_DECAY) if args.optimizer == "adamw" else 0.0
        )

    # Standardise with statistics of the training split only.
    feature_scaler = Standardizer().fit(train_table.features)
    target_scaler = Standardizer().fit(train_table.target.reshape(-1, 1))
    x_fit = _float32(feature_scaler.transform(fit_table.features))
    y_fit = _float32(target_scaler.transform(fit_table.target.reshape(-1, 1)))

    autograd.manual_seed(args.seed)
    n_features = train_table.features.shape[1]
    model = build_mlp(n_features, args.hidden, args.activation)
    architecture = {"inputs": n_features, "hidden": list(args.hidden), "activation": args.activation}
    regressor = Regressor(
        model, architecture, train_table.feature_names, train_table.target_name, feature_scaler, target_scaler
    )
    optimizer = make_optimizer(args.optimizer, model.parameters(), args.lr, args.momentum, weight_decay)
    scheduler = (
        optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=args.epochs) if args.lr_schedule == "cosine" else None
    )
    loader = DataLoader(TensorDataset(x_fit, y_fit), batch_size=args.batch_size, shuffle=True, generator=args.seed)
    svg = graph_of_one_step(regressor, x_fit[: args.batch_size], y_fit[: args.batch_size]) if args.graph else None

    settings = {
        "hidden": list(args.hidden),
        "activation": args.activation,
        "optimizer": args.optimizer,
        "lr": args.lr,
        "lr_schedule": args.lr_schedule,
        "momentum": args.momentum,
        "weight_decay": weight_decay,
        "epochs": args.epochs,
        "batch_size": args.batch_size,
        "patience": args.patience,
        "seed": args.seed,
    }
    print(f"data: {data.source}; target {train_table.target_name!r}, {n_features} features", file=sys.stderr)
    print(
        f"rows: {len(fit_table)} to train on, {len(validation_table)} for validation, {len(test_table)} to test",
        file=sys.stderr,
    )
    with staged_directory(out) as work, np.errstate(all="ignore"):  # non-finite losses are detected and reported
        started = time.monotonic()
        history, best_epoch = train(
            regressor, optimizer, scheduler, loader, validation_table, test_table, args.epochs, args.patience
        )
        seconds = time.monotonic() - started

        predictors: list[tuple[str, Callable[[np.ndarray], np.ndarray]]] = [
            (f"MLP {'-'.join(map(str, [n_features, *args.hidden, 1]))} ({args.activation})", regressor.predict),
            (MeanPredictor.name, MeanPredictor().fit(train_table.features, train_table.target).predict),
            (LeastSquares.name, LeastSquares().fit(train_table.features, train_table.target).predict),
        ]
        results = [
            {
                "predictor": name,
                "train_mse": mse(predict(train_table.features), train_table.target),
                "test_mse": mse(predict(test_table.features), test_table.target),
            }
            for name, predict in predictors
        ]
        best = history[best_epoch - 1]
        report = {
            "data": {
                "source": data.source,
                "target": train_table.target_name,
                "features": train_table.feature_names,
                "rows": {"train": len(fit_table), "validation": len(validation_table), "test": len(test_table)},
            },
            "settings": settings,
            "results": results,
            "notes": "every predictor's train_mse is over the whole training split, the validation rows included; "
            "the baselines are fitted on it, the MLP on it less the validation rows",
            "training": {
                "best_epoch": best_epoch,
                "best_validation_mse": best["validation_loss"],
                "epochs_run": len(history),
                "stopped_early": len(history) < args.epochs,
                "seconds": round(seconds, 2),
            },
        }
        save_regressor(work / MODEL_FILE, regressor, extra={"settings": json.dumps(settings)})
        write_history_csv(work / "history.csv", history)
        write_report_json(work / "report.json", report)
        plot_losses(work / "loss.png", history, best_epoch)
        if svg is not None:
            (work / "graph.svg").write_bytes(svg)
        written = sorted(p.name for p in work.iterdir())

    columns = [("predictor", "predictor"), ("train_mse", "train MSE"), ("test_mse", "test MSE")]
    print(format_table(results, columns))
    stop = f", stopped early after {len(history)}" if len(history) < args.epochs else ""
    print(
        f"kept the weights of epoch {best_epoch} of {args.epochs}{stop} (validation MSE {best['validation_loss']:.4f});"
        f" trained in {seconds:.1f} s"
    )
    print(f"wrote {out}: {', '.join(written)}")
    return 0


# -- predict -------------------------------------------------------------------------------------


def read_columns_for(regressor: Regressor, path: str) -> tuple[np.ndarray, np.ndarray | None]:
    """The model's feature columns of the CSV file at `path` (in the model's order), and its target column if
    present (None otherwise). Other columns are ignored (they must still be numeric).
    """
    # read_csv needs a column to split off; the model's first feature must be in the file anyway.
    table = read_csv(path, target=regressor.feature_names[0], min_rows=1)
    columns = {table.target_name: table.target, **{n: table.features[:, i] for i, n in enumerate(table.feature_names)}}
    missing = [name for name in regressor.feature_names if name not in columns]
    if missing:
        raise DataError(
            f"{path}: no column(s) {', '.join(map(repr, missing))}, which the model needs; the columns are "
            f"{', '.join(map(repr, columns))}"
        )
    features = np.column_stack([columns[name] for name in regressor.feature_names])
    return features, columns.get(regressor.target_name)


def run_predict(args: argparse.Namespace) -> int:
    """`tinyautograd predict`: write one prediction per row of --csv."""
    model_path = Path(args.model)
    if model_path.is_dir():
        model_path = model_path / MODEL_FILE
    if not model_path.exists():
        raise FileNotFoundError(f"{model_path}: no such file (expected a run directory of `{PROG} fit`)")
    regressor = load_regressor(model_path)
    features, target = read_columns_for(regressor, args.csv)
    with np.errstate(all="ignore"):
        predictions = regressor.predict(features)
    heading = f"predicted_{regressor.target_name}"
    if args.out:
        destination = Path(args.out)
        if destination.is_dir():
            raise IsADirectoryError(f"{destination}: is a directory; --out needs a file name")
        if not destination.absolute().parent.is_dir():
            raise FileNotFoundError(f"{destination}: its directory does not exist")
        fd, temporary = tempfile.mkstemp(
            prefix=f".{destination.name}.", suffix=".partial", dir=destination.absolute().parent
        )
        try:
            with os.fdopen(fd, "w", newline="", encoding="utf-8") as f:
                _write_predictions(f, heading, predictions)
            os.replace(temporary, destination)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        print(f"wrote {len(predictions)} predictions to {destination}", file=sys.stderr)
    else:
        _write_predictions(sys.stdout, heading, predictions)
    if target is not None:
        print(
            f"MSE against the {regressor.target_name!r} column of {args.csv}: {mse(predictions, target):.4f}",
            file=sys.stderr,
        )
    return 0


def _write_predictions(stream: Any, heading: str, predictions: np.ndarray) -> None:
    writer = csv.writer(stream, lineterminator="\n")
    writer.writerow([heading])
    writer.writerows([repr(float(p))] for p in predictions)
