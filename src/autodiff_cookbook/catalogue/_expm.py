r"""The Fréchet derivative of the matrix exponential.

:math:`d e^{X} = L(X, dX) = \int_0^1 e^{sX} dX\, e^{(1-s)X} ds`, which equals
:math:`e^X dX` only when :math:`dX` commutes with :math:`X`. It is the top-right
block of the exponential of a block upper-triangular matrix (Van Loan 1978;
Higham 2008, Functions of Matrices, ch. 3):
:math:`\exp \begin{pmatrix} X & E \\ 0 & X \end{pmatrix} =
\begin{pmatrix} e^X & L(X, E) \\ 0 & e^X \end{pmatrix}`, and its adjoint is
:math:`L(X^\top, \cdot)`.
"""

# jax.numpy.linalg's functions and expm are jitted, and jit types their results as Any.
# mypy: disable-error-code="no-any-return"

from __future__ import annotations

import jax
import jax.numpy as jnp
from jax import Array
from jax.scipy.linalg import expm

from .. import domains
from ._constants import cast
from ._entry import Identity
from ._shared import EXPM_C

__all__ = ["ENTRIES", "frechet"]

TOPIC = "The matrix exponential"


def frechet(x: Array, e: Array) -> Array:
    r"""The Fréchet derivative :math:`L(X, E)` of :math:`e^X`, from one :math:`2n \times 2n` exponential."""
    n = x.shape[0]
    z = jnp.zeros_like(x)
    block = jnp.block([[x, e], [z, x]])
    return expm(block)[:n, n:]


def _trace_c_expm(x: Array) -> Array:
    (c,) = cast(x, EXPM_C)
    return jnp.trace(c @ expm(x))


def _trace_c_expm_grad(x: Array) -> Array:
    (c,) = cast(x, EXPM_C)
    return frechet(x.T, c.T)


def _expm_jac(x: Array) -> Array:
    n = x.shape[0]
    basis = jnp.eye(n * n, dtype=x.dtype).reshape(n * n, n, n)
    # One 2n x 2n exponential per direction E_ij, in a compiled loop: LAPACK
    # calls batched by vmap can deadlock jaxlib 0.10's CPU thread pool.
    columns = jax.lax.map(lambda e: frechet(x, e), basis)
    return jnp.moveaxis(columns.reshape(n, n, n, n), (0, 1), (2, 3))


ENTRIES: tuple[Identity, ...] = (
    Identity(
        id="expm_frechet_gradient",
        topic=TOPIC,
        kind="gradient",
        function=_trace_c_expm,
        derivative=_trace_c_expm_grad,
        domain=domains.real((4, 4)),
        function_latex=r"\operatorname{tr}\bigl(C e^{X}\bigr)",
        derivative_latex=(
            r"L(X^\top, C^\top) = \Bigl[\exp \begin{pmatrix} X^\top & C^\top \\ 0 & "
            r"X^\top \end{pmatrix}\Bigr]_{12}"
        ),
        conditions=r"always; $X$ and $C$ need not commute (here they do not)",
        source="Van Loan (1978); Higham (2008), Functions of Matrices, ch. 3",
    ),
    Identity(
        id="expm_frechet_jacobian",
        topic=TOPIC,
        kind="jacobian",
        function=expm,
        derivative=_expm_jac,
        domain=domains.real((4, 4)),
        function_latex=r"e^{X}",
        derivative_latex=(
            r"\frac{\partial e^X}{\partial X_{ij}} = \Bigl[\exp \begin{pmatrix} X & "
            r"E_{ij} \\ 0 & X \end{pmatrix}\Bigr]_{12}"
        ),
        conditions=r"always; $E_{ij}$ is the matrix unit, one $8 \times 8$ exponential each",
        source="Van Loan (1978); Higham (2008), Functions of Matrices, ch. 3",
    ),
)
