"""The engine's exceptions: each names the op, the shapes or values, and what was expected."""


class EngineError(Exception):
    """Base of errors the engine raises on purpose (never a bare NumPy traceback)."""


class ShapeError(EngineError, ValueError):
    """Shapes that do not fit the op, e.g. `(3, 4) @ (5, 2)`."""


class DimError(EngineError, IndexError):
    """A `dim` out of range for the tensor."""


class DtypeError(EngineError, TypeError):
    """A dtype the op cannot take, e.g. an integer tensor with `requires_grad=True`."""
