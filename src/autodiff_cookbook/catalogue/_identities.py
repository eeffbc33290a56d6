"""The right formulas of the catalogue, gathered from one module per topic in the order of the page."""

from __future__ import annotations

from . import (
    _determinants,
    _eigen,
    _hessians,
    _inverses,
    _jacobians,
    _linear,
    _losses,
    _norms,
    _quadratic,
    _traces,
)
from ._entry import Identity
from ._registry import Catalogue

__all__ = ["IDENTITIES"]

IDENTITIES: Catalogue[Identity] = Catalogue(
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
