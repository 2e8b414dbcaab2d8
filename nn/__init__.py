"""tinyautograd's network library: modules, layers, losses, initialisers, optimisers, data."""

from . import data, functional, init, optim, utils
from .activations import ELU, GELU, LeakyReLU, LogSoftmax, ReLU, Sigmoid, SiLU, Softmax, Softplus, Tanh
from .attention import MultiheadAttention
from .containers import ModuleDict, ParameterDict, ParameterList
from .layers import AvgPool2d, Conv2d, Dropout, Dropout2d, Flatten, Identity, Linear, MaxPool2d, Unflatten
from .losses import (
    BCELoss,
    BCEWithLogitsLoss,
    CrossEntropyLoss,
    HuberLoss,
    KLDivLoss,
    L1Loss,
    MSELoss,
    NLLLoss,
    SmoothL1Loss,
)
from .module import Module, ModuleList, Sequential
from .normalization import BatchNorm1d, BatchNorm2d, Embedding, GroupNorm, LayerNorm
from .parameter import Parameter
from .recurrent import GRU, LSTM, RNN, GRUCell, LSTMCell, RNNCell
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
    "utils",
    "ELU",
    "SiLU",
    "Softplus",
    "MultiheadAttention",
    "ModuleDict",
    "ParameterDict",
    "ParameterList",
    "Dropout2d",
    "Unflatten",
    "BatchNorm1d",
    "BatchNorm2d",
    "Embedding",
    "GroupNorm",
    "LayerNorm",
    "RNN",
    "LSTM",
    "GRU",
    "RNNCell",
    "LSTMCell",
    "GRUCell",
    "HuberLoss",
    "KLDivLoss",
    "NLLLoss",
    "SmoothL1Loss",
]
