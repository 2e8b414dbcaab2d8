"""nn.data (datasets, DataLoader batches, random_split) and tinyautograd.tables (CSV tables, the split, the Standardizer)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import autograd
import nn
from nn import optim
from nn.data import DataLoader, Dataset, Subset, TensorDataset, random_split
from tinyautograd.tables import DataError, Standardizer, Table, read_csv, train_test_split


def numbered_dataset(n: int) -> TensorDataset:
    """Row i of x is (i, 10 i), y[i] is -i: every batch shows which rows it holds."""
    rows = np.arange(n, dtype=np.float64)
    return TensorDataset(autograd.tensor(np.stack([rows, 10 * rows], axis=1)), autograd.tensor(-rows))


def rows_of(batches) -> list[int]:
    return [int(v) for x, _ in batches for v in x.numpy()[:, 0]]


# -- TensorDataset and Subset ---------------------------------------------------------------------


def test_tensor_dataset_indexes_every_tensor_by_row():
    dataset = numbered_dataset(5)
    x, y = dataset[3]
    assert len(dataset) == 5
    assert x.tolist() == [3.0, 30.0] and y.item() == -3.0


def test_tensor_dataset_rejects_tensors_of_different_lengths():
    with pytest.raises(ValueError, match=r"same size in dimension 0.*\(4, 2\), \(3,\)"):
        TensorDataset(autograd.zeros(4, 2), autograd.zeros(3))


def test_subset_reads_the_dataset_at_its_indices():
    subset = Subset(numbered_dataset(10), [7, 2, 5])
    assert len(subset) == 3
    assert [subset[i][1].item() for i in range(3)] == [-7.0, -2.0, -5.0]


# -- DataLoader -----------------------------------------------------------------------------------


def test_dataloader_without_shuffle_yields_rows_in_order_as_stacked_tensors():
    batches = list(DataLoader(numbered_dataset(10), batch_size=4))
    assert [tuple(x.shape) for x, _ in batches] == [(4, 2), (4, 2), (2, 2)]
    assert [tuple(y.shape) for _, y in batches] == [(4,), (4,), (2,)]
    assert rows_of(batches) == list(range(10))
    np.testing.assert_array_equal(batches[1][1].numpy(), [-4.0, -5.0, -6.0, -7.0])


def test_dataloader_len_counts_batches_with_and_without_drop_last():
    assert len(DataLoader(numbered_dataset(10), batch_size=4)) == 3
    assert len(DataLoader(numbered_dataset(10), batch_size=4, drop_last=True)) == 2
    assert len(DataLoader(numbered_dataset(8), batch_size=4, drop_last=True)) == 2


def test_drop_last_drops_the_short_final_batch():
    batches = list(DataLoader(numbered_dataset(10), batch_size=4, drop_last=True))
    assert len(batches) == 2 and all(x.shape[0] == 4 for x, _ in batches)


def test_shuffle_with_a_seed_is_a_reproducible_permutation_that_changes_each_epoch():
    loader = DataLoader(numbered_dataset(50), batch_size=8, shuffle=True, generator=7)
    first, second = rows_of(loader), rows_of(loader)
    assert sorted(first) == list(range(50))
    assert first != list(range(50)) and first != second
    again = DataLoader(numbered_dataset(50), batch_size=8, shuffle=True, generator=7)
    assert rows_of(again) == first


def test_shuffle_without_a_generator_follows_manual_seed():
    loader = DataLoader(numbered_dataset(30), batch_size=5, shuffle=True)
    autograd.manual_seed(3)
    first = rows_of(loader)
    autograd.manual_seed(3)
    assert rows_of(loader) == first


def test_shuffle_accepts_a_numpy_generator():
    order = np.random.default_rng(5).permutation(20).tolist()
    loader = DataLoader(numbered_dataset(20), batch_size=20, shuffle=True, generator=np.random.default_rng(5))
    assert rows_of(loader) == order


def test_changing_a_batch_leaves_the_dataset_alone():
    dataset = numbered_dataset(6)
    for x, _ in DataLoader(dataset, batch_size=3):
        x.zero_()
    assert dataset[4][0].tolist() == [4.0, 40.0]


class SquaresDataset(Dataset):
    """A dataset that is not a TensorDataset: samples are (tensor, float, int)."""

    def __len__(self) -> int:
        return 7

    def __getitem__(self, i: int):
        return autograd.tensor([float(i), float(i * i)]), float(i) / 2, i


def test_dataloader_collates_samples_of_any_dataset():
    x, half, index = next(iter(DataLoader(SquaresDataset(), batch_size=3)))
    assert x.tolist() == [[0.0, 0.0], [1.0, 1.0], [2.0, 4.0]]
    assert half.tolist() == [0.0, 0.5, 1.0] and half.dtype == np.float32
    assert index.tolist() == [0, 1, 2] and index.dtype == np.int64


def test_dataloader_on_a_subset_gives_the_subsets_rows():
    subset = Subset(numbered_dataset(10), [9, 0, 4, 4, 2])
    assert rows_of(DataLoader(subset, batch_size=2)) == [9, 0, 4, 4, 2]


@given(
    n=st.integers(1, 40),
    batch_size=st.integers(1, 12),
    shuffle=st.booleans(),
    drop_last=st.booleans(),
    seed=st.integers(0, 2**16),
)
def test_batches_hold_each_row_once_with_targets_matching_features(n, batch_size, shuffle, drop_last, seed):
    loader = DataLoader(
        numbered_dataset(n), batch_size=batch_size, shuffle=shuffle, drop_last=drop_last, generator=seed
    )
    batches = list(loader)
    assert len(batches) == len(loader)
    seen = rows_of(batches)
    assert len(seen) == (n - n % batch_size if drop_last else n)
    assert len(set(seen)) == len(seen) and set(seen) <= set(range(n))
    for x, y in batches:
        np.testing.assert_array_equal(y.numpy(), -x.numpy()[:, 0])
        np.testing.assert_array_equal(x.numpy()[:, 1], 10 * x.numpy()[:, 0])


def test_dataloader_rejects_a_bad_batch_size():
    with pytest.raises(ValueError, match="batch_size must be a positive integer, got 0"):
        DataLoader(numbered_dataset(3), batch_size=0)


# -- random_split ------------------------------------------------------------------------------------


def test_random_split_with_lengths_partitions_the_dataset():
    parts = random_split(numbered_dataset(10), [6, 3, 1], generator=0)
    assert [len(p) for p in parts] == [6, 3, 1]
    rows = [int(p[i][0][0].item()) for p in parts for i in range(len(p))]
    assert sorted(rows) == list(range(10))


def test_random_split_with_fractions_floors_and_hands_out_the_remainder():
    parts = random_split(numbered_dataset(11), [0.5, 0.3, 0.2], generator=0)
    # floor gives 5, 3, 2; the one row left goes to the first part
    assert [len(p) for p in parts] == [6, 3, 2]


def test_random_split_is_reproducible_with_a_seed():
    a = random_split(numbered_dataset(20), [0.5, 0.5], generator=4)
    b = random_split(numbered_dataset(20), [0.5, 0.5], generator=4)
    assert a[0].indices.tolist() == b[0].indices.tolist()
    assert a[0].indices.tolist() != list(range(10))


def test_random_split_rejects_lengths_that_do_not_add_up():
    with pytest.raises(ValueError, match="sum to the dataset size 10"):
        random_split(numbered_dataset(10), [6, 3])
    with pytest.raises(ValueError, match="sum to 1"):
        random_split(numbered_dataset(10), [0.6, 0.3])


# -- CSV tables ------------------------------------------------------------------------------------------


def write(tmp_path: Path, text: str, name: str = "data.csv") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


WINE_LIKE = '"fixed acidity";"volatile acidity";"alcohol";"quality"\n7.4;0.7;9.4;5\n7.8;0.88;9.8;5\n11.2;0.28;9.8;6\n'


def test_read_csv_detects_semicolons_and_unquotes_the_header(tmp_path):
    table = read_csv(write(tmp_path, WINE_LIKE), target="quality")
    assert table.feature_names == ["fixed acidity", "volatile acidity", "alcohol"]
    assert table.target_name == "quality"
    np.testing.assert_array_equal(table.features, [[7.4, 0.7, 9.4], [7.8, 0.88, 9.8], [11.2, 0.28, 9.8]])
    np.testing.assert_array_equal(table.target, [5, 5, 6])


def test_read_csv_detects_commas_and_takes_the_target_from_any_column(tmp_path):
    table = read_csv(write(tmp_path, "a,y,b\n1,10,2\n3,30,4\n\n"), target="y")
    assert table.feature_names == ["a", "b"]
    np.testing.assert_array_equal(table.features, [[1, 2], [3, 4]])
    np.testing.assert_array_equal(table.target, [10, 30])


def test_read_csv_unknown_target_lists_the_columns(tmp_path):
    with pytest.raises(DataError, match=r"no column 'Quality'.*'fixed acidity', 'volatile acidity', 'alcohol'"):
        read_csv(write(tmp_path, WINE_LIKE), target="Quality")


def test_read_csv_names_the_line_column_and_text_of_a_non_numeric_cell(tmp_path):
    text = WINE_LIKE.replace("11.2;0.28", "11.2;low")
    with pytest.raises(DataError, match=r"line 4, column 'volatile acidity': 'low' is not a number"):
        read_csv(write(tmp_path, text), target="quality")


def test_read_csv_rejects_empty_and_infinite_cells(tmp_path):
    with pytest.raises(DataError, match=r"line 2, column 'alcohol': a missing cell"):
        read_csv(write(tmp_path, WINE_LIKE.replace("9.4;5", ";5")), target="quality")
    with pytest.raises(DataError, match=r"line 4, column 'quality': inf is not a finite number"):
        read_csv(write(tmp_path, WINE_LIKE.replace("9.8;6", "9.8;inf")), target="quality")


def test_read_csv_rejects_an_empty_file(tmp_path):
    with pytest.raises(DataError, match="empty"):
        read_csv(write(tmp_path, ""), target="quality")
    with pytest.raises(DataError, match="empty"):
        read_csv(write(tmp_path, "\n  \n"), target="quality")


def test_read_csv_rejects_too_few_rows(tmp_path):
    with pytest.raises(DataError, match="has 0 data rows; at least 2"):
        read_csv(write(tmp_path, "a;quality\n"), target="quality")
    with pytest.raises(DataError, match="has 1 data rows; at least 2"):
        read_csv(write(tmp_path, "a;quality\n1;2\n"), target="quality")


def test_read_csv_rejects_a_row_of_the_wrong_length(tmp_path):
    with pytest.raises(DataError, match="line 3 has 2 fields but the header has 4 columns"):
        read_csv(write(tmp_path, WINE_LIKE.replace("7.8;0.88;9.8;5", "7.8;0.88")), target="quality")


def test_read_csv_missing_file_names_the_path(tmp_path):
    with pytest.raises(FileNotFoundError, match="nothere.csv"):
        read_csv(tmp_path / "nothere.csv", target="quality")


def test_read_csv_reads_the_red_wine_data(wine_csv):
    table = read_csv(wine_csv, target="quality")
    assert table.features.shape == (1599, 11) and table.target.shape == (1599,)
    assert table.feature_names[-1] == "alcohol"
    # the figures its README gives
    assert table.target.mean() == pytest.approx(5.6360, abs=5e-5)
    assert table.features[:, -1].mean() == pytest.approx(10.4230, abs=5e-5)
    assert sorted(set(table.target.tolist())) == [3, 4, 5, 6, 7, 8]


def test_table_to_dataset_gives_float32_features_and_a_target_column():
    table = Table(np.arange(6.0).reshape(3, 2), np.array([1.0, 2.0, 3.0]), ["a", "b"], "y")
    x, y = table.to_dataset().tensors
    assert x.dtype == np.float32 and tuple(x.shape) == (3, 2)
    assert y.dtype == np.float32 and tuple(y.shape) == (3, 1)


# -- the train/test split and the Standardizer -----------------------------------------------------------


def counting_table(n: int) -> Table:
    rows = np.arange(n, dtype=np.float64)
    return Table(np.stack([rows, rows**2], axis=1), -rows, ["i", "i2"], "y")


def test_train_test_split_is_eight_to_two_by_default_and_partitions_the_rows():
    train, test = train_test_split(counting_table(1599))
    assert (len(train), len(test)) == (1279, 320)
    assert sorted(train.features[:, 0].tolist() + test.features[:, 0].tolist()) == list(range(1599))
    np.testing.assert_array_equal(train.target, -train.features[:, 0])


def test_train_test_split_is_reproducible_and_depends_on_the_seed():
    a, _ = train_test_split(counting_table(100), seed=1)
    b, _ = train_test_split(counting_table(100), seed=1)
    c, _ = train_test_split(counting_table(100), seed=2)
    assert a.features[:, 0].tolist() == b.features[:, 0].tolist() != c.features[:, 0].tolist()


def test_train_test_split_refuses_a_split_with_an_empty_part():
    with pytest.raises(DataError, match="3 rows"):
        train_test_split(counting_table(3), test_fraction=0.1)


def test_standardizer_uses_the_training_statistics_only():
    rng = np.random.default_rng(0)
    train, test = rng.normal(3.0, 2.0, size=(50, 3)), rng.normal(5.0, 4.0, size=(20, 3))
    scaler = Standardizer().fit(train)
    np.testing.assert_allclose(scaler.mean, train.mean(axis=0))
    np.testing.assert_allclose(scaler.std, train.std(axis=0))
    np.testing.assert_allclose(scaler.transform(test), (test - train.mean(axis=0)) / train.std(axis=0))
    scaled = scaler.transform(train)
    np.testing.assert_allclose(scaled.mean(axis=0), 0.0, atol=1e-12)
    np.testing.assert_allclose(scaled.std(axis=0), 1.0)


def test_standardizer_only_centres_a_constant_feature():
    x = np.array([[1.0, 7.0], [3.0, 7.0]])
    scaler = Standardizer().fit(x)
    assert scaler.std.tolist() == [1.0, 1.0]
    np.testing.assert_array_equal(scaler.transform(x), [[-1.0, 0.0], [1.0, 0.0]])


def test_standardizer_round_trips_through_a_dict_of_arrays():
    x = np.random.default_rng(1).normal(size=(10, 4))
    scaler = Standardizer().fit(x)
    state = scaler.to_dict()
    assert set(state) == {"mean", "std"} and all(isinstance(v, np.ndarray) for v in state.values())
    restored = Standardizer.from_dict(state)
    np.testing.assert_array_equal(restored.transform(x), scaler.transform(x))
    np.testing.assert_allclose(restored.inverse_transform(restored.transform(x)), x)


def test_standardizer_transforms_tensors_into_tensors_of_the_same_dtype():
    x = autograd.tensor([[1.0, 2.0], [3.0, 6.0]])
    out = Standardizer().fit(x).transform(x)
    assert isinstance(out, autograd.Tensor) and out.dtype == np.float32
    np.testing.assert_allclose(out.numpy(), [[-1.0, -1.0], [1.0, 1.0]])


def test_standardizer_reports_use_before_fit_and_wrong_widths():
    with pytest.raises(RuntimeError, match="call fit"):
        Standardizer().transform(np.zeros((2, 2)))
    with pytest.raises(ValueError, match=r"shape \(2, 3\) does not fit statistics of shape \(2,\)"):
        Standardizer().fit(np.zeros((4, 2))).transform(np.zeros((2, 3)))


# -- the exercise: an MLP on the red wine data beats linear regression on held-out rows -------------------


def test_an_mlp_on_the_red_wine_data_beats_least_squares_on_the_test_split(wine_csv):
    table = read_csv(wine_csv, target="quality")
    train, test = train_test_split(table, test_fraction=0.2, seed=0)

    def design(t: Table) -> np.ndarray:
        return np.c_[t.features, np.ones(len(t))]  # features and an intercept column

    coef, *_ = np.linalg.lstsq(design(train), train.target, rcond=None)
    baseline_mse = float(np.mean((design(test) @ coef - test.target) ** 2))

    features, target = Standardizer().fit(train.features), Standardizer().fit(train.target)

    def inputs(t: Table) -> autograd.Tensor:
        return autograd.tensor(features.transform(t.features).astype(np.float32))

    x_train, x_test = inputs(train), inputs(test)
    y_train = autograd.tensor(target.transform(train.target).astype(np.float32).reshape(-1, 1))

    autograd.manual_seed(0)
    epochs = 40
    model = nn.Sequential(nn.Linear(11, 64), nn.ReLU(), nn.Linear(64, 1))
    optimizer = optim.AdamW(model.parameters(), lr=2e-3, weight_decay=0.1)
    scheduler = optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=epochs)
    loader = DataLoader(TensorDataset(x_train, y_train), batch_size=64, shuffle=True)
    criterion = nn.MSELoss()

    def mse(x: autograd.Tensor, t: Table) -> float:
        """Mean squared error in quality points (the model predicts standardised quality)."""
        with autograd.no_grad():
            predicted = target.inverse_transform(model(x).numpy().ravel())
        return float(np.mean((predicted - t.target) ** 2))

    train_losses, test_losses = [], []
    for _ in range(epochs):
        for x, y in loader:
            optimizer.zero_grad()
            loss = criterion(model(x), y)
            loss.backward()
            optimizer.step()
        scheduler.step()
        train_losses.append(mse(x_train, train))
        test_losses.append(mse(x_test, test))

    assert len(train_losses) == len(test_losses) == epochs
    assert train_losses[-1] < train_losses[0]
    assert test_losses[-1] < baseline_mse, f"MLP test MSE {test_losses[-1]:.4f}, linear baseline {baseline_mse:.4f}"
