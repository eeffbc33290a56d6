r"""The Taylor-remainder test: check a gradient by how fast a first-order model improves.

If :math:`g = \nabla f(x)`, then along a unit direction :math:`v` the remainder of
the first-order Taylor model,

.. math::

    r(h) = \bigl| f(x + h v) - f(x) - h \langle g, v \rangle \bigr| = O(h^2),

so on a log-log plot against the step :math:`h` it is a line of slope 2. With a
wrong gradient the term :math:`h \langle \nabla f(x) - g, v \rangle` is left
over and the slope drops to 1. :func:`taylor_test` evaluates :math:`r(h)` on a
log grid of steps from :math:`10^{-8}` to 1 and fits the slope on the straightest
window of two decades: at the smallest steps rounding error takes over
(:math:`r(h)` stops falling and turns noisy), at the largest higher-order terms
bend the line, and the straightest stretch lies between. Remainders below ten
machine epsilons of the values of :math:`f` involved are rounding error, and left
out of the fit.

Unlike comparing with finite differences, the test needs no tolerance: it looks
at the order of the error, not its size.

Examples:
    >>> import jax.numpy as jnp
    >>> from autodiff_cookbook import taylor_test
    >>> def f(x):
    ...     return (x @ x) ** 2
    >>> x = jnp.array([1.0, -2.0, 0.5])
    >>> right = taylor_test(f, lambda x: 4 * (x @ x) * x, x)
    >>> wrong = taylor_test(f, lambda x: 2 * (x @ x) * x, x)
    >>> print(f"{right.slope:.1f} {right.ok}; {wrong.slope:.1f} {wrong.ok}")
    2.0 True; 1.0 False
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable
from typing import TYPE_CHECKING

import jax
import jax.numpy as jnp
import numpy as np

from ._types import DTypeLike, Float64Array, KeyLike, PyTree
from ._util import (
    as_key,
    computing_in,
    require_floating,
    same_layout,
    tree_norm,
    tree_vdot,
)

if TYPE_CHECKING:  # matplotlib is optional (the ``plots`` extra)
    from matplotlib.axes import Axes

__all__ = ["TaylorResult", "taylor_test"]

#: Steps per decade of the grid, and the width of the fitting window in decades.
_PER_DECADE = 4
_WINDOW_DECADES = 2


@dataclasses.dataclass(frozen=True, eq=False, slots=True)
class TaylorResult:
    """The outcome of :func:`taylor_test`.

    Attributes:
        steps: the steps :math:`h`, a NumPy array on a log grid from 1e-8 to 1.
        errors: the remainders :math:`|f(x + hv) - f(x) - h \\langle g, v\\rangle|`.
        slope: the slope of :math:`\\log r` against :math:`\\log h`, fitted on the
            straightest window of remainders above rounding level; about 2 for
            a right gradient, 1 for a wrong one, NaN when every remainder is at
            rounding level (f is linear along the direction).
        window: ``(start, stop)`` indices of that window in :attr:`steps`.
        ok: whether the slope is at least 1.8 (a right gradient; more than 2 when
            the second-order term vanishes along the direction), or every
            remainder is at rounding level.
        directional_derivative: :math:`\\langle g, v \\rangle` from the gradient tested.
        dtype: the dtype of the computation, e.g. ``"float64"``.

    Examples:
        >>> import jax.numpy as jnp
        >>> from autodiff_cookbook import taylor_test
        >>> r = taylor_test(jnp.sin, jnp.cos, jnp.array(0.3))
        >>> print(r.steps.size, f"{r.slope:.1f}", bool(r))
        33 2.0 True
    """

    steps: Float64Array
    errors: Float64Array
    slope: float
    window: tuple[int, int]
    ok: bool
    directional_derivative: float
    dtype: str

    def __bool__(self) -> bool:
        return self.ok

    def plot(self, ax: Axes | None = None, *, label: str | None = None) -> Axes:
        """Plot the remainders against the steps on log-log axes.

        The fitted window is drawn as a dashed line labelled with its slope.
        Needs matplotlib (the ``plots`` extra).

        Args:
            ax: a matplotlib ``Axes``; a new figure's when omitted.
            label: the legend label of the curve.

        Returns:
            The ``Axes``.

        Raises:
            ImportError: if matplotlib is not installed.

        Examples:
            >>> import jax.numpy as jnp
            >>> import matplotlib
            >>> matplotlib.use("Agg")
            >>> import matplotlib.pyplot as plt
            >>> from autodiff_cookbook import taylor_test
            >>> fig, ax = plt.subplots()
            >>> ax = taylor_test(jnp.sin, jnp.cos, jnp.array(0.3)).plot(ax, label="cos")
            >>> print(ax.get_xscale(), ax.get_yscale())
            log log
            >>> plt.close(fig)
        """
        try:
            import matplotlib.pyplot as plt
        except ImportError as err:  # pragma: no cover - depends on the environment
            msg = "TaylorResult.plot needs matplotlib: pip install 'autodiff-cookbook[plots]'."
            raise ImportError(msg) from err
        if ax is None:
            _, ax = plt.subplots(figsize=(6, 4))
        positive = self.errors > 0
        (line,) = ax.loglog(
            self.steps[positive],
            self.errors[positive],
            marker="o",
            markersize=3,
            linewidth=1,
            label=label,
        )
        if math.isfinite(self.slope):
            start, stop = self.window
            h = self.steps[start:stop]
            logs = np.log10(self.errors[start:stop])
            intercept = float(np.mean(logs - self.slope * np.log10(h)))
            ax.loglog(
                h,
                10 ** (intercept + self.slope * np.log10(h)) * 3,
                linestyle="--",
                color=line.get_color(),
                linewidth=1,
            )
            middle = h[len(h) // 2]
            ax.annotate(
                f"slope {self.slope:.2f}",
                (middle, 10 ** (intercept + self.slope * np.log10(middle)) * 3),
                textcoords="offset points",
                xytext=(-40, 8),
                color=line.get_color(),
            )
        ax.set_xlabel("step $h$")
        ax.set_ylabel(r"$|f(x + hv) - f(x) - h\,\langle g, v\rangle|$")
        if label is not None:
            ax.legend()
        return ax


def _fit_slope(
    steps: Float64Array,
    errors: Float64Array,
    usable: np.ndarray[tuple[int], np.dtype[np.bool_]],
) -> tuple[float, tuple[int, int]]:
    """The slope on the straightest window of ``log errors`` against ``log steps``.

    Only windows of usable points (finite, above rounding level) count; when no
    full window exists, the longest run of at least three usable points is used.
    """
    log_h, log_e = np.log10(steps), np.log10(np.where(usable, errors, 1.0))
    width = _WINDOW_DECADES * _PER_DECADE + 1
    runs, start = [], None
    for i, u in enumerate([*usable, False]):
        if u and start is None:
            start = i
        elif not u and start is not None:
            runs.append((start, i))
            start = None
    windows = [
        (begin, begin + width)
        for first, last in runs
        for begin in range(first, last - width + 1)
    ]
    if not windows:
        longest = max(runs, key=lambda r: r[1] - r[0], default=(0, 0))
        windows = [longest] if longest[1] - longest[0] >= 3 else []
    best = (math.inf, math.nan, (0, 0))
    for begin, end in windows:
        h, e = log_h[begin:end], log_e[begin:end]
        slope, intercept = np.polyfit(h, e, 1)
        residual = float(np.max(np.abs(e - (slope * h + intercept))))
        if residual < best[0]:
            best = (residual, float(slope), (begin, end))
    return best[1], best[2]


def taylor_test(
    f: Callable[[PyTree], PyTree],
    grad_f: Callable[[PyTree], PyTree],
    x: PyTree,
    direction: PyTree | None = None,
    *,
    key: KeyLike = 0,
    dtype: DTypeLike | None = None,
) -> TaylorResult:
    r"""Run the Taylor-remainder test of a gradient at one point.

    Args:
        f: a scalar function of one input (an array or a pytree of arrays).
        grad_f: the gradient to test, shaped like the input.
        x: the point, an array (or pytree) of floats.
        direction: the direction :math:`v`, shaped like ``x``; a random one (from
            ``key``) when omitted. It is scaled to unit norm.
        key: a JAX PRNG key or an integer seed, for the random direction.
        dtype: the floating-point dtype of the computation; float64 when omitted
            (inside ``jax.enable_x64(True)``, without changing JAX's global
            configuration).

    Returns:
        A :class:`TaylorResult`, truthy when the gradient passed.

    Raises:
        TypeError: if ``x`` or ``dtype`` is not floating point, ``f`` does not
            return a scalar, or ``grad_f`` returns a structure or shapes unlike ``x``.
        ValueError: if ``direction`` has a structure or shapes unlike ``x``, or is zero.

    Examples:
        >>> import jax.numpy as jnp
        >>> from autodiff_cookbook import taylor_test
        >>> x = jnp.array([[2.0, 1.0], [0.5, 3.0]])
        >>> r = taylor_test(
        ...     lambda a: -jnp.log(jnp.linalg.det(a)), lambda a: -jnp.linalg.inv(a).T, x
        ... )
        >>> print(f"{r.slope:.1f}", r.ok)
        2.0 True
    """
    require_floating(
        x, "x holds", "only floating-point inputs can be differentiated: pass floats."
    )
    with computing_in(dtype) as dt:
        x = jax.tree_util.tree_map(lambda a: jnp.asarray(a, dt), x)
        if direction is None:
            leaves, treedef = jax.tree_util.tree_flatten(x)
            keys = jax.random.split(as_key(key), len(leaves))
            direction = jax.tree_util.tree_unflatten(
                treedef,
                [
                    jax.random.normal(k, jnp.shape(a), dt)
                    for k, a in zip(keys, leaves, strict=True)
                ],
            )
        direction = jax.tree_util.tree_map(lambda a: jnp.asarray(a, dt), direction)
        if not same_layout(direction, x):
            msg = "direction must have the structure and shapes of x."
            raise ValueError(msg)
        norm = float(tree_norm(direction))
        if not norm > 0 or not math.isfinite(norm):
            msg = f"direction must be finite and nonzero, its norm is {norm}."
            raise ValueError(msg)
        v = jax.tree_util.tree_map(lambda a: a / norm, direction)
        y = jax.eval_shape(f, x)
        if not (isinstance(y, jax.ShapeDtypeStruct) and y.shape == ()):
            msg = f"f must return a scalar, but it returned {y}; reduce it, e.g. with .sum()."
            raise TypeError(msg)
        g = jax.eval_shape(grad_f, x)
        if not same_layout(g, x):
            msg = (
                f"grad_f returned {g}, but the gradient has the structure and shapes of "
                "x; return one array shaped like each leaf of x."
            )
            raise TypeError(msg)
        steps = np.logspace(-8, 0, 8 * _PER_DECADE + 1)

        @jax.jit
        def remainders(
            x: PyTree, v: PyTree, h: jax.Array
        ) -> tuple[jax.Array, jax.Array, jax.Array, jax.Array]:
            f0 = f(x)
            slope = tree_vdot(grad_f(x), v)
            moved = jax.lax.map(
                lambda step: f(jax.tree_util.tree_map(lambda a, b: a + step * b, x, v)),
                h,
            )
            return jnp.abs(moved - f0 - h * slope), slope, f0, moved

        errors, slope_term, f0, moved = jax.device_get(
            remainders(x, v, jnp.asarray(steps, dt))
        )
    errors = np.asarray(errors, dtype=np.float64)
    # Below this, a remainder is rounding error in evaluating f, not a Taylor term.
    eps = float(np.finfo(dt).eps)
    rounding = (
        10 * eps * (abs(float(f0)) + np.abs(moved) + steps * abs(float(slope_term)))
    )
    usable = np.isfinite(errors) & (errors > rounding)
    slope, window = _fit_slope(steps, errors, usable)
    if math.isfinite(slope):
        ok = slope >= 1.8
    else:  # every remainder at rounding level: the model is exact up to rounding
        ok = bool(np.all(np.isfinite(errors) & ~usable))
    return TaylorResult(
        steps=steps,
        errors=errors,
        slope=slope,
        window=window,
        ok=bool(ok),
        directional_derivative=float(slope_term),
        dtype=str(dt),
    )
