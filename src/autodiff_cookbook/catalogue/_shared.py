"""The constants that an identity and a mistake about it both use, drawn once here.

A wrong formula such as :math:`2 A x` for the gradient of :math:`x^\\top A x` must
use the same :math:`A` as the function it gets wrong, so that matrix lives here,
and the module of the identity and the module of the mistakes both import it.
"""

from __future__ import annotations

from ._constants import gaussian

__all__ = ["QUADRATIC_FORM_A", "QUADRATIC_FORM_HESSIAN_A"]

#: The non-symmetric :math:`A` of :math:`x^\top A x` in the identities
#: ``quadratic_form`` and ``quadratic_form_affine``, and of the mistake
#: ``quadratic_form_2ax``.
QUADRATIC_FORM_A = gaussian(201, (4, 4))

#: The non-symmetric :math:`A` of :math:`x^\top A x` in the identity
#: ``quadratic_form_hessian`` and the mistake ``quadratic_form_hessian_2a``.
QUADRATIC_FORM_HESSIAN_A = gaussian(1001, (4, 4))
