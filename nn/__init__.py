"""tinyautograd's network library: modules, layers, losses, initialisers, optimisers, data."""

from . import data, functional, init, optim
from .activations import GELU, LeakyReLU, LogSoftmax, ReLU, Sigmoid, Softmax, Tanh
from .layers import AvgPool2d, Conv2d, Dropout, Flatten, Identity, Linear, MaxPool2d
from .losses import BCELoss, BCEWithLogitsLoss, CrossEntropyLoss, L1Loss, MSELoss
from .module import Module, ModuleList, Sequential
from .parameter import Parameter
from .serialization import CheckpointError, TensorInfo, load, read_header, read_metadata, remove_stale_temporaries, save

__all__ = [
    "AvgPool2d",
    "BCELoss",
    "BCEWithLogitsLoss",
    "Conv2d",
    "CrossEntropyLoss",
    "Dropout",
    "Flatten",
    "GELU",
    "Identity",
    "L1Loss",
    "LeakyReLU",
    "Linear",
    "LogSoftmax",
    "MSELoss",
    "MaxPool2d",
    "Module",
    "ModuleList",
    "Parameter",
    "ReLU",
    "Sequential",
    "Sigmoid",
    "Softmax",
    "Tanh",
    "functional",
    "init",
    "data",
    "optim",
    "load",
    "save",
    "CheckpointError",
    "TensorInfo",
    "read_header",
    "read_metadata",
    "remove_stale_temporaries",
]
