r"""The functions of the page *Gauss-Newton and Fisher products*: curvature that is never indefinite.

For a loss :math:`L(\theta) = \ell(r(\theta))` of model outputs :math:`r` (residuals,
logits), the chain rule gives the Hessian in two parts,

.. math::

    \nabla^2 L = J^\top H_\ell J + \sum_i \frac{\partial \ell}{\partial r_i}\,\nabla^2 r_i,
    \qquad J = \frac{\partial r}{\partial \theta},\quad H_\ell = \nabla^2 \ell(r).

The generalised Gauss-Newton matrix :math:`G = J^\top H_\ell J` keeps the first;
it is positive semi-definite whenever :math:`\ell` is convex. :func:`ggn_vp`
multiplies by it with one :func:`jax.jvp` and one :func:`jax.vjp`, never forming
:math:`J`; :func:`fisher_vp` is the same product for softmax cross-entropy, where
:math:`G` is the Fisher information. :func:`ggn_matrix` materialises :math:`G`
for checking, :func:`curvature_gap_vp` multiplies by the second term,
:func:`linearised` gives the model whose loss has :math:`G` as its exact Hessian
(to check the products with :func:`~autodiff_cookbook.check_hvp`), and
:func:`levenberg_marquardt` fits a least-squares model with damped Gauss-Newton
steps solved by :func:`conjugate_gradient`. The page's models are
:func:`exp_decay` (a curve fit) and :func:`tanh_network` (a small network,
its parameters a dict, from :func:`init_tanh_network`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

import jax
import jax.numpy as jnp
import numpy as np
from jax import Array
from jax.flatten_util import ravel_pytree
from jax.typing import ArrayLike, DTypeLike

from .._types import PyTree

__all__ = [
    "LevenbergMarquardtRun",
    "conjugate_gradient",
    "curvature_gap_vp",
    "exp_decay",
    "fisher_vp",
    "ggn_matrix",
    "ggn_vp",
    "init_tanh_network",
    "levenberg_marquardt",
    "linearised",
    "softmax_cross_entropy",
    "softmax_cross_entropy_hessian_vp",
    "squared_error",
    "squared_error_hessian_vp",
    "tanh_network",
]


# --- Losses of the outputs and their Hessians ------------------------------------


def squared_error(r: ArrayLike) -> Array:
    r"""Return :math:`\ell(r) = \tfrac12 \|r\|^2`, the least-squares loss of residuals.

    Args:
        r: the residuals, an array of any shape.

    Returns:
        A scalar.

    Examples:
        >>> import jax.numpy as jnp
        >>> from autodiff_cookbook.examples.gauss_newton import squared_error
        >>> print(f"{squared_error(jnp.array([3.0, 4.0])):.1f}")
        12.5
    """
    return 0.5 * jnp.sum(jnp.square(jnp.asarray(r)))


def squared_error_hessian_vp(r: ArrayLike, u: ArrayLike) -> Array:
    r"""Multiply by the Hessian of :func:`squared_error`, the identity: :math:`H_\ell u = u`.

    With it, :func:`ggn_vp` multiplies by :math:`J^\top J`, the Gauss-Newton
    matrix of least squares.

    Args:
        r: the residuals (unused: the Hessian is the same everywhere).
        u: a vector shaped like ``r``.

    Returns:
        ``u``, as an array.

    Examples:
        >>> import jax.numpy as jnp
        >>> from autodiff_cookbook.examples.gauss_newton import squared_error_hessian_vp
        >>> print(squared_error_hessian_vp(jnp.zeros(2), jnp.array([1.0, -2.0])))
        [ 1. -2.]
    """
    del r
    return jnp.asarray(u)


def softmax_cross_entropy(logits: ArrayLike, labels: ArrayLike) -> Array:
    r"""Return the cross-entropy of integer labels, summed over examples.

    .. math::

        \ell(z) = \sum_n \Bigl(\log \sum_c e^{z_{nc}} - z_{n y_n}\Bigr).

    Args:
        logits: shape ``(examples, classes)``.
        labels: integer class indices, shape ``(examples,)``.

    Returns:
        A scalar.

    Examples:
        >>> import jax.numpy as jnp
        >>> from autodiff_cookbook.examples.gauss_newton import softmax_cross_entropy
        >>> print(f"{softmax_cross_entropy(jnp.zeros((2, 4)), jnp.array([0, 3])):.4f}")
        2.7726
    """
    logp = jax.nn.log_softmax(jnp.asarray(logits), axis=-1)
    picked = jnp.take_along_axis(logp, jnp.asarray(labels)[:, None], axis=-1)
    return -jnp.sum(picked)


def softmax_cross_entropy_hessian_vp(logits: ArrayLike, u: ArrayLike) -> Array:
    r"""Multiply by the Hessian of :func:`softmax_cross_entropy` in the logits.

    Per example, :math:`H_\ell = \operatorname{diag}(p) - p p^\top` with
    :math:`p = \operatorname{softmax}(z)`, so
    :math:`H_\ell u = p \odot u - p\,(p^\top u)`. It does not depend on the
    labels, which is why the Gauss-Newton matrix of cross-entropy is the Fisher
    information. Positive semi-definite: :math:`u^\top H_\ell u` is the
    variance of :math:`u_c` under :math:`c \sim p`.

    Args:
        logits: shape ``(examples, classes)``.
        u: shaped like ``logits``.

    Returns:
        :math:`H_\ell u`, shaped like ``logits``.

    Examples:
        >>> import jax.numpy as jnp
        >>> from autodiff_cookbook.examples.gauss_newton import softmax_cross_entropy_hessian_vp
        >>> print(softmax_cross_entropy_hessian_vp(jnp.zeros((1, 2)), jnp.array([[1.0, 0.0]])))
        [[ 0.25 -0.25]]
    """
    p = jax.nn.softmax(jnp.asarray(logits), axis=-1)
    u = jnp.asarray(u)
    return p * u - p * jnp.sum(p * u, axis=-1, keepdims=True)


# --- Products with the generalised Gauss-Newton matrix -----------------------------


def ggn_vp(
    residual_fn: Callable[[PyTree], Array],
    loss_hessian_vp: Callable[[Array, Array], Array],
    params: PyTree,
    v: PyTree,
) -> PyTree:
    r"""Multiply the generalised Gauss-Newton matrix :math:`J^\top H_\ell J` by ``v``.

    One :func:`jax.jvp` pushes ``v`` forward to :math:`u = J v` (the change of
    the outputs), ``loss_hessian_vp`` multiplies by the loss's Hessian in the
    outputs, and one :func:`jax.vjp` pulls the result back:
    :math:`J^\top (H_\ell\, J v)`. Neither :math:`J` nor :math:`G` is formed,
    so the cost is a few evaluations of the model, and ``params`` may be any
    pytree (``v`` has its structure).

    Args:
        residual_fn: the model, ``params`` to outputs :math:`r(\theta)` (an array).
        loss_hessian_vp: ``(r, u)`` to :math:`H_\ell(r)\, u`, e.g.
            :func:`squared_error_hessian_vp` or
            :func:`softmax_cross_entropy_hessian_vp`.
        params: the point :math:`\theta`, a pytree.
        v: the vector, a pytree like ``params``.

    Returns:
        :math:`G(\theta)\, v`, a pytree like ``params``.

    Examples:
        For a linear model :math:`r = A\theta - b`, :math:`G = A^\top A`:

        >>> import jax.numpy as jnp
        >>> from autodiff_cookbook.examples.gauss_newton import ggn_vp, squared_error_hessian_vp
        >>> A = jnp.array([[1.0, 2.0], [0.0, 1.0], [1.0, 0.0]])
        >>> print(ggn_vp(lambda th: A @ th - 1.0, squared_error_hessian_vp, jnp.zeros(2), jnp.array([1.0, 0.0])))
        [2. 2.]
    """
    r, jv = jax.jvp(residual_fn, (params,), (v,))
    _, pullback = jax.vjp(residual_fn, params)
    (gv,) = pullback(loss_hessian_vp(r, jv))
    return gv


def fisher_vp(
    logits_fn: Callable[[PyTree], Array], params: PyTree, v: PyTree
) -> PyTree:
    r"""Multiply the Fisher information of a softmax classifier by ``v``.

    :func:`ggn_vp` with :func:`softmax_cross_entropy_hessian_vp`: one JVP to
    the logits, a multiplication by :math:`\operatorname{diag}(p) - p p^\top`
    per example, one VJP back. This is the Fisher information with labels
    drawn from the model's own distribution,
    :math:`\sum_n \mathbb{E}_{y \sim p_n}[\nabla \log p_{ny}\,\nabla \log p_{ny}^\top]`,
    the curvature of natural gradient and K-FAC.

    Args:
        logits_fn: the model, ``params`` to logits of shape ``(examples, classes)``.
        params: the point, a pytree.
        v: the vector, a pytree like ``params``.

    Returns:
        :math:`F(\theta)\, v`, a pytree like ``params``.

    Examples:
        A linear softmax model at zero logits, two classes: :math:`F = \tfrac14 x x^\top`
        per class difference.

        >>> import jax.numpy as jnp
        >>> from autodiff_cookbook.examples.gauss_newton import fisher_vp
        >>> x = jnp.array([[1.0, 2.0]])
        >>> logits = lambda w: x @ w  # w has shape (2 features, 2 classes)
        >>> print(fisher_vp(logits, jnp.zeros((2, 2)), jnp.array([[1.0, 0.0], [0.0, 0.0]])))
        [[ 0.25 -0.25]
         [ 0.5  -0.5 ]]
    """
    return ggn_vp(logits_fn, softmax_cross_entropy_hessian_vp, params, v)


def curvature_gap_vp(
    residual_fn: Callable[[PyTree], Array],
    loss_fn: Callable[[Array], Array],
    params: PyTree,
    v: PyTree,
) -> PyTree:
    r"""Multiply by the term the Gauss-Newton matrix drops, :math:`\sum_i g_i \nabla^2 r_i`.

    With :math:`g = \nabla \ell(r(\theta))` held fixed, the map
    :math:`\theta' \mapsto J(\theta')^\top g` is a VJP; its JVP along ``v``
    is :math:`\sum_i g_i \nabla^2 r_i(\theta)\, v`. Added to :func:`ggn_vp`,
    it gives the Hessian-vector product of :math:`\ell \circ r`.

    Args:
        residual_fn: the model, ``params`` to outputs (an array).
        loss_fn: the loss of the outputs, a scalar function.
        params: the point, a pytree.
        v: the vector, a pytree like ``params``.

    Returns:
        The product, a pytree like ``params``.

    Examples:
        For :math:`r(\theta) = \theta^2 - 1` and :math:`\ell = \tfrac12 r^2` at
        :math:`\theta = 2`: :math:`g = 3` and :math:`r'' = 2`, so the term is 6.

        >>> import jax.numpy as jnp
        >>> from autodiff_cookbook.examples.gauss_newton import curvature_gap_vp, squared_error
        >>> print(curvature_gap_vp(lambda th: th**2 - 1, squared_error, jnp.array([2.0]), jnp.array([1.0])))
        [6.]
    """
    g = jax.grad(loss_fn)(residual_fn(params))

    def pulled(p: PyTree) -> PyTree:
        return jax.vjp(residual_fn, p)[1](g)[0]

    return jax.jvp(pulled, (params,), (v,))[1]


def ggn_matrix(
    residual_fn: Callable[[PyTree], Array],
    loss_fn: Callable[[Array], Array],
    params: PyTree,
) -> Array:
    r"""Materialise :math:`G = J^\top H_\ell J` on the flattened parameters, for checking.

    :math:`J` comes from :func:`jax.jacfwd` and :math:`H_\ell` from
    :func:`jax.hessian` of ``loss_fn``, both on flat vectors
    (:func:`jax.flatten_util.ravel_pytree` order): a route independent of the
    hand-written loss Hessian of :func:`ggn_vp`, and :math:`O(n^2)` memory.

    Args:
        residual_fn: the model, ``params`` to outputs (an array).
        loss_fn: the loss of the outputs, a scalar function.
        params: the point, a pytree.

    Returns:
        The :math:`n \times n` matrix, :math:`n` the number of parameters.

    Examples:
        >>> import jax.numpy as jnp
        >>> from autodiff_cookbook.examples.gauss_newton import ggn_matrix, squared_error
        >>> A = jnp.array([[1.0, 2.0], [0.0, 1.0], [1.0, 0.0]])
        >>> print(ggn_matrix(lambda th: A @ th - 1.0, squared_error, jnp.zeros(2)))
        [[2. 2.]
         [2. 5.]]
    """
    flat, unravel = ravel_pytree(params)
    r = residual_fn(params)

    def flat_residuals(x: Array) -> Array:
        return jnp.ravel(residual_fn(unravel(x)))

    def flat_loss(z: Array) -> Array:
        return loss_fn(jnp.reshape(z, r.shape))

    jac = jax.jacfwd(flat_residuals)(flat)
    h = jax.hessian(flat_loss)(jnp.ravel(r))
    g: Array = jac.T @ h @ jac
    return g


def linearised(
    residual_fn: Callable[[PyTree], Array], params: PyTree
) -> Callable[[PyTree], Array]:
    r"""Return the model linearised at ``params``: :math:`	heta \mapsto r(	heta_0) + J(	heta_0)(	heta - 	heta_0)`.

    Built with :func:`jax.linearize`, which evaluates :math:`r(	heta_0)` once
    and keeps :math:`v \mapsto J(	heta_0) v`. An affine model has no
    curvature of its own, so the Hessian of :math:`\ell` of it is exactly its
    Gauss-Newton matrix; for :func:`squared_error` it is the constant
    :math:`G(	heta_0) = J(	heta_0)^	op J(	heta_0)`, which makes
    :func:`~autodiff_cookbook.check_hvp` a test of :func:`ggn_vp`.

    Args:
        residual_fn: the model, ``params`` to outputs (an array).
        params: the point :math:`	heta_0`, a pytree.

    Returns:
        The affine function, of a pytree like ``params``.

    Examples:
        >>> import jax.numpy as jnp
        >>> from autodiff_cookbook.examples.gauss_newton import linearised
        >>> line = linearised(jnp.exp, jnp.array([0.0]))
        >>> print(line(jnp.array([0.5])))
        [1.5]
    """
    r0, jvp = jax.linearize(residual_fn, params)

    def affine(p: PyTree) -> Array:
        out: Array = r0 + jvp(jax.tree_util.tree_map(jnp.subtract, p, params))
        return out

    return affine


# --- Conjugate gradients and Levenberg-Marquardt ---------------------------------


def conjugate_gradient(
    matvec: Callable[[Array], Array], b: ArrayLike, *, tol: float, maxiter: int
) -> tuple[Array, Array]:
    r"""Solve :math:`A x = b` for a symmetric positive definite :math:`A` given as a product.

    Plain conjugate gradients from :math:`x_0 = 0`, in a
    :func:`jax.lax.while_loop`, stopping when
    :math:`\|b - A x\| \le \text{tol}\,\|b\|` or after ``maxiter`` products.

    Args:
        matvec: :math:`v \mapsto A v` on vectors shaped like ``b``.
        b: the right-hand side, a vector.
        tol: the relative residual to reach.
        maxiter: the most products with :math:`A`.

    Returns:
        ``(x, products)``: the solution and how many products it took.

    Examples:
        >>> import jax.numpy as jnp
        >>> from autodiff_cookbook.examples.gauss_newton import conjugate_gradient
        >>> A = jnp.array([[4.0, 1.0], [1.0, 3.0]])
        >>> x, k = conjugate_gradient(lambda v: A @ v, jnp.array([1.0, 2.0]), tol=1e-6, maxiter=10)
        >>> print(x, int(k))
        [0.09090909 0.6363636 ] 2
    """
    b = jnp.asarray(b)
    limit = tol * jnp.linalg.norm(b)

    def cond(state: tuple[Array, Array, Array, Array, Array]) -> Array:
        _, _, _, rs, k = state
        going: Array = (jnp.sqrt(rs) > limit) & (k < maxiter)
        return going

    def body(
        state: tuple[Array, Array, Array, Array, Array],
    ) -> tuple[Array, Array, Array, Array, Array]:
        x, r, p, rs, k = state
        ap = matvec(p)
        alpha = rs / jnp.vdot(p, ap)
        x = x + alpha * p
        r = r - alpha * ap
        rs_new = jnp.vdot(r, r)
        return x, r, r + (rs_new / rs) * p, rs_new, k + 1

    start = (jnp.zeros_like(b), b, b, jnp.vdot(b, b), jnp.array(0))
    x, _, _, _, k = jax.lax.while_loop(cond, body, start)
    return x, k


class LevenbergMarquardtRun(NamedTuple):
    """The record of :func:`levenberg_marquardt`; arrays are indexed by iteration, 0 the start."""

    params: PyTree
    """The parameters at the end."""
    loss: jax.Array
    r"""The loss :math:`\tfrac12\|r\|^2` after each iteration (constant after convergence)."""
    damping: jax.Array
    r"""The damping :math:`\lambda` after each iteration."""
    gradient_norm: jax.Array
    r"""The largest gradient component :math:`\|\nabla L\|_\infty` after each iteration."""
    products: jax.Array
    """The Gauss-Newton-vector products used so far, by conjugate gradients."""
    iterations: jax.Array
    """The iterations run until the gradient test passed (or all of them)."""
    converged: jax.Array
    """Whether the gradient test passed."""


def levenberg_marquardt(
    residual_fn: Callable[[PyTree], Array],
    params: PyTree,
    *,
    max_iterations: int = 100,
    damping: float = 1e-3,
    gtol: float = 1e-8,
    cg_tol: float = 1e-10,
) -> LevenbergMarquardtRun:
    r"""Minimise :math:`\tfrac12\|r(\theta)\|^2` by Levenberg-Marquardt, matrix-free.

    Each iteration solves :math:`(J^\top J + \lambda I)\,\delta = -J^\top r` by
    :func:`conjugate_gradient` with Gauss-Newton-vector products, one JVP and one
    VJP each as in :func:`ggn_vp` but from a linearisation computed once per
    iteration (the matrix is positive definite for :math:`\lambda > 0`), and compares the actual
    decrease of the loss with the decrease :math:`\tfrac12 \delta^\top
    (\lambda \delta - \nabla L)` that the quadratic model predicts. Their
    ratio :math:`\rho` drives the damping by Nielsen's rule (Madsen, Nielsen
    and Tingleff, *Methods for non-linear least squares problems*, 2004): if
    :math:`\rho > 0` the step is taken and
    :math:`\lambda \leftarrow \lambda \max(\tfrac13, 1 - (2\rho - 1)^3)`,
    :math:`\nu \leftarrow 2`; otherwise it is rejected and
    :math:`\lambda \leftarrow \nu\lambda`, :math:`\nu \leftarrow 2\nu`. It
    stops when :math:`\|\nabla L\|_\infty \le` ``gtol``. All iterations run in
    one :func:`jax.lax.scan`.

    Args:
        residual_fn: the model's residuals, ``params`` to an array.
        params: the starting point, a pytree.
        max_iterations: the number of iterations to record.
        damping: the initial :math:`\lambda`.
        gtol: the gradient test.
        cg_tol: the relative residual of each conjugate-gradient solve.

    Returns:
        A :class:`LevenbergMarquardtRun`.

    Examples:
        Fitting :math:`y = e^{a t}`:

        >>> import jax.numpy as jnp
        >>> from autodiff_cookbook.examples.gauss_newton import levenberg_marquardt
        >>> t = jnp.linspace(0.0, 1.0, 5)
        >>> run = levenberg_marquardt(lambda a: jnp.exp(a * t) - jnp.exp(0.7 * t), jnp.array([0.0]), gtol=1e-5)
        >>> print(f"a = {float(run.params[0]):.4f}", bool(run.converged))
        a = 0.7000 True
    """
    flat, unravel = ravel_pytree(params)
    n = flat.size

    def residuals(x: Array) -> Array:
        return jnp.ravel(residual_fn(unravel(x)))

    def loss(x: Array) -> Array:
        return squared_error(residuals(x))

    dtype = flat.dtype
    lam0 = jnp.asarray(damping, dtype)
    start = (flat, lam0, jnp.asarray(2.0, dtype), jnp.array(0), jnp.array(0))

    def linearise(
        x: Array,
    ) -> tuple[Array, Callable[[Array], Array], Callable[[Array], Array], Array]:
        """The residuals, :math:`v \\mapsto J v`, :math:`u \\mapsto J^T u` and the gradient."""
        r, jvp = jax.linearize(residuals, x)
        transpose = jax.linear_transpose(jvp, x)

        def vjp(u: Array) -> Array:
            out: Array = transpose(u)[0]
            return out

        return r, jvp, vjp, vjp(r)

    def step(
        state: tuple[Array, Array, Array, Array, Array], i: Array
    ) -> tuple[tuple[Array, Array, Array, Array, Array], tuple[Array, ...]]:
        x, lam, nu, products, iterations = state
        # theta is fixed during the solve: linearise once, then each product
        # J^T (J v) is the ggn_vp of least squares without re-evaluating r.
        r, jvp, vjp, g = linearise(x)

        def damped(v: Array) -> Array:
            return vjp(jvp(v)) + lam * v

        delta, k = conjugate_gradient(damped, -g, tol=cg_tol, maxiter=4 * n)
        current, trial = squared_error(r), loss(x + delta)
        predicted = 0.5 * jnp.vdot(delta, lam * delta - g)
        rho = (current - trial) / predicted
        accept = jnp.isfinite(trial) & (rho > 0)
        new = (
            jnp.where(accept, x + delta, x),
            jnp.where(
                accept, lam * jnp.maximum(1 / 3, 1 - (2 * rho - 1) ** 3), lam * nu
            ),
            jnp.where(accept, 2.0, 2 * nu).astype(dtype),
            products + k,
            iterations + 1,
        )
        # The last pass only records the state that max_iterations steps left.
        done = (jnp.max(jnp.abs(g)) <= gtol) | (i == max_iterations)
        after = jax.tree_util.tree_map(lambda a, b: jnp.where(done, a, b), state, new)
        return after, (current, lam, jnp.max(jnp.abs(g)), products)

    final, (loss_, damping_, gnorm, products_) = jax.lax.scan(
        step, start, jnp.arange(max_iterations + 1)
    )
    return LevenbergMarquardtRun(
        params=unravel(final[0]),
        loss=loss_,
        damping=damping_,
        gradient_norm=gnorm,
        products=products_,
        iterations=final[4],
        converged=gnorm[-1] <= gtol,
    )


# --- The page's models -------------------------------------------------------------


def exp_decay(theta: ArrayLike, t: ArrayLike) -> Array:
    r"""Return :math:`a e^{-b t} + c` for :math:`\theta = (a, b, c)`.

    Nonlinear in :math:`b`, so least-squares residuals have curvature of their own.

    Args:
        theta: the parameters :math:`(a, b, c)`.
        t: the times.

    Returns:
        The curve at ``t``.

    Examples:
        >>> import jax.numpy as jnp
        >>> from autodiff_cookbook.examples.gauss_newton import exp_decay
        >>> print(exp_decay(jnp.array([2.0, 0.0, 1.0]), jnp.array([0.0, 5.0])))
        [3. 3.]
    """
    theta = jnp.asarray(theta)
    return theta[0] * jnp.exp(-theta[1] * jnp.asarray(t)) + theta[2]


def init_tanh_network(
    seed: int, sizes: tuple[int, int, int], dtype: DTypeLike = jnp.float32
) -> dict[str, Array]:
    r"""Draw the parameters of :func:`tanh_network`, a dict of weights and biases.

    Weights are Gaussian over the square root of the fan-in; biases are
    Gaussian too (scaled by 0.5), so the network is not odd at the start.
    Drawn by NumPy's generator (``numpy.random.default_rng(seed)``), on the host.

    Args:
        seed: the seed of the generator.
        sizes: ``(inputs, hidden, outputs)``.
        dtype: the floating-point dtype.

    Returns:
        ``{"W1": (hidden, inputs), "W2": (outputs, hidden), "b1": (hidden,), "b2": (outputs,)}``.

    Examples:
        >>> from autodiff_cookbook.examples.gauss_newton import init_tanh_network
        >>> p = init_tanh_network(0, (2, 8, 3))
        >>> print({k: v.shape for k, v in p.items()})
        {'W1': (8, 2), 'W2': (3, 8), 'b1': (8,), 'b2': (3,)}
    """
    n_in, hidden, n_out = sizes
    rng = np.random.default_rng(seed)
    arrays = {
        "W1": rng.standard_normal((hidden, n_in)) / n_in**0.5,
        "W2": rng.standard_normal((n_out, hidden)) / hidden**0.5,
        "b1": 0.5 * rng.standard_normal(hidden),
        "b2": 0.5 * rng.standard_normal(n_out),
    }
    return {k: jnp.asarray(a, dtype) for k, a in arrays.items()}


def tanh_network(params: dict[str, Array], x: ArrayLike) -> Array:
    r"""Return :math:`W_2 \tanh(W_1 x + b_1) + b_2` for each row of ``x``.

    Args:
        params: the dict of :func:`init_tanh_network`.
        x: the inputs, shape ``(examples, inputs)``.

    Returns:
        The outputs, shape ``(examples, outputs)``.

    Examples:
        >>> import jax.numpy as jnp
        >>> from autodiff_cookbook.examples.gauss_newton import init_tanh_network, tanh_network
        >>> p = init_tanh_network(0, (2, 8, 3))
        >>> print(tanh_network(p, jnp.zeros((5, 2))).shape)
        (5, 3)
    """
    hidden = jnp.tanh(jnp.asarray(x) @ params["W1"].T + params["b1"])
    out: Array = hidden @ params["W2"].T + params["b2"]
    return out
