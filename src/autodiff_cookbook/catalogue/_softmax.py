r"""Softmax, log-softmax and log-sum-exp: Jacobians and Hessians.

With :math:`s = \operatorname{softmax}(x)`, :math:`\log s = x - \operatorname{lse}(x)\,
\mathbf 1`, so every formula here follows from :math:`\nabla \operatorname{lse} = s`
and :math:`\nabla^2 \operatorname{lse} = \operatorname{diag}(s) - s s^\top`.
"""

# mypy: disable-error-code="no-any-return"

from __future__ import annotations

import jax
import jax.numpy as jnp
from jax import Array

from .. import domains
from ._constants import cast, gaussian
from ._entry import Identity

__all__ = ["ENTRIES"]

TOPIC = "Softmax, log-softmax and log-sum-exp"

_g = gaussian(1701, (4,))
_A64 = gaussian(1702, (6, 4))
_TAU = 0.5


def _log_softmax_jac(x: Array) -> Array:
    s = jax.nn.softmax(x)
    return jnp.eye(x.shape[0], dtype=x.dtype) - s[None, :]


def _softmax_form(x: Array) -> Array:
    (g,) = cast(x, _g)
    return g @ jax.nn.softmax(x)


def _softmax_form_grad(x: Array) -> Array:
    (g,) = cast(x, _g)
    s = jax.nn.softmax(x)
    return s * (g - s @ g)


def _softmax_entropy(x: Array) -> Array:
    s = jax.nn.softmax(x)
    return -s @ jax.nn.log_softmax(x)


def _softmax_entropy_grad(x: Array) -> Array:
    s = jax.nn.softmax(x)
    log_s = jax.nn.log_softmax(x)
    return -s * (log_s - s @ log_s)


def _lse_affine(x: Array) -> Array:
    (a,) = cast(x, _A64)
    return jax.nn.logsumexp(a @ x)


def _lse_affine_hess(x: Array) -> Array:
    (a,) = cast(x, _A64)
    s = jax.nn.softmax(a @ x)
    return a.T @ (jnp.diag(s) - jnp.outer(s, s)) @ a


def _lse_temperature(x: Array) -> Array:
    return _TAU * jax.nn.logsumexp(x / _TAU)


def _lse_temperature_hess(x: Array) -> Array:
    s = jax.nn.softmax(x / _TAU)
    return (jnp.diag(s) - jnp.outer(s, s)) / _TAU


ENTRIES: tuple[Identity, ...] = (
    Identity(
        id="log_softmax_jacobian",
        topic=TOPIC,
        kind="jacobian",
        function=jax.nn.log_softmax,
        derivative=_log_softmax_jac,
        domain=domains.real((4,)),
        function_latex=r"\log \operatorname{softmax}(x) = x - \operatorname{lse}(x)\, \mathbf 1",
        derivative_latex=r"I - \mathbf 1 s^\top",
        conditions=r"always; row $i$ is $e_i - s$",
        source="standard result",
    ),
    Identity(
        id="softmax_backward",
        topic=TOPIC,
        kind="gradient",
        function=_softmax_form,
        derivative=_softmax_form_grad,
        domain=domains.real((4,)),
        function_latex=r"g^\top \operatorname{softmax}(x)",
        derivative_latex=r"s \odot \bigl(g - (s^\top g)\, \mathbf 1\bigr)",
        conditions=r"always; the vector-Jacobian product of the softmax with $g$",
        source="standard result (the softmax Jacobian is symmetric)",
    ),
    Identity(
        id="softmax_entropy_gradient",
        topic=TOPIC,
        kind="gradient",
        function=_softmax_entropy,
        derivative=_softmax_entropy_grad,
        domain=domains.real((4,)),
        function_latex=r"-s^\top \log s, \quad s = \operatorname{softmax}(x)",
        derivative_latex=r"-s \odot \bigl(\log s - (s^\top \log s)\, \mathbf 1\bigr)",
        conditions="always",
        source="standard result (the chain rule through the softmax Jacobian)",
    ),
    Identity(
        id="logsumexp_affine_hessian",
        topic=TOPIC,
        kind="hessian",
        function=_lse_affine,
        derivative=_lse_affine_hess,
        domain=domains.real((4,)),
        function_latex=r"\operatorname{lse}(A x)",
        derivative_latex=(
            r"A^\top \bigl(\operatorname{diag}(s) - s s^\top\bigr) A, \quad "
            r"s = \operatorname{softmax}(A x)"
        ),
        conditions=r"always; $A$ is $6 \times 4$",
        source="standard result (Boyd and Vandenberghe, Convex Optimization, 3.1.5)",
    ),
    Identity(
        id="logsumexp_temperature_hessian",
        topic=TOPIC,
        kind="hessian",
        function=_lse_temperature,
        derivative=_lse_temperature_hess,
        domain=domains.real((4,)),
        function_latex=r"\tau \operatorname{lse}(x / \tau), \quad \tau = 1/2",
        derivative_latex=(
            r"\frac{1}{\tau}\bigl(\operatorname{diag}(s) - s s^\top\bigr), \quad "
            r"s = \operatorname{softmax}(x / \tau)"
        ),
        conditions=r"$\tau > 0$; as $\tau \to 0$ it tends to $\max_i x_i$",
        source="standard result",
    ),
)
