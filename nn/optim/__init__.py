"""Optimisers (`SGD`, `Adam`, `AdamW`) and learning-rate schedulers (`lr_scheduler`), as `torch.optim`.

>>> from nn import optim
>>> optimizer = optim.SGD(net.parameters(), lr=0.01)
>>> optimizer.zero_grad(); loss = criterion(net(input), target); loss.backward(); optimizer.step()
"""

from . import lr_scheduler
from .adam import Adam, AdamW
from .optimizer import Optimizer
from .sgd import SGD

__all__ = ["Adam", "AdamW", "Optimizer", "SGD", "lr_scheduler"]
