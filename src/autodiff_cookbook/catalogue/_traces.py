"""Derivatives of traces: Matrix Cookbook section 2.5, and the trace of a matrix function."""

# jax.numpy.linalg's functions and expm are jitted, and jit types their results as Any.
# mypy: disable-error-code="no-any-return"

from __future__ import annotations

import jax.numpy as jnp
from jax import Array
from jax.scipy.linalg import expm

from .. import domains
from ._constants import cast, gaussian
from ._entry import Identity

__all__ = ["ENTRIES"]

TOPIC = "Traces"

_A34 = gaussian(401, (3, 4))
_A24 = gaussian(402, (2, 4))
_B32 = gaussian(403, (3, 2))
_B42 = gaussian(405, (4, 2))
_A43 = gaussian(406, (4, 3))
_B4 = gaussian(407, (4, 4))
_B34 = gaussian(409, (3, 4))
_A34b = gaussian(410, (3, 4))
_B35 = gaussian(411, (3, 5))
_C25 = gaussian(412, (2, 5))
_A4 = gaussian(413, (4, 4))


def _trace(x: Array) -> Array:
    return jnp.trace(x)


def _trace_grad(x: Array) -> Array:
    return jnp.eye(x.shape[0], dtype=x.dtype)


def _trace_xa(x: Array) -> Array:
    (a,) = cast(x, _A34)
    return jnp.trace(x @ a)


def _trace_xa_grad(x: Array) -> Array:
    (a,) = cast(x, _A34)
    return a.T


def _trace_axb(x: Array) -> Array:
    a, b = cast(x, _A24, _B32)
    return jnp.trace(a @ x @ b)


def _trace_axb_grad(x: Array) -> Array:
    a, b = cast(x, _A24, _B32)
    return a.T @ b.T


def _trace_x_squared(x: Array) -> Array:
    return jnp.trace(x @ x)


def _trace_x_squared_grad(x: Array) -> Array:
    return 2 * x.T


def _trace_x_squared_b(x: Array) -> Array:
    (b,) = cast(x, _B4)
    return jnp.trace(x @ x @ b)


def _trace_x_squared_b_grad(x: Array) -> Array:
    (b,) = cast(x, _B4)
    return (x @ b + b @ x).T


def _trace_xtbx(x: Array) -> Array:
    (b,) = cast(x, _B4)
    return jnp.trace(x.T @ b @ x)


def _trace_xtbx_grad(x: Array) -> Array:
    (b,) = cast(x, _B4)
    return b @ x + b.T @ x


def _trace_axbx(x: Array) -> Array:
    a, b = cast(x, _A34b, _B34)
    return jnp.trace(a @ x @ b @ x)


def _trace_axbx_grad(x: Array) -> Array:
    a, b = cast(x, _A34b, _B34)
    return a.T @ x.T @ b.T + b.T @ x.T @ a.T


def _trace_affine_squared(x: Array) -> Array:
    a, b, c = cast(x, _A24, _B35, _C25)
    r = a @ x @ b + c
    return jnp.trace(r @ r.T)


def _trace_affine_squared_grad(x: Array) -> Array:
    a, b, c = cast(x, _A24, _B35, _C25)
    return 2 * a.T @ (a @ x @ b + c) @ b.T


def _trace_power(x: Array) -> Array:
    return jnp.trace(x @ x @ x)


def _trace_power_grad(x: Array) -> Array:
    return 3 * (x @ x).T


def _trace_inverse(x: Array) -> Array:
    return jnp.trace(jnp.linalg.inv(x))


def _trace_inverse_grad(x: Array) -> Array:
    xi = jnp.linalg.inv(x)
    return -(xi @ xi).T


def _trace_exp(x: Array) -> Array:
    return jnp.trace(expm(x))


def _trace_exp_grad(x: Array) -> Array:
    return expm(x.T)


ENTRIES: tuple[Identity, ...] = (
    Identity(
        id="trace",
        topic=TOPIC,
        kind="gradient",
        function=_trace,
        derivative=_trace_grad,
        domain=domains.real((4, 4)),
        function_latex=r"\operatorname{tr}(X)",
        derivative_latex=r"I",
        conditions="always",
        source="Matrix Cookbook (2012) eq. (99)",
    ),
    Identity(
        id="trace_xa",
        topic=TOPIC,
        kind="gradient",
        function=_trace_xa,
        derivative=_trace_xa_grad,
        domain=domains.real((4, 3)),
        function_latex=r"\operatorname{tr}(X A)",
        derivative_latex=r"A^\top",
        conditions="always",
        source="Matrix Cookbook (2012) eq. (100)",
    ),
    Identity(
        id="trace_axb",
        topic=TOPIC,
        kind="gradient",
        function=_trace_axb,
        derivative=_trace_axb_grad,
        domain=domains.real((4, 3)),
        function_latex=r"\operatorname{tr}(A X B)",
        derivative_latex=r"A^\top B^\top",
        conditions="always",
        source="Matrix Cookbook (2012) eq. (101)",
    ),
    Identity(
        id="trace_x_squared",
        topic=TOPIC,
        kind="gradient",
        function=_trace_x_squared,
        derivative=_trace_x_squared_grad,
        domain=domains.real((4, 4)),
        function_latex=r"\operatorname{tr}(X^2)",
        derivative_latex=r"2 X^\top",
        conditions="always",
        source="Matrix Cookbook (2012) eq. (106)",
    ),
    Identity(
        id="trace_x_squared_b",
        topic=TOPIC,
        kind="gradient",
        function=_trace_x_squared_b,
        derivative=_trace_x_squared_b_grad,
        domain=domains.real((4, 4)),
        function_latex=r"\operatorname{tr}(X^2 B)",
        derivative_latex=r"(X B + B X)^\top",
        conditions="always",
        source="Matrix Cookbook (2012) eq. (107)",
    ),
    Identity(
        id="trace_xtbx",
        topic=TOPIC,
        kind="gradient",
        function=_trace_xtbx,
        derivative=_trace_xtbx_grad,
        domain=domains.real((4, 3)),
        function_latex=r"\operatorname{tr}(X^\top B X)",
        derivative_latex=r"B X + B^\top X",
        conditions="always",
        source="Matrix Cookbook (2012) eq. (108)",
    ),
    Identity(
        id="trace_axbx",
        topic=TOPIC,
        kind="gradient",
        function=_trace_axbx,
        derivative=_trace_axbx_grad,
        domain=domains.real((4, 3)),
        function_latex=r"\operatorname{tr}(A X B X)",
        derivative_latex=r"A^\top X^\top B^\top + B^\top X^\top A^\top",
        conditions="always",
        source="Matrix Cookbook (2012) eq. (114)",
    ),
    Identity(
        id="trace_affine_squared",
        topic=TOPIC,
        kind="gradient",
        function=_trace_affine_squared,
        derivative=_trace_affine_squared_grad,
        domain=domains.real((4, 3)),
        function_latex=r"\operatorname{tr}\bigl[(A X B + C)(A X B + C)^\top\bigr]",
        derivative_latex=r"2 A^\top (A X B + C) B^\top",
        conditions="always",
        source="Matrix Cookbook (2012) eq. (119)",
    ),
    Identity(
        id="trace_power",
        topic=TOPIC,
        kind="gradient",
        function=_trace_power,
        derivative=_trace_power_grad,
        domain=domains.real((4, 4)),
        function_latex=r"\operatorname{tr}(X^3)",
        derivative_latex=r"3 (X^2)^\top",
        conditions=r"always; here $k = 3$ in $\operatorname{tr}(X^k) \mapsto k (X^{k-1})^\top$",
        source="Matrix Cookbook (2012) eq. (121)",
    ),
    Identity(
        id="trace_inverse",
        topic=TOPIC,
        kind="gradient",
        function=_trace_inverse,
        derivative=_trace_inverse_grad,
        domain=domains.invertible(4),
        function_latex=r"\operatorname{tr}(X^{-1})",
        derivative_latex=r"-(X^{-2})^\top",
        conditions=r"$X$ invertible",
        source="Matrix Cookbook (2012) eq. (64) with A = 0",
    ),
    Identity(
        id="trace_exp",
        topic=TOPIC,
        kind="gradient",
        function=_trace_exp,
        derivative=_trace_exp_grad,
        domain=domains.real((4, 4)),
        function_latex=r"\operatorname{tr}\bigl(e^{X}\bigr)",
        derivative_latex=r"e^{X^\top}",
        conditions=r"always ($e^X$ is the matrix exponential)",
        source=(
            r"Matrix Cookbook (2012) eq. (98) with $F = \exp$; "
            "task 2 of the seed notebook"
        ),
    ),
)
