"""The type aliases of the checking library, defined once and imported everywhere.

JAX has no static type for a pytree, so :data:`PyTree` is :data:`~typing.Any`
under a name that says what is meant; every other alias is as precise as the
value it names.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from types import ModuleType
from typing import TYPE_CHECKING, Any, Literal, TypeAlias, TypedDict

import numpy as np
from jax import Array
from jax.typing import ArrayLike as ArrayLike
from jax.typing import DTypeLike as DTypeLike

if TYPE_CHECKING:  # the domains import this module
    from .domains import Domain

__all__ = [
    "ArrayLike",
    "Batching",
    "CheckOptions",
    "DTypeLike",
    "DomainTree",
    "Float64Array",
    "FloatArray",
    "JacobianCheckOptions",
    "JacobianMode",
    "KeyLike",
    "Kind",
    "PyTree",
    "PyTreeFunction",
    "Xp",
    "XpArray",
]

#: A pytree of arrays (an array, or nested dicts, lists and tuples of them).
PyTree: TypeAlias = Any

#: A :class:`~autodiff_cookbook.domains.Domain`, or a pytree of them (a dict or
#: list of domains, say one per weight of a model). Typed with the read-only
#: :class:`~collections.abc.Mapping` and :class:`~collections.abc.Sequence`, so
#: that a ``dict[str, Domain]`` is one.
DomainTree: TypeAlias = "Domain | Sequence[DomainTree] | Mapping[Any, DomainTree]"

#: An integer seed or a JAX PRNG key (typed, or raw ``uint32[2]`` data).
KeyLike: TypeAlias = int | np.integer[Any] | Array

#: A function of one input (an array or a pytree) returning an array or a pytree.
PyTreeFunction: TypeAlias = Callable[[PyTree], PyTree]

#: What a check compares: a gradient, a Jacobian or a Hessian.
Kind: TypeAlias = Literal["gradient", "jacobian", "hessian"]

#: How :func:`~autodiff_cookbook.check_jacobian` computes the reference Jacobian.
JacobianMode: TypeAlias = Literal["auto", "fwd", "rev"]

#: How a check loops over its trials in compiled code.
Batching: TypeAlias = Literal["map", "vmap"]

#: An array namespace that a domain's transforms are written against:
#: :mod:`numpy` or :mod:`jax.numpy`.
Xp: TypeAlias = ModuleType

#: A NumPy array of float64 values, as the host-side statistics use.
Float64Array: TypeAlias = np.ndarray[Any, np.dtype[np.float64]]

#: A NumPy array of floating-point values of any precision.
FloatArray: TypeAlias = np.ndarray[Any, np.dtype[np.floating[Any]]]

#: An array of an :data:`Xp` namespace: a NumPy or a JAX array (what a domain's
#: ``from_noise`` takes and returns).
XpArray: TypeAlias = np.ndarray[Any, Any] | Array


class CheckOptions(TypedDict, total=False):
    """The keyword options of the gradient and Hessian checks.

    Those of :func:`~autodiff_cookbook.check_gradient` and
    :func:`~autodiff_cookbook.check_hessian`, which their ``assert_*`` twins
    pass on.
    """

    trials: int
    key: KeyLike
    rtol: float | None
    atol: float | None
    dtype: DTypeLike | None
    fd_directions: int
    fd_rtol: float | None
    batching: Batching
    optimize: bool


class JacobianCheckOptions(CheckOptions, total=False):
    """The keyword options of :func:`~autodiff_cookbook.check_jacobian`.

    Those of :class:`CheckOptions`, and ``mode``.
    """

    mode: JacobianMode
