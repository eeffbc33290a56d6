"""The right formulas of the catalogue, gathered from one module per topic in the order of the page."""

from __future__ import annotations

from . import (
    _cholesky,
    _determinants,
    _eigen,
    _eigenvectors,
    _expm,
    _hessians,
    _inverses,
    _jacobians,
    _kronecker,
    _linear,
    _losses,
    _norms,
    _quadratic,
    _roots,
    _softmax,
    _solves,
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
        *_eigenvectors.ENTRIES,
        *_cholesky.ENTRIES,
        *_solves.ENTRIES,
        *_expm.ENTRIES,
        *_roots.ENTRIES,
        *_kronecker.ENTRIES,
        *_softmax.ENTRIES,
    )
)
