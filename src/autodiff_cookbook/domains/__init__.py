r"""Random inputs drawn from where a formula is valid.

A hand-derived gradient is usually valid on a set, not everywhere:
:math:`\nabla(-\log\det X) = -X^{-\top}` needs :math:`\det X > 0`, a formula for
:math:`\nabla \log x` needs :math:`x > 0`, a derivative of an eigenvector needs
distinct eigenvalues. A *domain* draws random points of such a set, far enough
from its boundary that rounding cannot push them out, and general enough to
expose mistakes: :func:`invertible` matrices are never symmetric, so a missing
transpose shows.

Every domain has ``.sample(key, dtype)`` (one draw, traceable, so it can run
under :func:`jax.vmap` and :func:`jax.jit`), a readable ``.name``, a ``.shape``
and ``.contains(x)``, which tells whether an array lies in the set. A pytree of
domains (a dict or list of them, say one per weight of a model) is accepted
wherever a domain is; :func:`sample`, :func:`describe` and :func:`contains` work
on both, and :class:`Tree` holds one, validated and flattened once. To add a
set of your own, subclass :class:`Domain` (its documentation has an example).

Complex inputs have :func:`complex`. A model's parameters have :func:`like`
(standard normal leaves shaped and typed like them) and :func:`near` (around
given values, such as trained parameters).

Examples:
    >>> import jax
    >>> from autodiff_cookbook import domains
    >>> d = domains.spd(3)
    >>> print(d.name, d.shape)
    SPD 3x3 (3, 3)
    >>> x = d.sample(jax.random.key(0))
    >>> print(x.dtype, d.contains(x))
    float32 True
"""

from __future__ import annotations

from ._base import Domain as Domain
from ._matrices import distinct_eigenvalues as distinct_eigenvalues
from ._matrices import full_rank as full_rank
from ._matrices import invertible as invertible
from ._matrices import orthogonal as orthogonal
from ._matrices import spd as spd
from ._matrices import symmetric as symmetric
from ._models import like as like
from ._models import near as near
from ._tree import Tree as Tree
from ._tree import contains as contains
from ._tree import describe as describe
from ._tree import sample as sample
from ._vectors import complex as complex
from ._vectors import positive as positive
from ._vectors import real as real
from ._vectors import simplex as simplex
from ._vectors import sphere as sphere

__all__ = [
    "Domain",
    "Tree",
    "complex",
    "contains",
    "describe",
    "distinct_eigenvalues",
    "full_rank",
    "invertible",
    "like",
    "near",
    "orthogonal",
    "positive",
    "real",
    "sample",
    "simplex",
    "spd",
    "sphere",
    "symmetric",
]
