"""Optimisers (`SGD`, `Adam`, `AdamW`, `RMSprop`, `Adagrad`) and learning-rate schedulers (`lr_scheduler`), as `torch.optim`.

>>> from nn import optim
>>> optimizer = optim.SGD(net.parameters(), lr=0.01)
>>> optimizer.zero_grad(); loss = criterion(net(input), target); loss.backward(); optimizer.step()
"""

from . import lr_scheduler
from .adagrad import Adagrad
from .adam import Adam, AdamW
from .optimizer import Optimizer
from .rmsprop import RMSprop
from .sgd import SGD

__all__ = ["Adagrad", "Adam", "AdamW", "Optimizer", "RMSprop", "SGD", "lr_scheduler"]
