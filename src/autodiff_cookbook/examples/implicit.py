r"""The functions of the page *Implicit differentiation*: derivatives of solutions, without unrolling.

A solver returns :math:`x^\star(\theta)`, defined implicitly by
:math:`F(x^\star(\theta), \theta) = 0`. Differentiating the solver's iterations
(*unrolling*) stores every iterate for reverse mode; the implicit function
theorem gives the same derivative from the solution alone,

.. math::

    \frac{\partial x^\star}{\partial \theta}
    = -\Bigl(\frac{\partial F}{\partial x}\Bigr)^{-1} \frac{\partial F}{\partial \theta},
    \qquad
    \bar\theta = -\Bigl(\frac{\partial F}{\partial \theta}\Bigr)^{\!\top} u,
    \quad \Bigl(\frac{\partial F}{\partial x}\Bigr)^{\!\top} u = \bar x,

one linear solve per vector-Jacobian product. :func:`implicit_solution` is that
rule as a :class:`jax.custom_vjp`; the three examples of the page use it:

- a fixed point :math:`x = \tanh(W x + b)` (:func:`tanh_fixed_point`, solved by
  :func:`iterate_tanh`, with :func:`contraction` to make :math:`W` a contraction),
- Newton's square root (:func:`newton_sqrt`, implicit through
  :func:`jax.lax.custom_root` in :func:`newton_sqrt_implicit`),
- ridge regression solved by gradient descent (:func:`ridge_gradient_descent`,
  :func:`ridge_implicit`), whose closed form is :func:`ridge_closed_form`.
"""

from __future__ import annotations

import functools
from collections.abc import Callable

import jax
import jax.numpy as jnp
from jax import Array
from jax.typing import ArrayLike

from .._types import PyTree

__all__ = [
    "contraction",
    "implicit_solution",
    "iterate_tanh",
    "newton_sqrt",
    "newton_sqrt_implicit",
    "ridge_closed_form",
    "ridge_descent_until",
    "ridge_gradient_descent",
    "ridge_implicit",
    "ridge_implicit_until",
    "ridge_optimality",
    "ridge_step_size",
    "tanh_fixed_point",
    "tanh_residual",
]


# --- The implicit rule ---------------------------------------------------------


@functools.partial(jax.custom_vjp, nondiff_argnums=(0, 1))
def implicit_solution(
    residual: Callable[[Array, PyTree], Array],
    solver: Callable[[PyTree], Array],
    theta: PyTree,
) -> Array:
    r"""Return ``solver(theta)``, differentiated in reverse mode by the implicit function theorem.

    ``solver(theta)`` must return (an approximation of) the vector
    :math:`x^\star` with ``residual(x, theta)`` :math:`= F(x^\star, \theta) = 0`.
    Going forward, only the solution and :math:`\theta` are kept, however
    many iterations the solver ran. Going backward, the cotangent
    :math:`\bar x` is turned into :math:`\bar\theta = -(\partial F / \partial
    \theta)^\top u` with one linear solve, :math:`(\partial F / \partial x)^\top
    u = \bar x`, by :func:`jax.numpy.linalg.solve` on the Jacobian
    :math:`\partial F / \partial x` (an :math:`n \times n` matrix, built with
    :func:`jax.jacfwd`). The solver itself is never differentiated, so it may
    be any code, a :func:`jax.lax.while_loop` included.

    Being a :class:`jax.custom_vjp`, it supports reverse mode only
    (:func:`jax.grad`, :func:`jax.vjp`), not :func:`jax.jvp`.

    Args:
        residual: :math:`F(x, \theta)`, from a vector ``x`` and ``theta`` to a
            vector shaped like ``x``, differentiable in both.
        solver: from ``theta`` to the solution ``x``; static (a function
            defined at module level or a :func:`functools.partial` of one).
        theta: the parameters, any pytree of arrays.

    Returns:
        ``solver(theta)``.

    Examples:
        >>> import jax
        >>> import jax.numpy as jnp
        >>> from autodiff_cookbook.examples.implicit import implicit_solution
        >>> def cube_root(a):  # solves x**3 - a = 0 by bisection: no useful derivative
        ...     lo, hi = jnp.zeros_like(a), jnp.maximum(a, 1.0)
        ...     for _ in range(60):
        ...         mid = (lo + hi) / 2
        ...         lo, hi = jnp.where(mid**3 < a, mid, lo), jnp.where(mid**3 < a, hi, mid)
        ...     return (lo + hi) / 2
        >>> root = lambda a: implicit_solution(lambda x, a: x**3 - a, cube_root, a)
        >>> a = jnp.array([8.0, 27.0])
        >>> print(root(a), jax.grad(lambda a: root(a).sum())(a))  # 1 / (3 x^2)
        [2. 3.] [0.08333334 0.03703704]
    """
    del residual  # used by the backward pass only
    return solver(theta)


def _implicit_fwd(
    residual: Callable[[Array, PyTree], Array],
    solver: Callable[[PyTree], Array],
    theta: PyTree,
) -> tuple[Array, tuple[Array, PyTree]]:
    del residual  # used by the backward pass only
    x = solver(theta)
    return x, (x, theta)  # the residuals: the solution, not the iterations


def _implicit_bwd(
    residual: Callable[[Array, PyTree], Array],
    solver: Callable[[PyTree], Array],
    saved: tuple[Array, PyTree],
    x_bar: Array,
) -> tuple[PyTree]:
    del solver
    x, theta = saved
    dF_dx = jax.jacfwd(residual)(x, theta)  # the n x n Jacobian dF/dx at the solution
    u = jnp.linalg.solve(dF_dx.T, x_bar)  # one linear solve: (dF/dx)^T u = x_bar
    _, pullback = jax.vjp(lambda t: residual(x, t), theta)
    (theta_bar,) = pullback(-u)  # theta_bar = -(dF/dtheta)^T u
    return (theta_bar,)


implicit_solution.defvjp(_implicit_fwd, _implicit_bwd)


# --- (a) A fixed point x = tanh(W x + b) ------------------------------------------


def contraction(key: Array, n: int, norm: float = 0.5) -> Array:
    r"""Return a random :math:`n \times n` matrix of spectral norm ``norm``.

    Since :math:`|\tanh'| \le 1`, the map :math:`x \mapsto \tanh(W x + b)` is then
    a contraction with factor at most ``norm``, so it has one fixed point and
    iterating the map converges to it: the error shrinks by ``norm`` or
    better per iteration.

    Args:
        key: a JAX PRNG key.
        n: the size.
        norm: the spectral norm, in (0, 1) for a contraction.

    Returns:
        The matrix, in the default float dtype.

    Examples:
        >>> import jax
        >>> import jax.numpy as jnp
        >>> from autodiff_cookbook.examples.implicit import contraction
        >>> W = contraction(jax.random.key(0), 5, 0.5)
        >>> print(f"{float(jnp.linalg.norm(W, 2)):.3f}")
        0.500
    """
    g = jax.random.normal(key, (n, n))
    return norm * g / jnp.linalg.norm(g, 2)  # type: ignore[no-any-return]


def tanh_residual(x: Array, theta: tuple[Array, Array]) -> Array:
    r"""Return :math:`F(x, \theta) = x - \tanh(W x + b)` for :math:`\theta = (W, b)`.

    Args:
        x: the state, shape ``(n,)``.
        theta: the pair ``(W, b)``, shapes ``(n, n)`` and ``(n,)``.

    Returns:
        The residual, shape ``(n,)``; zero at the fixed point.

    Examples:
        >>> import jax.numpy as jnp
        >>> from autodiff_cookbook.examples.implicit import tanh_residual
        >>> print(tanh_residual(jnp.zeros(2), (jnp.eye(2), jnp.zeros(2))))
        [0. 0.]
    """
    W, b = theta
    return x - jnp.tanh(W @ x + b)


def iterate_tanh(theta: tuple[Array, Array], iterations: int) -> Array:
    r"""Iterate :math:`x_{k+1} = \tanh(W x_k + b)` from :math:`x_0 = 0`, ``iterations`` times.

    A :func:`jax.lax.fori_loop` with a fixed trip count, so reverse mode can
    differentiate it (by unrolling: it stores every iterate), unlike a
    :func:`jax.lax.while_loop`.

    Args:
        theta: the pair ``(W, b)``; ``W`` should be a contraction (:func:`contraction`).
        iterations: the number of iterations, a Python int.

    Returns:
        :math:`x_K`, shape ``(n,)``.

    Examples:
        >>> import jax
        >>> import jax.numpy as jnp
        >>> from autodiff_cookbook.examples.implicit import contraction, iterate_tanh, tanh_residual
        >>> theta = (contraction(jax.random.key(0), 4), jnp.ones(4))
        >>> x = iterate_tanh(theta, 60)
        >>> print(float(jnp.max(jnp.abs(tanh_residual(x, theta)))) < 1e-6)
        True
    """
    W, b = theta
    x0 = jnp.zeros(b.shape, dtype=jnp.result_type(W, b))
    return jax.lax.fori_loop(0, iterations, lambda _, x: jnp.tanh(W @ x + b), x0)  # type: ignore[no-any-return]


def tanh_fixed_point(theta: tuple[Array, Array], iterations: int) -> Array:
    r"""The fixed point of :math:`x = \tanh(W x + b)`, differentiated implicitly.

    The value is :func:`iterate_tanh`'s; reverse mode uses the implicit
    function theorem (:func:`implicit_solution`) with
    :math:`F = x - \tanh(W x + b)`, so it stores no iterates.

    Args:
        theta: the pair ``(W, b)``; ``W`` should be a contraction.
        iterations: the solver's number of iterations, a Python int.

    Returns:
        The fixed point, shape ``(n,)``.

    Examples:
        >>> import jax
        >>> import jax.numpy as jnp
        >>> from autodiff_cookbook.examples.implicit import contraction, iterate_tanh, tanh_fixed_point
        >>> theta = (contraction(jax.random.key(0), 4), jnp.ones(4))
        >>> def loss(solve):
        ...     return lambda theta: jnp.sum(solve(theta, 60) ** 2)
        >>> g_unrolled = jax.grad(loss(iterate_tanh))(theta)
        >>> g_implicit = jax.grad(loss(tanh_fixed_point))(theta)
        >>> print(bool(jnp.allclose(g_unrolled[1], g_implicit[1], rtol=1e-5)))
        True
    """
    solver = functools.partial(iterate_tanh, iterations=iterations)
    return implicit_solution(tanh_residual, solver, theta)


# --- (b) Newton's square root ------------------------------------------------------


def _newton_step(x: Array, a: Array) -> Array:
    return 0.5 * (x + a / x)  # x - (x**2 - a) / (2 x)


def newton_sqrt(a: ArrayLike, iterations: int = 20) -> Array:
    r"""Return :math:`\sqrt{a}` by ``iterations`` Newton steps on :math:`x^2 - a = 0`, elementwise.

    Newton's step is :math:`x \leftarrow x - (x^2 - a) / (2x) = (x + a/x)/2`,
    from :math:`x_0 = (1 + a) / 2`; the error roughly squares at each step once
    it is small. A :func:`jax.lax.fori_loop` with a fixed trip count, so
    automatic differentiation goes through the iterations.

    Args:
        a: positive numbers, any shape.
        iterations: the number of Newton steps, a Python int.

    Returns:
        :math:`\sqrt{a}`, shaped like ``a``.

    Examples:
        >>> import jax
        >>> from autodiff_cookbook.examples.implicit import newton_sqrt
        >>> print(f"{float(newton_sqrt(2.0)):.6f} {float(jax.grad(newton_sqrt)(2.0)):.6f}")
        1.414214 0.353553
    """
    a = jnp.asarray(a, dtype=jnp.result_type(float))
    x0 = (1.0 + a) / 2
    return jax.lax.fori_loop(0, iterations, lambda _, x: _newton_step(x, a), x0)  # type: ignore[no-any-return]


def newton_sqrt_implicit(a: ArrayLike, iterations: int = 20) -> Array:
    r"""Return :func:`newton_sqrt`'s value, differentiated implicitly with :func:`jax.lax.custom_root`.

    :func:`jax.lax.custom_root` takes the equation :math:`f(x) = x^2 - a`, an
    initial guess, the solver, and ``tangent_solve``, which solves the
    linearised equation :math:`(\partial f / \partial x)\, \dot x = y`. Here
    :math:`\partial f / \partial x = \operatorname{diag}(2x)` is diagonal, so its
    solve is a division by the diagonal, read off by applying the linear map to ones.
    The rule is a :class:`jax.custom_jvp` inside JAX, so forward and reverse
    mode both work.

    Args:
        a: positive numbers, any shape.
        iterations: the number of Newton steps, a Python int.

    Returns:
        :math:`\sqrt{a}`, shaped like ``a``.

    Examples:
        >>> import jax
        >>> from autodiff_cookbook.examples.implicit import newton_sqrt_implicit
        >>> d = jax.grad(newton_sqrt_implicit)(2.0)
        >>> print(f"{float(d):.6f} vs 1/(2 sqrt 2) = {0.5 / 2**0.5:.6f}")
        0.353553 vs 1/(2 sqrt 2) = 0.353553
    """
    a = jnp.asarray(a, dtype=jnp.result_type(float))

    def equation(x: Array) -> Array:
        return x**2 - a

    def solve(equation: Callable[[Array], Array], x0: Array) -> Array:
        del equation  # Newton's steps are written out for this equation
        return jax.lax.fori_loop(0, iterations, lambda _, x: _newton_step(x, a), x0)  # type: ignore[no-any-return]

    def tangent_solve(linear: Callable[[Array], Array], y: Array) -> Array:
        return y / linear(jnp.ones_like(y))  # the Jacobian is diagonal

    return jax.lax.custom_root(equation, (1.0 + a) / 2, solve, tangent_solve)  # type: ignore[no-any-return]


# --- (c) Ridge regression by gradient descent ----------------------------------------


def ridge_optimality(w: Array, theta: tuple[Array, Array, Array]) -> Array:
    r"""Return the gradient of the ridge loss in :math:`w`, zero at the minimiser.

    The loss is :math:`L(w) = \frac{1}{2m} \lVert X w - y \rVert^2 + \frac{\lambda}{2}
    \lVert w \rVert^2` with :math:`\lambda = e^{s}`, and its gradient
    :math:`F(w, \theta) = X^\top (X w - y) / m + \lambda w` for
    :math:`\theta = (s, X, y)`.

    Args:
        w: the weights, shape ``(d,)``.
        theta: ``(log_lambda, X, y)``, shapes ``()``, ``(m, d)``, ``(m,)``.

    Returns:
        :math:`\nabla_w L`, shape ``(d,)``.

    Examples:
        >>> import jax.numpy as jnp
        >>> from autodiff_cookbook.examples.implicit import ridge_optimality
        >>> print(ridge_optimality(jnp.ones(2), (jnp.array(0.0), jnp.eye(2), jnp.ones(2))))
        [1. 1.]
    """
    log_lambda, X, y = theta
    return X.T @ (X @ w - y) / X.shape[0] + jnp.exp(log_lambda) * w


def ridge_closed_form(theta: tuple[Array, Array, Array]) -> Array:
    r"""Return the ridge solution :math:`(X^\top X / m + \lambda I)^{-1} X^\top y / m`.

    Args:
        theta: ``(log_lambda, X, y)`` as in :func:`ridge_optimality`.

    Returns:
        The minimiser :math:`w^\star`, shape ``(d,)``.

    Examples:
        >>> import jax.numpy as jnp
        >>> from autodiff_cookbook.examples.implicit import ridge_closed_form
        >>> print(ridge_closed_form((jnp.array(0.0), jnp.eye(2), jnp.ones(2))))
        [0.33333334 0.33333334]
    """
    log_lambda, X, y = theta
    m, d = X.shape
    A = X.T @ X / m + jnp.exp(log_lambda) * jnp.eye(d)
    return jnp.linalg.solve(A, X.T @ y / m)  # type: ignore[no-any-return]


def ridge_step_size(theta: tuple[Array, Array, Array]) -> Array:
    r"""Return the step :math:`2 / (\mu + L)` of gradient descent on the ridge loss.

    :math:`\mu` and :math:`L` are the smallest and largest eigenvalues of the
    Hessian :math:`X^\top X / m + \lambda I`; with this step the error shrinks by
    :math:`(L - \mu)/(L + \mu)` per iteration, the best a fixed step achieves.

    Args:
        theta: ``(log_lambda, X, y)`` as in :func:`ridge_optimality`.

    Returns:
        The step size, a scalar.

    Examples:
        >>> import jax.numpy as jnp
        >>> from autodiff_cookbook.examples.implicit import ridge_step_size
        >>> print(f"{float(ridge_step_size((jnp.array(0.0), jnp.eye(2), jnp.ones(2)))):.4f}")
        0.6667
    """
    log_lambda, X, _ = theta
    s = jnp.linalg.svd(X, compute_uv=False) ** 2 / X.shape[0]
    lam = jnp.exp(log_lambda)
    mu = lam + jnp.where(X.shape[0] >= X.shape[1], jnp.min(s), 0.0)
    return 2.0 / (mu + lam + jnp.max(s))


def ridge_gradient_descent(theta: tuple[Array, Array, Array], iterations: int) -> Array:
    r"""Minimise the ridge loss by ``iterations`` steps of gradient descent from :math:`w_0 = 0`.

    The step size (:func:`ridge_step_size`) is held fixed under
    differentiation (:func:`jax.lax.stop_gradient`): it affects how fast the
    iterates converge, not where to. A :func:`jax.lax.fori_loop` with a fixed
    trip count, so reverse mode can differentiate it by unrolling.

    Args:
        theta: ``(log_lambda, X, y)`` as in :func:`ridge_optimality`.
        iterations: the number of steps, a Python int.

    Returns:
        :math:`w_K`, shape ``(d,)``.

    Examples:
        >>> import jax
        >>> import jax.numpy as jnp
        >>> from autodiff_cookbook.examples.implicit import ridge_closed_form, ridge_gradient_descent
        >>> X = jax.random.normal(jax.random.key(0), (20, 3))
        >>> theta = (jnp.array(0.0), X, jnp.ones(20))
        >>> gap = ridge_gradient_descent(theta, 100) - ridge_closed_form(theta)
        >>> print(float(jnp.max(jnp.abs(gap))) < 1e-6)
        True
    """
    step = jax.lax.stop_gradient(ridge_step_size(theta))
    w0 = jnp.zeros(theta[1].shape[1], dtype=jnp.result_type(*theta))
    return jax.lax.fori_loop(  # type: ignore[no-any-return]
        0, iterations, lambda _, w: w - step * ridge_optimality(w, theta), w0
    )


def ridge_implicit(theta: tuple[Array, Array, Array], iterations: int) -> Array:
    r"""Return :func:`ridge_gradient_descent`'s solution, differentiated implicitly.

    The optimality condition :math:`\nabla_w L(w^\star, \theta) = 0`
    (:func:`ridge_optimality`) defines :math:`w^\star(\theta)`; its Jacobian in
    :math:`w` is the Hessian of the loss, so the backward pass solves one
    linear system with the Hessian (:func:`implicit_solution`).

    Args:
        theta: ``(log_lambda, X, y)`` as in :func:`ridge_optimality`.
        iterations: the number of gradient-descent steps, a Python int.

    Returns:
        The minimiser, shape ``(d,)``.

    Examples:
        >>> import jax
        >>> import jax.numpy as jnp
        >>> from autodiff_cookbook.examples.implicit import ridge_closed_form, ridge_implicit
        >>> X = jax.random.normal(jax.random.key(0), (20, 3))
        >>> theta = (jnp.array(0.0), X, jnp.ones(20))
        >>> loss = lambda solve: lambda s: jnp.sum(solve((s, X, theta[2])) ** 2)
        >>> d_implicit = jax.grad(loss(lambda t: ridge_implicit(t, 100)))(0.0)
        >>> d_closed = jax.grad(loss(ridge_closed_form))(0.0)
        >>> print(f"{float(d_implicit):.5f} {float(d_closed):.5f}")
        -0.06621 -0.06621
    """
    solver = functools.partial(ridge_gradient_descent, iterations=iterations)
    return implicit_solution(ridge_optimality, solver, theta)


def ridge_descent_until(
    theta: tuple[Array, Array, Array], tol: float, max_iterations: int = 100_000
) -> tuple[Array, Array]:
    r"""Run gradient descent on the ridge loss until :math:`\lVert \nabla_w L \rVert_\infty \le` ``tol``.

    The same steps as :func:`ridge_gradient_descent`, in a
    :func:`jax.lax.while_loop`: the number of iterations depends on the data,
    so reverse mode cannot differentiate it, but the implicit rule
    (:func:`ridge_implicit_until`) never needs to.

    Args:
        theta: ``(log_lambda, X, y)`` as in :func:`ridge_optimality`.
        tol: the tolerance on the largest entry of the gradient, > 0.
        max_iterations: a bound on the number of steps.

    Returns:
        The weights and the number of steps taken.

    Examples:
        >>> import jax
        >>> import jax.numpy as jnp
        >>> from autodiff_cookbook.examples.implicit import ridge_descent_until, ridge_optimality
        >>> X = jax.random.normal(jax.random.key(0), (20, 3))
        >>> theta = (jnp.array(0.0), X, jnp.ones(20))
        >>> w, steps = ridge_descent_until(theta, 1e-5)
        >>> print(int(steps), float(jnp.max(jnp.abs(ridge_optimality(w, theta)))) <= 1e-5)
        6 True
    """
    step = jax.lax.stop_gradient(ridge_step_size(theta))

    def not_done(carry: tuple[Array, Array, Array]) -> Array:
        _, gradient, k = carry
        return (jnp.max(jnp.abs(gradient)) > tol) & (k < max_iterations)

    def descend(carry: tuple[Array, Array, Array]) -> tuple[Array, Array, Array]:
        w, gradient, k = carry
        w = w - step * gradient
        return w, ridge_optimality(w, theta), k + 1

    w0 = jnp.zeros(theta[1].shape[1], dtype=jnp.result_type(*theta))
    w, _, k = jax.lax.while_loop(
        not_done, descend, (w0, ridge_optimality(w0, theta), jnp.asarray(0))
    )
    return w, k


def _solution_until(theta: tuple[Array, Array, Array], tol: float) -> Array:
    return ridge_descent_until(theta, tol)[0]


def ridge_implicit_until(theta: tuple[Array, Array, Array], tol: float) -> Array:
    r"""Return :func:`ridge_descent_until`'s weights, differentiated implicitly.

    The solver is a :func:`jax.lax.while_loop`, which reverse mode cannot
    differentiate; :func:`implicit_solution` never differentiates the solver,
    so :func:`jax.grad` works. The gradient is exact at the exact minimiser;
    at the solver's answer its error shrinks with ``tol``.

    Args:
        theta: ``(log_lambda, X, y)`` as in :func:`ridge_optimality`.
        tol: the solver's tolerance (see :func:`ridge_descent_until`).

    Returns:
        The minimiser, shape ``(d,)``.

    Examples:
        >>> import jax
        >>> import jax.numpy as jnp
        >>> from autodiff_cookbook.examples.implicit import ridge_closed_form, ridge_implicit_until
        >>> X = jax.random.normal(jax.random.key(0), (20, 3))
        >>> loss = lambda solve: lambda s: jnp.sum(solve((s, X, jnp.ones(20))) ** 2)
        >>> d = jax.grad(loss(lambda t: ridge_implicit_until(t, 1e-6)))(0.0)
        >>> print(f"{float(d):.5f} {float(jax.grad(loss(ridge_closed_form))(0.0)):.5f}")
        -0.06621 -0.06621
    """
    solver = functools.partial(_solution_until, tol=tol)
    return implicit_solution(ridge_optimality, solver, theta)
