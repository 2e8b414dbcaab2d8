"""einsum: sums of products named by subscripts, as np.einsum; the gradient of each operand is an einsum too."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..function import Function
from ..registry import op
from ..tensor import Tensor
from .tangents import total


def _parse(equation: str, n: int) -> tuple[list[str], str]:
    text = equation.replace(" ", "")
    if "..." in text:
        raise NotImplementedError("einsum: '...' (ellipsis) subscripts are not supported; name every dimension")
    inputs, arrow, output = text.partition("->")
    terms = inputs.split(",")
    if len(terms) != n:
        raise ValueError(f"einsum: the equation names {len(terms)} operands, {n} were given")
    if not arrow:  # implicit output: the letters that appear once, in alphabetical order
        letters = "".join(terms)
        output = "".join(sorted(c for c in set(letters) if letters.count(c) == 1))
    return terms, output


class Einsum(Function):
    __slots__ = ("terms", "output", "shapes")

    @staticmethod
    def forward(ctx, equation, *operands):
        ctx.terms, ctx.output = _parse(equation, len(operands))
        ctx.shapes = [np.shape(o) for o in operands]
        ctx.save_for_backward(*operands)
        return np.einsum(f"{','.join(ctx.terms)}->{ctx.output}", *operands, optimize=len(operands) > 2)

    @staticmethod
    def jvp(ctx, _equation, *tangents):  # d einsum(A, B, ...) = einsum(dA, B, ...) + einsum(A, dB, ...) + ...
        equation, *operands = ctx.primals
        terms = []
        for k, t in enumerate(tangents):
            if t is not None:
                terms.append(np.einsum(equation, *operands[:k], t, *operands[k + 1 :]))
        return total(*terms)

    @staticmethod
    def backward(ctx, grad):  # d operand_i = einsum(grad, the other operands -> operand_i's subscripts)
        operands = ctx.saved_tensors
        grads: list[Any] = [None]
        for i, term in enumerate(ctx.terms):
            if not ctx.needs_input_grad[i + 1]:
                grads.append(None)
                continue
            others = [t for j, t in enumerate(ctx.terms) if j != i]
            known = set(ctx.output).union(*others)
            missing = [c for c in dict.fromkeys(term) if c not in known]  # summed away alone: broadcast back
            target = "".join(c for c in dict.fromkeys(term))
            eq = f"{','.join([ctx.output, *others])}->{''.join(c for c in target if c not in missing)}"
            g = Einsum.call(eq, grad, *[o for j, o in enumerate(operands) if j != i])
            grads.append(_expand_to(g, term, target, missing, ctx.shapes[i]))
        return tuple(grads)


def _expand_to(g: Any, term: str, target: str, missing: list[str], shape: tuple[int, ...]) -> Any:
    """The gradient (dims: the operand's distinct letters) laid out as the operand.

    Letters summed away in this operand alone broadcast back; a repeated letter (a diagonal,
    as in "ii") puts the gradient on that diagonal and zeros elsewhere.
    """
    sizes = dict(zip(term, shape))
    if missing:
        g = g.reshape(*[1 if c in missing else sizes[c] for c in target]) * np.ones([sizes[c] for c in target])
    if len(set(term)) == len(term):
        order = [target.index(c) for c in term]
        return g.permute(*order) if isinstance(g, Tensor) else np.transpose(g, order)
    seen: set[str] = set()
    layout = []
    for c in term:
        layout.append(1 if c in seen else sizes[c])
        seen.add(c)
    return g.reshape(*layout) * _diagonal_mask(term, shape)


def _diagonal_mask(term: str, shape: tuple[int, ...]) -> np.ndarray:
    mask = np.ones(shape)
    for a in range(len(term)):
        for b in range(a + 1, len(term)):
            if term[a] == term[b]:
                index_a = np.arange(shape[a]).reshape([-1 if k == a else 1 for k in range(len(shape))])
                index_b = np.arange(shape[b]).reshape([-1 if k == b else 1 for k in range(len(shape))])
                mask = mask * (index_a == index_b)
    return mask


@op(method=False)
def einsum(equation: str, *operands: Any) -> Tensor:
    """np.einsum over tensors: `einsum("bij,bjk->bik", a, b)` (no ellipsis); differentiable in every operand."""
    if len(operands) == 1 and isinstance(operands[0], (list, tuple)):
        operands = tuple(operands[0])
    return Einsum.apply(equation, *operands)
