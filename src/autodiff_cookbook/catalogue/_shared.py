"""The constants that an identity and a mistake about it both use, drawn once here.

A wrong formula such as :math:`2 A x` for the gradient of :math:`x^\\top A x` must
use the same :math:`A` as the function it gets wrong, so that matrix lives here,
and the module of the identity and the module of the mistakes both import it.
"""

from __future__ import annotations

from ._constants import gaussian

__all__ = [
    "CHOLESKY_C",
    "EXPM_C",
    "LSTSQ_B",
    "QUADRATIC_FORM_A",
    "QUADRATIC_FORM_HESSIAN_A",
    "SOLVE_C",
]

#: The non-symmetric :math:`A` of :math:`x^\top A x` in the identities
#: ``quadratic_form`` and ``quadratic_form_affine``, and of the mistake
#: ``quadratic_form_2ax``.
QUADRATIC_FORM_A = gaussian(201, (4, 4))

#: The non-symmetric :math:`A` of :math:`x^\top A x` in the identity
#: ``quadratic_form_hessian`` and the mistake ``quadratic_form_hessian_2a``.
QUADRATIC_FORM_HESSIAN_A = gaussian(1001, (4, 4))

#: The non-triangular :math:`\bar L` of :math:`\operatorname{tr}(\bar L^\top L)`,
#: :math:`L = \operatorname{chol}(X)`, in the identity ``cholesky_backward`` and
#: the mistake ``cholesky_backward_without_phi``.
CHOLESKY_C = gaussian(1301, (4, 4))

#: The :math:`c` of :math:`c^\top A^{-1} b` in the identity
#: ``solve_adjoint_gradient`` and the mistake ``solve_adjoint_untransposed``.
SOLVE_C = gaussian(1411, (4,))

#: The :math:`b` of the least-squares solution :math:`x = A^{+} b` in the identity
#: ``lstsq_matrix_jacobian`` and the mistake ``lstsq_matrix_without_residual``.
LSTSQ_B = gaussian(1412, (6,))

#: The non-symmetric :math:`C` of :math:`\operatorname{tr}(C e^X)` in the identity
#: ``expm_frechet_gradient`` and the mistake ``expm_frechet_commuting``.
EXPM_C = gaussian(1501, (4, 4))
