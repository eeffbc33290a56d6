r"""The functions of the page *Checkpointing: trading compute for memory*.

The model is a deep residual stack: layer :math:`k` maps a batch of states
:math:`x_k \in \mathbb{R}^{B \times d}` to

.. math::

    x_{k+1} = x_k + \tanh(x_k W_1^{(k)})\, W_2^{(k)},
    \qquad W_1^{(k)} \in \mathbb{R}^{d \times h},\ W_2^{(k)} \in \mathbb{R}^{h \times d},

and the loss is :math:`L = \tfrac12 \operatorname{mean}(x_n^2)` after :math:`n`
layers, run by :func:`jax.lax.scan` over the stacked weights. Reverse mode
needs, for every layer, values of the forward pass (its *residuals*); with a
hidden width :math:`h > d` they are several times larger than the state
:math:`x_k` itself. :func:`residual_stack` runs the stack in three ways that
compute the same gradient and keep different residuals:

* ``"none"``: every layer's residuals are kept, memory :math:`\propto n`;
* ``"step"``: each layer is wrapped in :func:`jax.checkpoint`, so only the
  states :math:`x_k` are kept and each layer is recomputed during the
  backward pass; memory :math:`\propto n`, with a smaller constant;
* ``"sqrt"``: the layers are grouped in segments of about :math:`\sqrt n`
  layers and each *segment* is checkpointed: only the states at segment
  boundaries are kept, and one segment's residuals at a time are rebuilt,
  memory :math:`\propto \sqrt n`.

:func:`~autodiff_cookbook.examples.control_flow.saved_residuals` captures what ``jax.ad_checkpoint.print_saved_residuals``
reports, and :func:`gradient_temp_bytes` reads the scratch memory of a compiled
program from XLA's memory analysis.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Literal

import jax
import jax.numpy as jnp
from jax import Array
from jax.typing import ArrayLike

from .._types import PyTree

__all__ = [
    "Checkpointing",
    "gradient_temp_bytes",
    "init_residual_stack",
    "residual_block",
    "residual_stack",
    "sqrt_segment_length",
    "stack_loss",
]

#: The three ways a stack saves its states for the backward pass, ``"none"``
#: (plain reverse mode), ``"step"`` (one checkpoint per layer) and ``"sqrt"``
#: (nested segments of about :math:`\sqrt{n}` layers).
Checkpointing = Literal["none", "step", "sqrt"]
Params = dict[str, Array]
_MODES = ("none", "step", "sqrt")
# " from /path/file.py:12:8 (function)" at the end of a printed residual.


def init_residual_stack(key: Array, depth: int, width: int, hidden: int) -> Params:
    r"""Return random weights for a residual stack of ``depth`` layers.

    :math:`W_1^{(k)}` has entries of variance :math:`1/d` and
    :math:`W_2^{(k)}` of variance :math:`1 / (h n)`, so that each layer adds an
    update of size about :math:`1/\sqrt n` and the state stays of order one
    however deep the stack is.

    Args:
        key: a JAX PRNG key.
        depth: the number of layers :math:`n`, at least 1.
        width: the state's width :math:`d`.
        hidden: the hidden width :math:`h`.

    Returns:
        ``{"w1": array (depth, width, hidden), "w2": array (depth, hidden, width)}``.

    Raises:
        ValueError: if ``depth``, ``width`` or ``hidden`` is less than 1.

    Examples:
        >>> import jax
        >>> from autodiff_cookbook.examples.checkpointing import init_residual_stack
        >>> params = init_residual_stack(jax.random.key(0), 8, 4, 16)
        >>> print({name: w.shape for name, w in params.items()})
        {'w1': (8, 4, 16), 'w2': (8, 16, 4)}
    """
    if min(depth, width, hidden) < 1:
        msg = f"depth, width and hidden must be at least 1, got {depth}, {width}, {hidden}."
        raise ValueError(msg)
    k1, k2 = jax.random.split(key)
    w1 = jax.random.normal(k1, (depth, width, hidden)) / math.sqrt(width)
    w2 = jax.random.normal(k2, (depth, hidden, width)) / math.sqrt(hidden * depth)
    return {"w1": w1, "w2": w2}


def residual_block(x: ArrayLike, layer: Params) -> Array:
    r"""Apply one layer: :math:`x + \tanh(x W_1) W_2`.

    Args:
        x: the states, shape ``(batch, width)``.
        layer: ``{"w1": (width, hidden), "w2": (hidden, width)}``, one layer's
            weights (one slice of :func:`init_residual_stack`'s arrays).

    Returns:
        The next states, shaped like ``x``.

    Examples:
        >>> import jax.numpy as jnp
        >>> from autodiff_cookbook.examples.checkpointing import residual_block
        >>> layer = {"w1": jnp.ones((2, 3)), "w2": jnp.zeros((3, 2))}
        >>> print(residual_block(jnp.array([[1.0, 2.0]]), layer))
        [[1. 2.]]
    """
    x = jnp.asarray(x)
    return x + jnp.tanh(x @ layer["w1"]) @ layer["w2"]


def sqrt_segment_length(depth: int) -> int:
    r"""Return the divisor of ``depth`` closest to :math:`\sqrt{\text{depth}}`.

    Segments of this many layers split the stack into ``depth // length``
    segments of equal length; for a perfect square both are
    :math:`\sqrt{\text{depth}}`. (For a prime depth the only choices are 1
    and the depth itself, and the answer is 1: one checkpoint per layer.)

    Args:
        depth: the number of layers, at least 1.

    Returns:
        The segment length; ties go to the smaller divisor.

    Raises:
        ValueError: if ``depth`` is less than 1.

    Examples:
        >>> from autodiff_cookbook.examples.checkpointing import sqrt_segment_length
        >>> print([sqrt_segment_length(n) for n in (16, 64, 100, 12, 7)])
        [4, 8, 10, 3, 1]
    """
    if depth < 1:
        msg = f"depth must be at least 1, got {depth}."
        raise ValueError(msg)
    root = math.sqrt(depth)
    divisors = [k for k in range(1, depth + 1) if depth % k == 0]
    return min(divisors, key=lambda k: (abs(k - root), k))


def _scan_layers(
    step: Callable[[Array, Params], Array], x: Array, params: Params
) -> Array:
    def body(carry: Array, layer: Params) -> tuple[Array, None]:
        return step(carry, layer), None

    return jax.lax.scan(body, x, params)[0]


def residual_stack(
    x: ArrayLike,
    params: Params,
    checkpointing: Checkpointing = "none",
    *,
    segment: int | None = None,
    policy: Callable[..., bool] | None = None,
) -> Array:
    r"""Run the residual stack, with the chosen checkpointing.

    Args:
        x: the input states, shape ``(batch, width)``.
        params: the stacked weights of :func:`init_residual_stack`.
        checkpointing: ``"none"`` (keep every residual), ``"step"`` (one
            :func:`jax.checkpoint` per layer) or ``"sqrt"`` (one per segment of
            ``segment`` layers, an outer scan over segments of an inner scan
            over layers).
        segment: the segment length for ``"sqrt"``; it must divide the depth.
            Default :func:`sqrt_segment_length`.
        policy: a :mod:`jax.checkpoint_policies` policy for the checkpoints
            (``None``: save nothing but their inputs). Ignored for ``"none"``.

    Returns:
        The states after the last layer, shaped like ``x``. The value is the
        same in all three modes; only what reverse mode stores differs.

    Raises:
        ValueError: if ``checkpointing`` is not one of the three, or
            ``segment`` does not divide the depth.

    Examples:
        >>> import jax
        >>> import jax.numpy as jnp
        >>> from autodiff_cookbook.examples.checkpointing import init_residual_stack, residual_stack
        >>> params = init_residual_stack(jax.random.key(0), 16, 4, 8)
        >>> x = jnp.ones((2, 4))
        >>> outs = [residual_stack(x, params, mode) for mode in ("none", "step", "sqrt")]
        >>> print(all(bool(jnp.array_equal(outs[0], o)) for o in outs))
        True
    """
    if checkpointing not in _MODES:
        msg = f"checkpointing must be one of {_MODES}, got {checkpointing!r}."
        raise ValueError(msg)
    x = jnp.asarray(x)
    if checkpointing == "none":
        return _scan_layers(residual_block, x, params)
    remat = jax.checkpoint(residual_block, policy=policy)
    if checkpointing == "step":
        return _scan_layers(remat, x, params)
    depth = params["w1"].shape[0]
    length = sqrt_segment_length(depth) if segment is None else segment
    if length < 1 or depth % length:
        msg = (
            f"segment must be a divisor of the depth {depth}, got {length}; "
            "omit it to use sqrt_segment_length(depth)."
        )
        raise ValueError(msg)
    segments = jax.tree.map(
        lambda w: w.reshape(depth // length, length, *w.shape[1:]), params
    )

    def run_segment(x: Array, segment_params: Params) -> Array:
        return _scan_layers(residual_block, x, segment_params)

    return _scan_layers(jax.checkpoint(run_segment, policy=policy), x, segments)


def stack_loss(
    params: Params,
    x: ArrayLike,
    checkpointing: Checkpointing = "none",
    **options: int | Callable[..., bool] | None,
) -> Array:
    r"""Return :math:`\tfrac12 \operatorname{mean}(x_n^2)` after the stack.

    Args:
        params: the stacked weights of :func:`init_residual_stack`.
        x: the input states, shape ``(batch, width)``.
        checkpointing: as for :func:`residual_stack`.
        **options: ``segment`` and ``policy``, passed to :func:`residual_stack`.

    Returns:
        A scalar.

    Examples:
        >>> import jax
        >>> import jax.numpy as jnp
        >>> from autodiff_cookbook.examples.checkpointing import init_residual_stack, stack_loss
        >>> params = init_residual_stack(jax.random.key(0), 4, 3, 6)
        >>> print(f"{float(stack_loss(params, jnp.zeros((2, 3)))):.1f}")
        0.0
    """
    out = residual_stack(x, params, checkpointing, **options)  # type: ignore[arg-type]
    return 0.5 * jnp.mean(out**2)


def gradient_temp_bytes(f: Callable[..., PyTree], *args: PyTree) -> int:
    """Return the scratch memory XLA allocates for one call of ``jax.jit(f)``.

    This is ``temp_size_in_bytes`` of the compiled program's
    ``memory_analysis()``: the buffers the program needs beyond its
    arguments and outputs, which for a gradient are mostly the saved
    residuals of the forward pass. The program is compiled (not run); the
    compilation is cached, so timing the same function afterwards with
    :func:`~autodiff_cookbook.examples.timing.time_jitted` does not compile it
    again.

    Args:
        f: the function, typically ``jax.grad(loss)``.
        *args: arguments to compile it for.

    Returns:
        The number of bytes.

    Raises:
        RuntimeError: if the backend reports no memory analysis.

    Examples:
        >>> import jax
        >>> import jax.numpy as jnp
        >>> from autodiff_cookbook.examples.checkpointing import gradient_temp_bytes
        >>> def f(x):
        ...     return jnp.sum(jnp.tanh(jnp.tanh(x)))
        >>> print(gradient_temp_bytes(jax.grad(f), jnp.ones(1000)) >= 0)
        True
    """
    analysis = jax.jit(f).lower(*args).compile().memory_analysis()
    if analysis is None:
        msg = "this backend reports no memory analysis for compiled programs."
        raise RuntimeError(msg)
    return int(analysis.temp_size_in_bytes)
