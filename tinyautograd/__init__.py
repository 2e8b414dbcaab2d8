"""tinyautograd's application: `tinyautograd fit` and `predict`, an MLP trainer for tables, built on `nn`.

The command line is `tinyautograd.cli.main` (also `python -m tinyautograd`); reading tables is
`tinyautograd.tables`, encoding their columns `tinyautograd.features`, the model and its checkpoint
`tinyautograd.mlp`.
"""
