"""The command line: `tinyautograd fit` trains an MLP on a table, `tinyautograd predict` applies it.

    tinyautograd fit                                   # Friedman #1, generated (no download)
    tinyautograd fit --dataset wine                    # the red wine data shipped in data/, target quality
    tinyautograd fit --dataset wine --task classification
    tinyautograd fit --csv data.csv --target y --ignore notes --id-column id --hidden 128,128
    tinyautograd predict --model runs/20250101-120000 --csv new.csv --out predictions.csv --keep-columns

`python -m tinyautograd` is the same program. The training loop in `train` is the one you would write by
hand (zero_grad, forward, loss, backward, step); everything else reads data, checks options and writes the
results. Bad input gives one line on stderr, `tinyautograd: error: ...`, and exit status 2.
"""

from __future__ import annotations

import sys

import autograd

if not hasattr(autograd, "draw_graph"):  # HIPS's `autograd` package shadows tinyautograd's engine
    print(
        f"tinyautograd: error: the `autograd` imported from {getattr(autograd, '__file__', '?')} is not "
        "tinyautograd's engine (HIPS's autograd package has the same import name): `pip uninstall autograd`, "
        "then reinstall tinyautograd",
        file=sys.stderr,
    )
    sys.exit(2)

import argparse  # noqa: E402
import csv  # noqa: E402
import datetime  # noqa: E402
import json  # noqa: E402
import math  # noqa: E402
import os  # noqa: E402
import signal  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from collections.abc import Callable, Sequence  # noqa: E402
from dataclasses import dataclass  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

import numpy as np  # noqa: E402
from tqdm import tqdm  # noqa: E402

from nn import CheckpointError, CrossEntropyLoss, MSELoss, optim  # noqa: E402
from nn.data import DataLoader, TensorDataset  # noqa: E402

from .baselines import LeastSquares, MajorityClass, MeanPredictor  # noqa: E402
from .blas_threads import limit_blas_threads, threads_chosen_by_user  # noqa: E402
from .features import ColumnEncoder  # noqa: E402
from .friedman import make_friedman1  # noqa: E402
from .learning_rate import LearningRateProbe, suggest_learning_rate  # noqa: E402
from .metrics import accuracy, confusion_matrix, macro_f1, mse  # noqa: E402
from .mlp import ACTIVATIONS, TabularModel, build_mlp, load_model, save_model  # noqa: E402
from .reporting import (  # noqa: E402
    check_output_directory,
    format_table,
    plot_confusion_matrix,
    plot_losses,
    staged_directory,
    write_history_csv,
    write_report_json,
)
from .tables import (  # noqa: E402
    BLOCK_BYTES,
    DataError,
    RawTable,
    Standardizer,
    check_regular_file,
    read_table,
    train_test_split,
)

PROG = "tinyautograd"
DATA = Path(__file__).resolve().parent.parent / "data"
DATASETS = {"friedman1": None, "wine": (DATA / "winequality-red.csv", "quality")}
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
UNSEEN = -100  # the class index of a test label training never saw: CrossEntropyLoss's ignore_index, always wrong
EXIT_TERMINATED = 143  # 128 + SIGTERM, what a shell reports for a process ended by SIGTERM


class UsageError(Exception):
    """A command line that cannot be run as given (bad option value, missing option, conflicting options)."""


class TrainingError(Exception):
    """Training that cannot go on (the loss became NaN or infinite)."""


class Terminated(BaseException):
    """SIGTERM arrived: unwinds like Ctrl-C, so half-written results are removed on the way out."""


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


def _names(text: str) -> list[str]:
    names = [part.strip() for part in text.split(",") if part.strip()]
    if not names:
        raise argparse.ArgumentTypeError(f"expected comma-separated column names, got {text!r}")
    return names


def _add_data_options(fit: argparse.ArgumentParser) -> None:
    data = fit.add_argument_group("data (default: the Friedman #1 problem, no file needed)")
    data.add_argument(
        "--dataset",
        choices=list(DATASETS),
        help="a data set that needs no file: friedman1 (generated, the default) or wine (the red wine quality "
        "data shipped with tinyautograd, target quality)",
    )
    data.add_argument(
        "--csv",
        metavar="FILE",
        help="a CSV file with a header row (separator , ; tab or | found by itself); split 8:2 into train and test",
    )
    data.add_argument("--target", metavar="COLUMN", help="the column to predict (needed with --csv or --train)")
    data.add_argument("--train", metavar="FILE", help="a CSV file to train on (use with --test instead of --csv)")
    data.add_argument("--test", metavar="FILE", help="a CSV file to test on, with the same columns as --train")
    data.add_argument(
        "--task",
        choices=("regression", "classification"),
        help="what to predict; by default a target of text labels means classification and a numeric one regression",
    )
    data.add_argument("--features", type=_names, metavar="A,B,...", help="use only these columns as features")
    data.add_argument("--ignore", type=_names, default=[], metavar="A,B,...", help="columns to leave out")
    data.add_argument(
        "--id-column", metavar="NAME", help="a column that names each row: kept out of the features, saved for predict"
    )
    data.add_argument(
        "--drop-missing",
        action="store_true",
        help="drop rows with a missing cell (empty, NA, NaN, ?) instead of filling it from the training split "
        "(the mean of a numeric column, no category for a text column) with an indicator column",
    )


def _add_training_options(fit: argparse.ArgumentParser) -> None:
    training = fit.add_argument_group("training")
    training.add_argument("--optimizer", choices=OPTIMIZERS, default="adamw", help="optimiser (default: %(default)s)")
    training.add_argument(
        "--lr",
        type=_number("a positive learning rate", lambda v: v > 0),
        default=1e-3,
        help="initial learning rate (default: %(default)s). If training diverges, the error suggests one found by "
        "a short learning-rate range test: the same model trained for a few dozen steps at rates from the one "
        "that diverged down to 1e-6, keeping the rate whose loss fell most",
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


def _add_fit(commands: Any) -> None:
    fit = commands.add_parser(
        "fit",
        help="train an MLP and compare it with baselines",
        description=(
            "Train an MLP regressor or classifier on a table. Without --csv, --train or --dataset it trains on the "
            f"Friedman #1 problem ({FRIEDMAN_ROWS} generated rows, noise variance 1.0). Text feature columns are "
            "one-hot encoded and missing cells filled, all from the training split; features (and a numeric target) "
            f"are standardised. A validation split ({VALIDATION_FRACTION:.0%} of the training rows) picks the epoch "
            "whose weights are kept. Prints a table of the model against baselines (regression: the mean and least "
            "squares, by MSE; classification: the majority class and multinomial logistic regression trained the "
            "same way, by accuracy and macro-F1) and writes loss.png, model.safetensors, history.csv, report.json "
            "(and confusion.png for classification) to --out."
        ),
    )
    fit.set_defaults(run=run_fit)
    _add_data_options(fit)
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
    _add_training_options(fit)
    output = fit.add_argument_group("output")
    output.add_argument(
        "--out", metavar="DIR", help="directory to write to; must not exist or be empty (default: ./runs/<date>-<time>)"
    )
    output.add_argument("--graph", action="store_true", help="also write graph.svg, one training step's graph")


def _add_predict(commands: Any) -> None:
    predict = commands.add_parser(
        "predict",
        help="predict with a model trained by `fit`",
        description="Predict the target of each row of a CSV file with a model written by `tinyautograd fit`, "
        "encoding and scaling the columns as in training. Rows keep their order. A category the model never saw "
        "and missing cells are handled as in training. When the file has the target column, the score is printed "
        "on stderr.",
    )
    predict.set_defaults(run=run_predict)
    predict.add_argument(
        "--model", metavar="DIR", required=True, help=f"a run directory of `fit` (or its {MODEL_FILE})"
    )
    predict.add_argument("--csv", metavar="FILE", required=True, help="the rows to predict (header row)")
    predict.add_argument("--out", metavar="FILE", help="where to write the predictions as CSV (default: stdout)")
    predict.add_argument("--id-column", metavar="NAME", help="a column to copy into the output beside each prediction")
    predict.add_argument(
        "--keep-columns", action="store_true", help="write every input column as it was, then the predictions"
    )
    predict.add_argument("--proba", action="store_true", help="classification: add one probability column per class")


def build_parser() -> argparse.ArgumentParser:
    """The `tinyautograd` argument parser, with the `fit` and `predict` commands."""
    parser = _Parser(
        prog=PROG,
        description="Train a multilayer perceptron on tabular data, and predict with it. "
        "Add --debug to see the traceback of an unexpected error.",
    )
    commands = parser.add_subparsers(title="commands", metavar="{fit,predict}")
    commands.required = True
    _add_fit(commands)
    _add_predict(commands)
    return parser


def _terminate(signum: int, frame: Any) -> None:
    raise Terminated()


def main(argv: Sequence[str] | None = None) -> int:
    """Run `tinyautograd` with `argv` (default: sys.argv[1:]); returns the exit status (0, or 2 for bad input).

    >>> main(["fit", "--epochs", "5", "--out", "runs/quick"])  # doctest: +SKIP
    """
    arguments = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in arguments
    arguments = [a for a in arguments if a != "--debug"]
    if not threads_chosen_by_user():
        limit_blas_threads(1)  # small layers: one BLAS thread is fastest, and much faster on a busy machine
    previous = signal.signal(signal.SIGTERM, _terminate) if _main_thread() else None
    try:
        if not arguments:
            raise UsageError(f"choose a command: `{PROG} fit` or `{PROG} predict` (see `{PROG} --help`)")
        args = build_parser().parse_args(arguments)
        return int(args.run(args))
    except (UsageError, DataError, OSError, CheckpointError, TrainingError) as e:
        print(f"{PROG}: error: {' '.join(str(e).split())}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"{PROG}: interrupted", file=sys.stderr)
        return 130
    except Terminated:
        print(f"{PROG}: terminated", file=sys.stderr)
        return EXIT_TERMINATED
    except Exception as e:
        if debug:
            raise
        reason = " ".join(str(e).split())[:300]
        print(
            f"{PROG}: unexpected error: {type(e).__name__}: {reason} (rerun with --debug for the traceback)",
            file=sys.stderr,
        )
        return 1
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


def _main_thread() -> bool:
    import threading

    return threading.current_thread() is threading.main_thread()


# -- data ----------------------------------------------------------------------------------------


@dataclass
class RunData:
    """The train and test tables of a run, the target column, and where they came from."""

    train: RawTable
    test: RawTable
    target: str
    source: str


def _reading_progress(label: str) -> tuple[Callable[[int, int], None], Callable[[], None]]:
    """A progress callback for read_table that draws a byte-count bar on stderr, and a function to close it."""
    bars: list[Any] = []

    def update(done: int, total: int) -> None:
        if total <= BLOCK_BYTES:  # read in one go: nothing to watch
            return
        if not bars:
            bars.append(
                tqdm(total=total, desc=f"reading {label}", unit="B", unit_scale=True, file=sys.stderr, ncols=100)
            )
        bars[0].update(done - bars[0].n)

    def close() -> None:
        for bar in bars:
            bar.close()

    return update, close


def _read(path: str) -> RawTable:
    update, close = _reading_progress(Path(path).name)
    try:
        return read_table(path, progress=update)
    finally:
        close()


def _friedman_table() -> RawTable:
    table = make_friedman1(FRIEDMAN_ROWS, seed=FRIEDMAN_SEED)
    columns = {name: table.features[:, i] for i, name in enumerate(table.feature_names)}
    columns[table.target_name] = table.target
    names = [*table.feature_names, table.target_name]
    return RawTable("Friedman #1", names, columns, np.arange(2, len(table) + 2))


def _check_sources(args: argparse.Namespace) -> None:
    chosen = [name for name, given in (("--csv", args.csv), ("--train/--test", args.train or args.test)) if given]
    if args.dataset:
        chosen.append("--dataset")
    if len(chosen) > 1:
        raise UsageError(f"give one source of data, not {' and '.join(chosen)}")
    if (args.train or args.test) and not (args.train and args.test):
        raise UsageError("--train and --test go together: give both files")
    if (args.csv or args.train) and not args.target:
        raise UsageError(f"{'--csv' if args.csv else '--train and --test'} need --target COLUMN, the column to predict")


def load_data(args: argparse.Namespace) -> RunData:
    """The train/test tables that `--csv`, `--train/--test`, `--dataset` or the default (Friedman #1) ask for."""
    _check_sources(args)
    if args.train:
        train, test = _read(args.train), _read(args.test)
        test.require(train.names, f"{args.train} has it")
        return RunData(train, test, args.target, f"{args.train} (train), {args.test} (test)")
    split = f"8:2 split with seed {args.seed}"
    if args.csv:
        table, target, source = _read(args.csv), args.target, f"{args.csv} ({split})"
    elif args.dataset == "wine":
        path, target = DATASETS["wine"]  # type: ignore[misc]
        if args.target not in (None, target):
            raise UsageError(f"--dataset wine predicts {target!r}; use --csv {path} --target ... for another column")
        table, source = _read(str(path)), f"the red wine quality data, {path.name} ({split})"
    else:
        if args.target:
            raise UsageError("--target needs --csv FILE (or --train FILE --test FILE)")
        table, target = _friedman_table(), "y"
        source = f"Friedman #1 ({FRIEDMAN_ROWS} rows generated with seed {FRIEDMAN_SEED}, {split})"
    table.require([target], "the target")
    if len(table) < MIN_CSV_ROWS:
        raise DataError(f"{table.path}: has {len(table)} data rows; at least {MIN_CSV_ROWS} are needed")
    train, test = train_test_split(table, test_fraction=TEST_FRACTION, seed=args.seed)
    return RunData(train, test, target, source)


def choose_features(table: RawTable, target: str, args: argparse.Namespace) -> list[str]:
    """The feature columns: --features, or every column but the target, --id-column and --ignore."""
    table.require([target], "the target")
    named = [*(args.features or []), *args.ignore, *([args.id_column] if args.id_column else [])]
    table.require(named, "named on the command line")
    if args.features:
        features = list(args.features)
    else:
        features = [n for n in table.names if n not in {target, args.id_column, *args.ignore}]
    clash = {target, args.id_column} & set(features)
    if clash:
        raise UsageError(f"column {sorted(c for c in clash if c)[0]!r} cannot be a feature and the target or id too")
    if not features:
        raise DataError(f"{table.path}: no feature columns are left besides the target {target!r}")
    return features


def choose_task(table: RawTable, target: str, requested: str | None) -> tuple[str, str]:
    """(task, why): --task when given; otherwise classification for a text target, regression for a numeric one."""
    if requested:
        return requested, f"--task {requested}"
    if table.is_text(target):
        return "classification", f"the target {target!r} holds text labels; --task regression to refuse"
    return "regression", f"the target {target!r} is numeric; --task classification to predict it as classes"


def _labels(column: np.ndarray) -> np.ndarray:
    if column.dtype == object:
        return column
    return np.array([None if math.isnan(v) else format(v, "g") for v in column], dtype=object)


def _sorted_classes(labels: np.ndarray) -> list[str]:
    names = sorted({str(label) for label in labels if label is not None})
    try:
        return sorted(names, key=float)
    except ValueError:
        return names


@dataclass
class Prepared:
    """Everything the training and the report need: encoded rows, targets, and how they were made."""

    task: str
    encoder: ColumnEncoder
    classes: list[str]
    x: dict[str, np.ndarray]  # "train", "test": encoded, unscaled features
    y: dict[str, np.ndarray]  # targets: float64 values (regression) or int64 class indices (classification)
    dropped: dict[str, int]


def _drop_rows(table: RawTable, columns: list[str]) -> tuple[RawTable, int]:
    missing = np.zeros(len(table), dtype=bool)
    for name in columns:
        missing |= table.missing(name)
    return (table.rows(~missing), int(missing.sum())) if missing.any() else (table, 0)


def prepare(data: RunData, args: argparse.Namespace) -> Prepared:
    """Choose the columns and task, drop or fill missing cells, encode the features and the target."""
    features = choose_features(data.train, data.target, args)
    data.test.require(features, "a feature")
    task, _ = choose_task(data.train, data.target, args.task)
    tables, dropped = {}, {}
    for split, table in (("train", data.train), ("test", data.test)):
        columns = [data.target, *features] if args.drop_missing else [data.target]
        tables[split], dropped[split] = _drop_rows(table, columns)
        if len(tables[split]) == 0:
            raise DataError(f"no {split} rows are left after dropping rows with missing cells")
    encoder = ColumnEncoder.fit(tables["train"], features)
    x = {split: encoder.transform(table) for split, table in tables.items()}
    classes: list[str] = []
    if task == "classification":
        labels = {split: _labels(table.columns[data.target]) for split, table in tables.items()}
        classes = _sorted_classes(labels["train"])
        if len(classes) < 2:
            raise DataError(f"the target {data.target!r} has {len(classes)} class in the training split; need 2")
        index = {c: i for i, c in enumerate(classes)}
        y = {
            split: np.array([index.get(str(v), UNSEEN) for v in values], dtype=np.int64)
            for split, values in labels.items()
        }
    else:
        if data.train.is_text(data.target):
            raise DataError(f"{data.train.path}: the target {data.target!r} holds text; use --task classification")
        y = {split: table.columns[data.target].astype(np.float64) for split, table in tables.items()}
    return Prepared(task, encoder, classes, x, y, dropped)


# -- training ------------------------------------------------------------------------------------


def make_optimizer(name: str, params: Any, lr: float, momentum: float, weight_decay: float) -> optim.Optimizer:
    """The optimiser `--optimizer` names, with the learning rate and weight decay given."""
    if name == "sgd":
        return optim.SGD(params, lr=lr, momentum=momentum, weight_decay=weight_decay)
    if name == "adam":
        return optim.Adam(params, lr=lr, weight_decay=weight_decay)
    return optim.AdamW(params, lr=lr, weight_decay=weight_decay)


@dataclass
class Split:
    """Rows as the network takes them: scaled float32 features and targets (scaled column or class indices)."""

    x: np.ndarray
    y: np.ndarray


@dataclass
class Trainer:
    """One model's training: the loop, the validation that picks the epoch, and what to do on divergence."""

    trained: TabularModel
    args: argparse.Namespace
    fit: Split
    validation: Split
    test: Split
    weight_decay: float
    name: str = "training"

    def loss_function(self) -> Any:
        """Cross-entropy for classes, MSE for values."""
        return CrossEntropyLoss() if self.trained.task == "classification" else MSELoss()

    def evaluate(self, split: Split) -> float:
        """The loss on a whole split (regression: MSE in the target's units)."""
        model = self.trained.model
        model.eval()
        with autograd.no_grad(), np.errstate(all="ignore"):
            loss = self.loss_function()(model(autograd.from_numpy(split.x)), autograd.from_numpy(split.y)).item()
        return loss * self.scale

    @property
    def scale(self) -> float:
        """Regression losses are reported in the target's units: the standardised MSE times its variance."""
        scaler = self.trained.target_scaler
        return 1.0 if scaler is None or scaler.std is None else float(scaler.std[0]) ** 2

    def run(self) -> tuple[list[dict[str, Any]], int]:
        """Train for up to --epochs; keep the epoch with the lowest validation loss. Returns (history, best epoch)."""
        args, model = self.args, self.trained.model
        optimizer = make_optimizer(args.optimizer, model.parameters(), args.lr, args.momentum, self.weight_decay)
        scheduler = (
            optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=args.epochs) if args.lr_schedule == "cosine" else None
        )
        loader = DataLoader(
            TensorDataset(self.fit.x, self.fit.y), batch_size=args.batch_size, shuffle=True, generator=args.seed
        )
        history: list[dict[str, Any]] = []
        best_loss, best_epoch, best_state = math.inf, 0, None
        progress = tqdm(range(1, args.epochs + 1), desc=self.name, unit="epoch", file=sys.stderr, ncols=100)
        try:
            for epoch in progress:
                row = self.epoch(epoch, optimizer, loader)
                if scheduler is not None:
                    scheduler.step()
                history.append(row)
                progress.set_postfix_str(f"train {row['train_loss']:.4g}  test {row['test_loss']:.4g}")
                if row["validation_loss"] < best_loss:
                    best_loss, best_epoch = row["validation_loss"], epoch
                    best_state = {key: value.clone() for key, value in model.state_dict().items()}
                elif args.patience and epoch - best_epoch >= args.patience:
                    break
        finally:
            progress.close()
        assert best_state is not None  # the first epoch always sets it (a NaN loss raised)
        model.load_state_dict(best_state)
        return history, best_epoch

    def epoch(self, epoch: int, optimizer: optim.Optimizer, loader: DataLoader) -> dict[str, Any]:
        """One pass over the training rows (the loop you would write by hand), then the validation and test loss."""
        model, loss_fn = self.trained.model, self.loss_function()
        model.train()
        lr = optimizer.param_groups[0]["lr"]
        total, count = 0.0, 0
        for x, y in loader:
            optimizer.zero_grad()
            loss = loss_fn(model(x), y)
            if not math.isfinite(loss.item()):
                self.diverged(f"the training loss became {loss.item()} at epoch {epoch}", lr)
            loss.backward()
            optimizer.step()
            total += loss.item() * len(y)
            count += len(y)
        row = {"epoch": epoch, "train_loss": total / count * self.scale, "lr": lr}
        row["validation_loss"] = self.evaluate(self.validation)
        row["test_loss"] = self.evaluate(self.test)
        if not math.isfinite(row["validation_loss"]):
            self.diverged(f"the validation loss became {row['validation_loss']} at epoch {epoch}", lr)
        return row

    def diverged(self, what: str, lr: float) -> None:
        """Raise TrainingError with a learning rate that trains, found by a short range test."""
        probe = LearningRateProbe(
            build=lambda: build_mlp(
                self.trained.architecture["inputs"],
                self.trained.architecture["hidden"],
                self.trained.architecture["activation"],
                self.trained.architecture["outputs"],
            ),
            make_optimizer=lambda params, rate: make_optimizer(
                self.args.optimizer, params, rate, self.args.momentum, self.weight_decay
            ),
            loss_function=self.loss_function(),
            x=self.fit.x,
            y=self.fit.y,
            batch_size=self.args.batch_size,
            seed=self.args.seed,
        )
        suggestion = suggest_learning_rate(probe, lr)
        advice = (
            f"a short learning-rate range test trains with --lr {suggestion:g}: try that"
            if suggestion is not None
            else "no learning rate down to 1e-6 trained in a short range test: check the data for extreme values"
        )
        raise TrainingError(f"{what} with learning rate {lr:g}; {advice}")


# -- fit -----------------------------------------------------------------------------------------


def default_run_directory(now: datetime.datetime | None = None) -> Path:
    """runs/<date>-<time> in the current directory (with -2, -3, ... when that exists already)."""
    stamp = (now or datetime.datetime.now()).strftime("%Y%m%d-%H%M%S")
    path = Path("runs") / stamp
    suffix = 2
    while path.exists():
        path, suffix = Path("runs") / f"{stamp}-{suffix}", suffix + 1
    return path


def _splits(
    prepared: Prepared, scaler: Standardizer, target_scaler: Standardizer | None, seed: int
) -> dict[str, Split]:
    """fit/validation/test Splits (validation: 10% of the training rows) in the network's float32 form."""
    n = len(prepared.x["train"])
    if n < 2:
        raise DataError(f"the training data has {n} row; at least 2 are needed (one for validation)")
    order = np.random.default_rng(seed).permutation(n)
    n_validation = max(round(n * VALIDATION_FRACTION), 1)
    rows = {"fit": order[n_validation:], "validation": order[:n_validation]}

    def split(x: np.ndarray, y: np.ndarray) -> Split:
        features = np.ascontiguousarray(scaler.transform(x), dtype=np.float32)
        if target_scaler is None:
            return Split(features, y)
        return Split(features, np.ascontiguousarray(target_scaler.transform(y.reshape(-1, 1)), dtype=np.float32))

    out = {name: split(prepared.x["train"][index], prepared.y["train"][index]) for name, index in rows.items()}
    out["test"] = split(prepared.x["test"], prepared.y["test"])
    return out


def _trainer(
    prepared: Prepared, args: argparse.Namespace, hidden: list[int], name: str, target: str, id_column: Any
) -> Trainer:
    scaler = Standardizer().fit(prepared.x["train"])
    target_scaler = (
        None if prepared.task == "classification" else Standardizer().fit(prepared.y["train"].reshape(-1, 1))
    )
    splits = _splits(prepared, scaler, target_scaler, args.seed)
    weight_decay = args.weight_decay
    if weight_decay is None:
        rows = len(splits["fit"].x)
        weight_decay = min(WEIGHT_DECAY_ROWS / rows, MAX_DEFAULT_WEIGHT_DECAY) if args.optimizer == "adamw" else 0.0
    if not hidden:
        weight_decay = 0.0 if args.weight_decay is None else weight_decay  # the logistic baseline: plain
    autograd.manual_seed(args.seed)
    n_inputs, n_outputs = prepared.x["train"].shape[1], max(len(prepared.classes), 1)
    architecture = {"inputs": n_inputs, "hidden": hidden, "activation": args.activation, "outputs": n_outputs}
    model = build_mlp(n_inputs, hidden, args.activation, n_outputs)
    trained = TabularModel(
        model, architecture, prepared.task, prepared.encoder, scaler, target, target_scaler, prepared.classes, id_column
    )
    return Trainer(trained, args, splits["fit"], splits["validation"], splits["test"], weight_decay, name)


def regression_results(trained: TabularModel, prepared: Prepared, name: str) -> list[dict[str, Any]]:
    """One row per predictor: train and test MSE (train: the whole training split)."""
    x, y = prepared.x, prepared.y
    predictors: list[tuple[str, Callable[[np.ndarray], np.ndarray]]] = [
        (name, trained.predict),
        (MeanPredictor.name, MeanPredictor().fit(x["train"], y["train"]).predict),
        (LeastSquares.name, LeastSquares().fit(x["train"], y["train"]).predict),
    ]
    return [
        {"predictor": n, "train_mse": mse(p(x["train"]), y["train"]), "test_mse": mse(p(x["test"]), y["test"])}
        for n, p in predictors
    ]


def classification_results(
    predictors: list[tuple[str, Callable[[np.ndarray], np.ndarray]]], prepared: Prepared
) -> list[dict[str, Any]]:
    """One row per predictor: train and test accuracy and macro-F1."""
    x, y, n = prepared.x, prepared.y, len(prepared.classes)
    rows = []
    for name, predict in predictors:
        train, test = predict(x["train"]), predict(x["test"])
        rows.append(
            {
                "predictor": name,
                "train_accuracy": accuracy(train, y["train"]),
                "test_accuracy": accuracy(test, y["test"]),
                "train_macro_f1": macro_f1(train, y["train"], n),
                "test_macro_f1": macro_f1(test, y["test"], n),
            }
        )
    return rows


def verdict(results: list[dict[str, Any]], task: str) -> str:
    """A sentence: does the model (first row) beat the best baseline on the test split?"""
    key, better = ("test_mse", min) if task == "regression" else ("test_accuracy", max)
    model, baselines = results[0], results[1:]
    best = better(baselines, key=lambda row: row[key])
    beats = model[key] < best[key] if task == "regression" else model[key] > best[key]
    metric = "test MSE" if task == "regression" else "test accuracy"
    if beats:
        return f"The model beats the best baseline ({best['predictor']}) on the test split: {metric} {model[key]:.4f} against {best[key]:.4f}."
    return (
        f"The model does NOT beat the best baseline ({best['predictor']}) on the test split: {metric} "
        f"{model[key]:.4f} against {best[key]:.4f}. Try more epochs, another --lr or --hidden, or more data."
    )


def _settings(args: argparse.Namespace, trainer: Trainer, task: str) -> dict[str, Any]:
    keys = (
        "hidden",
        "activation",
        "optimizer",
        "lr",
        "lr_schedule",
        "momentum",
        "epochs",
        "batch_size",
        "patience",
        "seed",
    )
    settings = {key: getattr(args, key) for key in keys}
    settings.update(task=task, weight_decay=trainer.weight_decay, drop_missing=args.drop_missing)
    return settings


def _describe(data: RunData, prepared: Prepared, why: str, trainer: Trainer) -> None:
    encoder = prepared.encoder
    text = [c.name for c in encoder.columns if c.kind == "text"]
    print(f"data: {data.source}; target {data.target!r}", file=sys.stderr)
    print(f"task: {prepared.task} ({why})", file=sys.stderr)
    print(
        f"features: {len(encoder.columns)} columns -> {len(encoder.output_names)} inputs"
        + (f" (one-hot: {', '.join(text)})" if text else "")
        + (f"; rows dropped for missing cells: {prepared.dropped}" if any(prepared.dropped.values()) else ""),
        file=sys.stderr,
    )
    print(
        f"rows: {len(trainer.fit.x)} to train on, {len(trainer.validation.x)} for validation, {len(trainer.test.x)} to test",
        file=sys.stderr,
    )


def run_fit(args: argparse.Namespace) -> int:
    """`tinyautograd fit`: train, print the results table, write the run directory."""
    out = Path(args.out) if args.out else default_run_directory()
    check_output_directory(out)
    data = load_data(args)
    prepared = prepare(data, args)
    _, why = choose_task(data.train, data.target, args.task)
    widths = [len(prepared.encoder.output_names), *args.hidden, max(len(prepared.classes), 1)]
    name = f"MLP {'-'.join(map(str, widths))} ({args.activation})"
    trainer = _trainer(prepared, args, list(args.hidden), "training", data.target, args.id_column)
    _describe(data, prepared, why, trainer)
    svg = _graph(trainer) if args.graph else None
    with staged_directory(out) as work:
        started = time.monotonic()
        history, best_epoch = trainer.run()
        seconds = time.monotonic() - started
        results, columns = _results(trainer, prepared, args, name, data.target, work)
        best = history[best_epoch - 1]
        report = {
            "data": {
                "source": data.source,
                "target": data.target,
                "task": prepared.task,
                "features": prepared.encoder.names,
                "inputs": prepared.encoder.output_names,
                "rows": {
                    "train": len(trainer.fit.x),
                    "validation": len(trainer.validation.x),
                    "test": len(trainer.test.x),
                },
                "dropped_for_missing": prepared.dropped,
            },
            "settings": _settings(args, trainer, prepared.task),
            "results": results,
            "verdict": verdict(results, prepared.task),
            "training": {
                "best_epoch": best_epoch,
                "best_validation_loss": best["validation_loss"],
                "epochs_run": len(history),
                "stopped_early": len(history) < args.epochs,
                "seconds": round(seconds, 2),
            },
        }
        save_model(work / MODEL_FILE, trainer.trained, extra={"settings": json.dumps(report["settings"])})
        write_history_csv(work / "history.csv", history)
        write_report_json(work / "report.json", report)
        ylabel = "cross-entropy" if prepared.task == "classification" else "mean squared error"
        plot_losses(work / "loss.png", history, best_epoch, ylabel=ylabel)
        if svg is not None:
            (work / "graph.svg").write_bytes(svg)
        written = sorted(p.name for p in work.iterdir())
    print(format_table(results, columns))
    print(report["verdict"])
    stop = f", stopped early after {len(history)}" if len(history) < args.epochs else ""
    print(
        f"kept the weights of epoch {best_epoch} of {args.epochs}{stop} (validation loss {best['validation_loss']:.4f});"
        f" trained in {seconds:.1f} s"
    )
    print(f"wrote {out}: {', '.join(written)}")
    return 0


def _graph(trainer: Trainer) -> bytes:
    """SVG of the computation graph of the loss of one batch (what one training step differentiates)."""
    n = trainer.args.batch_size
    model = trainer.trained.model
    loss = trainer.loss_function()(
        model(autograd.from_numpy(trainer.fit.x[:n])), autograd.from_numpy(trainer.fit.y[:n])
    )
    return autograd.draw_graph(loss, params=model).pipe(format="svg")


def _results(
    trainer: Trainer, prepared: Prepared, args: argparse.Namespace, name: str, target: str, work: Path
) -> tuple[list[dict[str, Any]], list[tuple[str, str]]]:
    if prepared.task == "regression":
        columns = [("predictor", "predictor"), ("train_mse", "train MSE"), ("test_mse", "test MSE")]
        return regression_results(trainer.trained, prepared, name), columns
    logistic = _trainer(prepared, args, [], "logistic regression", target, None)
    logistic.run()
    predictors: list[tuple[str, Callable[[np.ndarray], np.ndarray]]] = [
        (name, trainer.trained.predict),
        (MajorityClass.name, MajorityClass().fit(prepared.x["train"], prepared.y["train"]).predict),
        ("logistic regression", logistic.trained.predict),
    ]
    counts = confusion_matrix(trainer.trained.predict(prepared.x["test"]), prepared.y["test"], len(prepared.classes))
    plot_confusion_matrix(work / "confusion.png", counts, prepared.classes, f"{name}: test split")
    columns = [
        ("predictor", "predictor"),
        ("train_accuracy", "train accuracy"),
        ("test_accuracy", "test accuracy"),
        ("train_macro_f1", "train macro-F1"),
        ("test_macro_f1", "test macro-F1"),
    ]
    return classification_results(predictors, prepared), columns


# -- predict -------------------------------------------------------------------------------------


def _model_path(text: str) -> Path:
    path = Path(text)
    if path.is_dir():
        path = path / MODEL_FILE
    if not path.exists():
        raise FileNotFoundError(f"{path}: no such file (expected a run directory of `{PROG} fit`)")
    check_regular_file(str(path))
    return path


def _prediction_columns(trained: TabularModel, table: RawTable, proba: bool) -> tuple[list[str], list[list[str]]]:
    features = trained.encoder.transform(table)
    if trained.task == "regression":
        return [f"predicted_{trained.target_name}"], [[repr(float(v))] for v in trained.predict(features)]
    probabilities = trained.predict_proba(features)
    labels = [trained.classes[i] for i in probabilities.argmax(axis=1)]
    headings = [f"predicted_{trained.target_name}"] + ([f"p({c})" for c in trained.classes] if proba else [])
    rows = [[label] + ([f"{p:.6g}" for p in row] if proba else []) for label, row in zip(labels, probabilities)]
    return headings, rows


def _score(trained: TabularModel, table: RawTable, path: str) -> str | None:
    if trained.target_name not in table.columns:
        return None
    target = table.columns[trained.target_name]
    features = trained.encoder.transform(table)
    if trained.task == "regression":
        if table.is_text(trained.target_name):
            return None
        keep = ~np.isnan(target)
        return f"MSE against the {trained.target_name!r} column of {path}: {mse(trained.predict(features)[keep], target[keep]):.4f}"
    labels = _labels(target)
    predicted = np.array([trained.classes[i] for i in trained.predict(features)], dtype=object)
    return (
        f"accuracy against the {trained.target_name!r} column of {path}: {np.mean(predicted == labels.astype(str)):.4f}"
    )


def _original_lines(table: RawTable) -> tuple[str, list[str]]:
    """The header line and each row's line of the file, as written (for --keep-columns)."""
    with open(table.path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    header = next(line for line in lines if line.strip()).rstrip("\r").lstrip("\ufeff")
    return header, [lines[n - 1].rstrip("\r") for n in table.line_numbers]


def run_predict(args: argparse.Namespace) -> int:
    """`tinyautograd predict`: write one prediction per row of --csv, in the file's order."""
    trained = load_model(_model_path(args.model))
    if args.proba and trained.task != "classification":
        raise UsageError("--proba needs a classification model; this one does regression")
    table = _read(args.csv)
    table.require(trained.encoder.names, "the model needs it")
    if args.id_column:
        table.require([args.id_column], "--id-column")
    id_column = args.id_column or (trained.id_column if trained.id_column in table.columns else None)
    headings, rows = _prediction_columns(trained, table, args.proba)
    if args.keep_columns:
        header, lines = _original_lines(table)
        separator = _separator_of(header, table)
        out_header = [header + separator + separator.join(headings)]
        out_rows = [
            line + separator + separator.join(_quoted(v, separator) for v in row) for line, row in zip(lines, rows)
        ]
        text = "\n".join(out_header + out_rows) + "\n"
    else:
        ids = [[_cell(v)] for v in table.columns[id_column]] if id_column else [[] for _ in rows]
        buffer = _csv_text([*([id_column] if id_column else []), *headings], [i + r for i, r in zip(ids, rows)])
        text = buffer
    _write_output(args.out, text, len(rows))
    score = _score(trained, table, args.csv)
    if score:
        print(score, file=sys.stderr)
    return 0


def _cell(value: Any) -> str:
    if value is None:
        return ""
    return format(value, "g") if isinstance(value, float) else str(value)


def _quoted(value: str, separator: str) -> str:
    return f'"{value}"' if separator in value else value


def _separator_of(header: str, table: RawTable) -> str:
    from .tables import sniff_separator

    return sniff_separator(header, None, table.path)


def _csv_text(header: list[str], rows: list[list[str]]) -> str:
    import io

    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()


def _write_output(out: str | None, text: str, count: int) -> None:
    if not out:
        sys.stdout.write(text)
        return
    destination = Path(out)
    if destination.is_dir():
        raise IsADirectoryError(f"{destination}: is a directory; --out needs a file name")
    if not destination.absolute().parent.is_dir():
        raise FileNotFoundError(f"{destination}: its directory does not exist")
    fd, temporary = tempfile.mkstemp(
        prefix=f".{destination.name}.", suffix=".partial", dir=destination.absolute().parent
    )
    try:
        with os.fdopen(fd, "w", newline="", encoding="utf-8") as f:
            f.write(text)
        os.replace(temporary, destination)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    print(f"wrote {count} predictions to {destination}", file=sys.stderr)
