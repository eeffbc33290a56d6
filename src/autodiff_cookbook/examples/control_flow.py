r"""The functions of the page *Loops and control flow*: one recurrence, four loops.

The recurrence is an explicit Euler step of the ODE :math:`\dot x = \tanh(W x + b)`,

.. math::

    x_{t+1} = x_t + h \tanh(W x_t + b), \qquad t = 0, \dots, T - 1,

and the loss is :math:`L = \tfrac12 \|x_T\|^2`. The same rollout is written four
ways, as a Python loop (:func:`rollout_python`, unrolled when traced),
:func:`jax.lax.fori_loop` (:func:`rollout_fori`), :func:`jax.lax.scan`
(:func:`rollout_scan`) and :func:`jax.lax.while_loop` (:func:`rollout_while`);
:func:`adjoint_gradient` is its gradient derived by hand (the discrete adjoint
method). The branches of the page: :func:`sqrt_or_zero_where` puts a NaN in the
gradient at :math:`x \le 0`, :func:`sqrt_or_zero_double_where` and
:func:`sqrt_or_zero_cond` do not. :func:`measure_compile` times
``jax.jit(f).lower(*args).compile()`` and reads the compiled program's memory.
"""

from __future__ import annotations

import contextlib
import dataclasses
import io
import math
import re
import time
from collections.abc import Callable

import jax
import jax.numpy as jnp
from jax import Array
from jax.ad_checkpoint import print_saved_residuals
from jax.typing import ArrayLike

from .._types import PyTree

__all__ = [
    "ROLLOUTS",
    "CompileMeasurement",
    "adjoint_gradient",
    "euler_step",
    "final_loss",
    "measure_compile",
    "rollout_fori",
    "rollout_python",
    "rollout_scan",
    "rollout_while",
    "saved_residuals",
    "sqrt_or_zero_cond",
    "sqrt_or_zero_double_where",
    "sqrt_or_zero_where",
]

Rollout = Callable[[ArrayLike, ArrayLike, ArrayLike, float, int], Array]


def euler_step(x: ArrayLike, w: ArrayLike, b: ArrayLike, h: float) -> Array:
    r"""Return one explicit Euler step, :math:`x + h \tanh(W x + b)`.

    Examples:
        >>> import jax.numpy as jnp
        >>> from autodiff_cookbook.examples.control_flow import euler_step
        >>> print(euler_step(jnp.zeros(2), jnp.eye(2), jnp.array([0.0, 1.0]), 0.5))
        [0.        0.3807971]
    """
    x, w, b = jnp.asarray(x), jnp.asarray(w), jnp.asarray(b)
    return x + h * jnp.tanh(w @ x + b)


def _check_steps(steps: int) -> int:
    given: object = steps  # checked as an object: callers may pass anything
    if isinstance(given, bool) or not isinstance(given, int) or steps < 0:
        msg = f"steps must be a Python int >= 0 (the trip count is static), got {steps!r}."
        raise ValueError(msg)
    return steps


def rollout_python(
    x0: ArrayLike, w: ArrayLike, b: ArrayLike, h: float, steps: int
) -> Array:
    """Return :math:`x_T` after ``steps`` Euler steps, by a Python ``for`` loop.

    Under :func:`jax.jit` or :func:`jax.grad` the loop runs while tracing, so
    the program holds ``steps`` copies of the step: it is *unrolled*.

    Examples:
        >>> import jax.numpy as jnp
        >>> from autodiff_cookbook.examples.control_flow import rollout_python
        >>> print(rollout_python(jnp.zeros(2), jnp.eye(2), jnp.array([0.0, 1.0]), 0.5, 3))
        [0.        1.2958488]
    """
    x = jnp.asarray(x0)
    for _ in range(_check_steps(steps)):
        x = euler_step(x, w, b, h)
    return x


def rollout_fori(
    x0: ArrayLike, w: ArrayLike, b: ArrayLike, h: float, steps: int
) -> Array:
    """Return :math:`x_T` by :func:`jax.lax.fori_loop` with a static trip count.

    With Python integers as bounds, ``fori_loop`` is lowered to
    :func:`jax.lax.scan`, so reverse mode works; with traced bounds it becomes a
    ``while_loop``, and reverse mode does not.

    Examples:
        >>> import jax.numpy as jnp
        >>> from autodiff_cookbook.examples.control_flow import rollout_fori
        >>> print(rollout_fori(jnp.zeros(2), jnp.eye(2), jnp.array([0.0, 1.0]), 0.5, 3))
        [0.        1.2958488]
    """
    return jax.lax.fori_loop(  # type: ignore[no-any-return]
        0, _check_steps(steps), lambda _, x: euler_step(x, w, b, h), jnp.asarray(x0)
    )


def rollout_scan(
    x0: ArrayLike, w: ArrayLike, b: ArrayLike, h: float, steps: int
) -> Array:
    """Return :math:`x_T` by :func:`jax.lax.scan`: one compiled step, run ``steps`` times.

    Examples:
        >>> import jax.numpy as jnp
        >>> from autodiff_cookbook.examples.control_flow import rollout_scan
        >>> print(rollout_scan(jnp.zeros(2), jnp.eye(2), jnp.array([0.0, 1.0]), 0.5, 3))
        [0.        1.2958488]
    """

    def body(x: Array, _: None) -> tuple[Array, None]:
        return euler_step(x, w, b, h), None

    x, _ = jax.lax.scan(body, jnp.asarray(x0), length=_check_steps(steps))
    return x


def rollout_while(
    x0: ArrayLike, w: ArrayLike, b: ArrayLike, h: float, steps: int
) -> Array:
    """Return :math:`x_T` by :func:`jax.lax.while_loop`, counting the steps in the carry.

    Forward mode (:func:`jax.jvp`, :func:`jax.jacfwd`) works through it; reverse
    mode (:func:`jax.grad`) raises ``ValueError``, because a while loop does not
    know its trip count in advance and so cannot allocate room for what reverse
    mode has to save at each step.

    Examples:
        >>> import jax.numpy as jnp
        >>> from autodiff_cookbook.examples.control_flow import rollout_while
        >>> print(rollout_while(jnp.zeros(2), jnp.eye(2), jnp.array([0.0, 1.0]), 0.5, 3))
        [0.        1.2958488]
    """
    steps = _check_steps(steps)

    def cond(carry: tuple[Array, Array]) -> Array:
        return carry[0] < steps

    def body(carry: tuple[Array, Array]) -> tuple[Array, Array]:
        t, x = carry
        return t + 1, euler_step(x, w, b, h)

    _, x = jax.lax.while_loop(cond, body, (jnp.asarray(0), jnp.asarray(x0)))
    return x


ROLLOUTS: dict[str, Rollout] = {
    "Python loop": rollout_python,
    "fori_loop": rollout_fori,
    "scan": rollout_scan,
    "while_loop": rollout_while,
}
"""The four loops of the page, by name, each ``(x0, w, b, h, steps) -> x_T``."""


def final_loss(
    rollout: Rollout, params: dict[str, ArrayLike], h: float, steps: int
) -> Array:
    r"""Return :math:`L = \tfrac12 \|x_T\|^2` for ``params = {"x0", "W", "b"}``.

    Examples:
        >>> import jax.numpy as jnp
        >>> from autodiff_cookbook.examples.control_flow import final_loss, rollout_scan
        >>> p = {"x0": jnp.array([1.0, 0.0]), "W": jnp.eye(2), "b": jnp.zeros(2)}
        >>> print(f"{final_loss(rollout_scan, p, 0.5, 0):.3f}")
        0.500
    """
    x = rollout(params["x0"], params["W"], params["b"], h, steps)
    return 0.5 * jnp.sum(x**2)


def adjoint_gradient(
    params: dict[str, ArrayLike], h: float, steps: int
) -> dict[str, Array]:
    r"""Return the gradient of :func:`final_loss` by the discrete adjoint method.

    With :math:`s_t = 1 - \tanh^2(W x_t + b)` and the adjoint
    :math:`\lambda_t = \partial L / \partial x_t`, the chain rule through one
    step, :math:`\partial x_{t+1} / \partial x_t = I + h \operatorname{diag}(s_t) W`,
    runs backwards from :math:`\lambda_T = x_T`:

    .. math::

        \lambda_t = \lambda_{t+1} + h W^\top (s_t \odot \lambda_{t+1}), \qquad
        \frac{\partial L}{\partial W} = h \sum_t (s_t \odot \lambda_{t+1}) x_t^\top, \qquad
        \frac{\partial L}{\partial b} = h \sum_t s_t \odot \lambda_{t+1},

    and :math:`\partial L / \partial x_0 = \lambda_0`. The forward sweep keeps
    every :math:`x_t`, as reverse mode does: memory grows with ``steps``.

    Examples:
        >>> import jax
        >>> import jax.numpy as jnp
        >>> from autodiff_cookbook.examples.control_flow import (
        ...     adjoint_gradient, final_loss, rollout_scan)
        >>> p = {"x0": jnp.array([1.0, -1.0]), "W": jnp.array([[0.5, 1.0], [-1.0, 0.2]]),
        ...      "b": jnp.array([0.1, 0.0])}
        >>> g = adjoint_gradient(p, 0.1, 5)
        >>> ad = jax.grad(lambda p: final_loss(rollout_scan, p, 0.1, 5))(p)
        >>> print(max(float(jnp.max(jnp.abs(g[k] - ad[k]))) for k in p) < 1e-6)
        True
    """
    steps = _check_steps(steps)
    x0, w, b = (jnp.asarray(params[k]) for k in ("x0", "W", "b"))

    def forward(x: Array, _: None) -> tuple[Array, Array]:
        return euler_step(x, w, b, h), x

    x_final, xs = jax.lax.scan(forward, x0, length=steps)  # xs[t] = x_t

    def backward(
        carry: tuple[Array, Array, Array], x: Array
    ) -> tuple[tuple[Array, Array, Array], None]:
        lam, gw, gb = carry
        s = 1 - jnp.tanh(w @ x + b) ** 2
        sl = s * lam
        return (lam + h * (w.T @ sl), gw + h * jnp.outer(sl, x), gb + h * sl), None

    init = (x_final, jnp.zeros_like(w), jnp.zeros_like(b))
    (lam0, gw, gb), _ = jax.lax.scan(backward, init, xs, reverse=True)
    return {"x0": lam0, "W": gw, "b": gb}


def sqrt_or_zero_where(x: ArrayLike) -> Array:
    r"""Return :math:`\sum_i \sqrt{x_i}` over the positive :math:`x_i`, by one ``jnp.where``.

    The value is right everywhere; the gradient is NaN wherever
    :math:`x_i \le 0`: ``jnp.sqrt`` runs on every element, and its derivative
    there (:math:`\infty` at 0, NaN below) is multiplied by the zero cotangent
    that ``where`` sends to the branch not taken, and :math:`0 \cdot \infty`
    is NaN.

    Examples:
        >>> import jax
        >>> import jax.numpy as jnp
        >>> from autodiff_cookbook.examples.control_flow import sqrt_or_zero_where
        >>> x = jnp.array([-1.0, 0.0, 4.0])
        >>> print(sqrt_or_zero_where(x), jax.grad(sqrt_or_zero_where)(x))
        2.0 [ nan  nan 0.25]
    """
    x = jnp.asarray(x)
    return jnp.sum(jnp.where(x > 0, jnp.sqrt(x), 0.0))


def sqrt_or_zero_double_where(x: ArrayLike) -> Array:
    """Return the sum of :func:`sqrt_or_zero_where`, with a finite gradient everywhere.

    The *double where*: a first ``where`` replaces the inputs of the branch not
    taken by a safe value (1.0), so ``sqrt`` and its derivative stay finite
    there, and the second ``where`` selects as before.

    Examples:
        >>> import jax
        >>> import jax.numpy as jnp
        >>> from autodiff_cookbook.examples.control_flow import sqrt_or_zero_double_where
        >>> x = jnp.array([-1.0, 0.0, 4.0])
        >>> print(sqrt_or_zero_double_where(x), jax.grad(sqrt_or_zero_double_where)(x))
        2.0 [0.   0.   0.25]
    """
    x = jnp.asarray(x)
    positive = x > 0
    safe = jnp.where(positive, x, 1.0)
    return jnp.sum(jnp.where(positive, jnp.sqrt(safe), 0.0))


def sqrt_or_zero_cond(x: ArrayLike) -> Array:
    r"""Return :math:`\sqrt{x}` for a scalar :math:`x > 0`, else 0, by :func:`jax.lax.cond`.

    ``cond`` takes a scalar predicate; map it over an array with
    :func:`jax.vmap`. Its gradient is finite at :math:`x \le 0`: only the
    derivative of the branch taken reaches the result.

    Examples:
        >>> import jax
        >>> import jax.numpy as jnp
        >>> from autodiff_cookbook.examples.control_flow import sqrt_or_zero_cond
        >>> print(jax.vmap(jax.grad(sqrt_or_zero_cond))(jnp.array([-1.0, 0.0, 4.0])))
        [0.   0.   0.25]
    """
    return jax.lax.cond(jnp.asarray(x) > 0, jnp.sqrt, jnp.zeros_like, jnp.asarray(x))  # type: ignore[no-any-return]


@dataclasses.dataclass(frozen=True)
class CompileMeasurement:
    """What :func:`measure_compile` measured of one program.

    Attributes:
        seconds: the fastest of the repeats of ``jax.jit(f).lower(*args).compile()``
            (tracing, lowering and XLA compilation), in seconds.
        temp_bytes: the compiled program's scratch memory, ``temp_size_in_bytes``
            of its ``memory_analysis()``: the buffers it allocates while running,
            besides its arguments and outputs (for a gradient, mostly the saved
            residuals).
        argument_bytes: the size of its arguments, in bytes.
        output_bytes: the size of its outputs, in bytes.
    """

    seconds: float
    temp_bytes: int
    argument_bytes: int
    output_bytes: int


def measure_compile(
    make: Callable[[], Callable[..., PyTree]], *args: PyTree, repeats: int = 3
) -> CompileMeasurement:
    """Time ``jax.jit(make()).lower(*args).compile()`` and read the program's memory.

    ``make`` is called once per repeat, so that each repeat traces a new
    function: JAX's in-memory caches cannot serve a repeat. While measuring,
    nothing is written to JAX's persistent compilation cache (its minimum
    compile time is raised), so a rebuild measures the compiler, not the cache.
    The fastest repeat is kept: compiling is deterministic work, and anything
    slower was disturbed by other processes.

    Args:
        make: returns the function to compile (e.g. a gradient).
        *args: example arguments (only their shapes and dtypes matter).
        repeats: how many times to compile, at least 1.

    Returns:
        A :class:`CompileMeasurement`.

    Raises:
        ValueError: if ``repeats`` is less than 1.

    Examples:
        >>> import jax
        >>> import jax.numpy as jnp
        >>> from autodiff_cookbook.examples.control_flow import measure_compile
        >>> m = measure_compile(lambda: jax.grad(lambda x: jnp.sin(x).sum()), jnp.ones(1000))
        >>> print(0 < m.seconds < 60, m.argument_bytes, m.output_bytes)
        True 4000 4000
    """
    if repeats < 1:
        msg = f"repeats must be at least 1, got {repeats}."
        raise ValueError(msg)
    option = "jax_persistent_cache_min_compile_time_secs"
    before = getattr(jax.config, option)
    jax.config.update(option, math.inf)  # type: ignore[no-untyped-call]
    try:
        times = []
        for _ in range(repeats):
            f = make()
            start = time.perf_counter()
            compiled = jax.jit(f).lower(*args).compile()
            times.append(time.perf_counter() - start)
    finally:
        jax.config.update(option, before)  # type: ignore[no-untyped-call]
    memory = compiled.memory_analysis()
    if memory is None:
        msg = (
            f"the {jax.default_backend()} backend reports no memory analysis of "
            "compiled programs; measure on the CPU."
        )
        raise RuntimeError(msg)
    return CompileMeasurement(
        seconds=min(times),
        temp_bytes=int(memory.temp_size_in_bytes),
        argument_bytes=int(memory.argument_size_in_bytes),
        output_bytes=int(memory.output_size_in_bytes),
    )


# What reverse mode saves, as printed lines without source locations.
_LOCATION = re.compile(r" from .+:\d+(?::\d+)? \([^()]*\)$")


def saved_residuals(
    f: Callable[..., PyTree], *args: PyTree, locations: bool = True
) -> list[str]:
    """Return the lines ``jax.ad_checkpoint.print_saved_residuals`` prints.

    Each line names one array that reverse mode saves from the forward pass of
    ``f(*args)``: its type and shape, and where it comes from (``from the
    argument x``, ``output of tanh from file:line``, ``named 'hidden'`` for a
    value tagged with ``jax.ad_checkpoint.checkpoint_name``).

    Args:
        f: a function that :func:`jax.vjp` can differentiate.
        *args: arguments to trace it with.
        locations: keep the source location (``from file.py:12:8 (fn)``) at the
            end of a line; ``False`` drops it.

    Returns:
        The printed lines, in order.

    Examples:
        >>> import jax.numpy as jnp
        >>> from autodiff_cookbook.examples.control_flow import saved_residuals
        >>> for line in saved_residuals(
        ...     lambda x: jnp.sum(jnp.sin(x)), jnp.ones(3), locations=False
        ... ):
        ...     print(line)
        f32[3] output of cos
    """
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        print_saved_residuals(f, *args)  # type: ignore[no-untyped-call]
    lines = [line for line in buffer.getvalue().splitlines() if line.strip()]
    if not locations:
        lines = [_LOCATION.sub("", line) for line in lines]
    return lines
