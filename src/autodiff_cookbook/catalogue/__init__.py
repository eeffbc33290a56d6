r"""Matrix calculus, verified: a catalogue of derivative identities, each checked on its domain.

:data:`IDENTITIES` holds right formulas (gradients, Jacobians and Hessians of
forms, norms, traces, determinants, inverses, eigenvalues and common losses), and
:data:`MISTAKES` holds common wrong ones. Every entry is an :class:`Identity`: the
function, the formula for its derivative, LaTeX for both, the domain where the
formula holds, and its source. :meth:`Identity.check` verifies the formula against
autodiff and finite differences at random points of the domain; the page
*Matrix calculus, verified* checks the whole catalogue at every build.

Layout: the gradient of a scalar function has the shape of its input,
:math:`(\nabla f)_{ij} = \partial f / \partial X_{ij}`. This is the layout of
:func:`jax.grad` and of the Matrix Cookbook's :math:`\partial f / \partial X`
for scalar :math:`f`.

Examples:
    >>> from autodiff_cookbook import catalogue
    >>> print(len(catalogue.IDENTITIES) >= 50, len(catalogue.MISTAKES) >= 8)
    True True
    >>> entry = catalogue.IDENTITIES["neg_log_det"]
    >>> print(entry.function_latex, "->", entry.derivative_latex)
    -\log \det X -> -X^{-\top}
    >>> print(entry.check().ok)
    True
"""

from __future__ import annotations

from ..checks import (
    CheckResult as CheckResult,  # autodoc resolves the annotations of the classes here
)
from . import (
    _determinants,
    _eigen,
    _hessians,
    _inverses,
    _jacobians,
    _linear,
    _losses,
    _mistakes,
    _norms,
    _quadratic,
    _traces,
)
from ._entry import Identity
from ._registry import Catalogue, Report, Verification

__all__ = ["IDENTITIES", "MISTAKES", "Catalogue", "Identity", "Report", "Verification"]

# Documented under the public module, not the private ones that define them.
for _cls in (Identity, Catalogue, Report, Verification):
    _cls.__module__ = __name__

#: The right formulas, by topic, in the order of the page.
IDENTITIES: Catalogue = Catalogue(
    (
        *_linear.ENTRIES,
        *_quadratic.ENTRIES,
        *_norms.ENTRIES,
        *_traces.ENTRIES,
        *_determinants.ENTRIES,
        *_inverses.ENTRIES,
        *_eigen.ENTRIES,
        *_losses.ENTRIES,
        *_jacobians.ENTRIES,
        *_hessians.ENTRIES,
    )
)

#: Common wrong formulas, each naming (in ``correct_id``) the right entry it gets wrong.
MISTAKES: Catalogue = Catalogue(_mistakes.ENTRIES)
