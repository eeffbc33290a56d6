r"""Hypothesis strategies: members of a domain, for property-based tests.

:func:`samples` turns a :class:`~autodiff_cookbook.domains.Domain` (or a pytree
of them) into a `Hypothesis <https://hypothesis.readthedocs.io>`_ strategy, so
a test can state a property of a formula (an identity, a symmetry, a bound)
for every member of the set where the formula holds, and Hypothesis searches
for a counterexample. A failure shrinks toward simple members: each draw is
the domain's transform of bounded noise, and Hypothesis shrinks the noise
toward zero (the zero vector for :func:`~autodiff_cookbook.domains.real`).

Hypothesis is an optional extra: ``pip install autodiff-cookbook[hypothesis]``.

Examples:
    >>> import numpy as np
    >>> from hypothesis import given, settings
    >>> from autodiff_cookbook import domains
    >>> from autodiff_cookbook.strategies import samples
    >>> @settings(max_examples=5, deadline=None, database=None)
    ... @given(samples(domains.spd(3)))
    ... def test_cholesky_exists(a):
    ...     np.linalg.cholesky(a)  # raises unless a is positive definite
    >>> test_cholesky_exists()
    >>> print("no counterexample")
    no counterexample
"""

from __future__ import annotations

from typing import Any

import jax
import numpy as np

from . import domains
from ._types import DomainTree, DTypeLike, PyTree

try:  # imported for the annotation, so that the API reference can read it
    from hypothesis.strategies import SearchStrategy
except ImportError:  # without the optional extra: samples() says how to install it
    SearchStrategy = Any  # type: ignore[misc,assignment]

__all__ = ["samples"]

#: The noise of each draw lies in [-NOISE_BOUND, NOISE_BOUND]: as wide as a
#: standard normal draw gets in practice, bounded so no draw overflows.
NOISE_BOUND = 5.0


def _real_dtype(dtype: DTypeLike | None) -> np.dtype[Any]:
    if dtype is None:
        return np.dtype(np.float64)
    try:
        dt = np.dtype(dtype)
    except TypeError as err:
        msg = f"dtype must be a real floating-point dtype such as np.float64, got {dtype!r}."
        raise TypeError(msg) from err
    if not np.issubdtype(dt, np.floating):
        msg = (
            f"dtype must be a real floating-point dtype such as np.float64, got {dt}; "
            "a complex domain's samples take the complex counterpart of it."
        )
        raise TypeError(msg)
    return dt


def samples(
    domain: DomainTree | domains.Tree, dtype: DTypeLike | None = None
) -> SearchStrategy[PyTree]:
    r"""A Hypothesis strategy of members of a domain, or of a pytree of domains.

    Each leaf draws its noise (:attr:`~autodiff_cookbook.domains.Domain.noise_size`
    numbers in :math:`[-5, 5]`, no NaN or inf) and turns it into a member with
    the domain's own transform
    (:meth:`~autodiff_cookbook.domains.Domain.from_noise`), so every example is
    in the set; the rare noise that the transform cannot map (all zeros for
    :func:`~autodiff_cookbook.domains.sphere`) is filtered out. Hypothesis
    shrinks the noise toward zero, so a failing example shrinks toward a simple
    member: the zero vector for :func:`~autodiff_cookbook.domains.real`, the
    identity's neighbourhood for the matrix domains.

    Args:
        domain: a :class:`~autodiff_cookbook.domains.Domain`, a pytree of them
            or a :class:`~autodiff_cookbook.domains.Tree`.
        dtype: the real precision of the examples, float64 when omitted; a
            complex domain's examples have its complex counterpart (complex128
            for float64, complex64 for float32).

    Returns:
        A strategy of NumPy arrays (or of pytrees of them, with the structure
        of ``domain``).

    Raises:
        ImportError: if Hypothesis is not installed; the message says
            ``pip install autodiff-cookbook[hypothesis]``.
        TypeError: if a leaf of ``domain`` is not a domain, or ``dtype`` is not
            a real floating-point dtype.

    Examples:
        >>> import numpy as np
        >>> from hypothesis import find, settings
        >>> from autodiff_cookbook import domains
        >>> from autodiff_cookbook.strategies import samples
        >>> quiet = settings(database=None)
        >>> print(find(samples(domains.real(3)), lambda x: True, settings=quiet))
        [0. 0. 0.]
        >>> params = {"W": domains.real((2, 2)), "z": domains.complex(2)}
        >>> x = find(samples(params, np.float32), lambda x: True, settings=quiet)
        >>> print({k: (v.shape, str(v.dtype)) for k, v in x.items()})
        {'W': ((2, 2), 'float32'), 'z': ((2,), 'complex64')}
    """
    try:
        from hypothesis import strategies as st
        from hypothesis.extra import numpy as hnp
    except ImportError as err:
        msg = (
            "autodiff_cookbook.strategies needs Hypothesis, an optional extra: "
            "pip install autodiff-cookbook[hypothesis]"
        )
        raise ImportError(msg) from err
    tree = domains.Tree.of(domain)
    dt = _real_dtype(dtype)
    elements = st.floats(
        -NOISE_BOUND, NOISE_BOUND, allow_nan=False, allow_infinity=False
    )
    noise = st.tuples(
        *(
            hnp.arrays(np.float64, (d.noise_size,), elements=elements)
            for d in tree.leaves
        )
    )

    def member(zs: tuple[np.ndarray[Any, Any], ...]) -> PyTree:
        with np.errstate(all="ignore"):  # degenerate noise is filtered out below
            leaves = [
                np.asarray(d.from_noise(z, np), dtype=d.sample_dtype(dt))
                for d, z in zip(tree.leaves, zs, strict=True)
            ]
        return jax.tree_util.tree_unflatten(tree.treedef, leaves)

    return noise.map(member).filter(tree.contains)
