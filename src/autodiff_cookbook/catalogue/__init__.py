r"""Matrix calculus, verified: a catalogue of derivative identities, each checked on its domain.

:data:`IDENTITIES` holds right formulas (gradients, Jacobians and Hessians of
forms, norms, traces, determinants, inverses, eigenvalues and common losses; of
eigenvectors and projectors, Cholesky factors, solves, least squares and the
pseudo-inverse, the matrix exponential, the matrix square root and polar factor,
Kronecker products, softmax and log-softmax): each
is an :class:`Identity`, with the function, the formula for its derivative, LaTeX
for both, the domain where the formula holds, and its source. :data:`MISTAKES`
holds common wrong formulas: each is a :class:`Mistake`, which refers to the
identity it gets wrong and states only its wrong formula and why.
:meth:`Identity.check` verifies a formula against autodiff and finite differences
at random points of the domain; the page *Matrix calculus, verified* checks the
whole catalogue at every build.

Layout: the gradient of a scalar function has the shape of its input,
:math:`(\nabla f)_{ij} = \partial f / \partial X_{ij}`. This is the layout of
:func:`jax.grad` and of the Matrix Cookbook's :math:`\partial f / \partial X`
for scalar :math:`f`.

Examples:
    >>> from autodiff_cookbook import catalogue
    >>> print(len(catalogue.IDENTITIES) >= 90, len(catalogue.MISTAKES) >= 15)
    True True
    >>> entry = catalogue.IDENTITIES["neg_log_det"]
    >>> print(entry.function_latex, "->", entry.derivative_latex)
    -\log \det X -> -X^{-\top}
    >>> print(entry.check().ok)
    True
"""

from __future__ import annotations

from . import _identities, _mistakes
from ._entry import Identity as Identity
from ._entry import Mistake as Mistake
from ._registry import Catalogue as Catalogue
from ._registry import Report as Report
from ._registry import Verification as Verification

__all__ = [
    "IDENTITIES",
    "MISTAKES",
    "Catalogue",
    "Identity",
    "Mistake",
    "Report",
    "Verification",
]

#: The right formulas, by topic, in the order of the page.
IDENTITIES: Catalogue[Identity] = _identities.IDENTITIES

#: Common wrong formulas, each referring to the identity it gets wrong.
MISTAKES: Catalogue[Mistake] = _mistakes.MISTAKES
