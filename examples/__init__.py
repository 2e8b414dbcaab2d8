"""Whole models built on `autograd` and `nn` like any user program: the notebooks train them, the
benchmarks time their training steps against PyTorch, and the tests check their `state_dict`s."""
