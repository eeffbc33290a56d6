r"""Domains shaped like a model's parameters: :func:`like` and :func:`near`.

A model's parameters are a pytree of arrays (a dict of weights, a list of
layers, an Equinox module). :func:`like` gives a pytree of domains with the
same structure, a standard normal leaf shaped and typed like each parameter;
:func:`near` draws around given values instead (trained parameters, say), so a
gradient is checked where the model is actually used.
"""

from __future__ import annotations

import dataclasses
import hashlib
import math
import numbers
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from .._types import Float64Array, PyTree, Xp, XpArray
from ._base import Domain
from ._vectors import complex as complex_domain
from ._vectors import real

__all__: list[str] = []

_HOW_TO_SPLIT = (
    "only floating-point and complex arrays can be differentiated, so split the "
    "other leaves off and check the function of the rest: with Equinox, "
    "`params, static = equinox.partition(model, equinox.is_inexact_array)` and check "
    "`lambda p: loss(equinox.combine(p, static))` on domains.like(params); with plain "
    "pytrees, take the floating leaves apart with jax.tree_util (e.g. a dict without "
    "the others, or jax.tree_util.tree_map replacing them by None) and close over the "
    "rest in the function."
)


def _where(path: tuple[Any, ...]) -> str:
    return f"the leaf at {jax.tree_util.keystr(path)}" if path else "the input"


def _short_repr(leaf: object) -> str:
    text = repr(leaf)
    return text if len(text) <= 60 else text[:57] + "..."


def _leaf_type(
    what: str, path: tuple[Any, ...], leaf: object
) -> tuple[tuple[int, ...], bool]:
    """The shape of a leaf and whether it is complex, or a ValueError naming its path."""
    if isinstance(leaf, bool):
        kind = f"{leaf!r} (bool)"
    elif isinstance(leaf, float):
        return (), False
    elif isinstance(leaf, complex):
        return (), True
    elif hasattr(leaf, "shape") and hasattr(leaf, "dtype"):
        try:
            dtype = np.dtype(leaf.dtype)
        except TypeError:
            dtype = None
        if dtype is not None and jnp.issubdtype(dtype, jnp.inexact):
            return tuple(int(d) for d in leaf.shape), bool(
                jnp.issubdtype(dtype, jnp.complexfloating)
            )
        kind = f"an array of shape {tuple(leaf.shape)} and dtype {leaf.dtype}"
    else:
        kind = f"{_short_repr(leaf)} ({type(leaf).__name__})"
    msg = (
        f"domains.{what}: {_where(path)} is {kind}, not a floating-point or complex "
        f"array; {_HOW_TO_SPLIT}"
    )
    raise ValueError(msg)


def _flatten(what: str, tree: PyTree) -> tuple[list[tuple[Any, Any]], Any]:
    flat, treedef = jax.tree_util.tree_flatten_with_path(tree)
    if not flat:
        msg = (
            f"domains.{what}: {_short_repr(tree)} holds no arrays; pass the model's "
            "parameters, an array or a pytree of arrays."
        )
        raise ValueError(msg)
    return flat, treedef


def like(tree: PyTree) -> PyTree:
    r"""Domains shaped and typed like the leaves of a pytree, standard normal.

    Each leaf of ``tree`` becomes :func:`real` of its shape, or :func:`complex`
    for a complex leaf, in a pytree of the same structure: pass a model's
    parameters to check the gradient of its loss over all of them. The domains
    keep the shapes and whether a leaf is complex, not its precision: a check
    computes in float64 by default, and ``dtype=jnp.float32`` checks in a
    model's own float32 precision.

    Args:
        tree: an array or a pytree of arrays (a dict of weights, a list of
            layers, an Equinox module, any registered pytree); Python floats
            are scalar leaves, and ``jax.ShapeDtypeStruct`` leaves (from
            :func:`jax.eval_shape`) are accepted too.

    Returns:
        A :class:`Domain`, or a pytree of them with the structure of ``tree``.

    Raises:
        ValueError: if a leaf is not a floating-point or complex array (an
            integer, a bool, a string, a function, an integer array, ...); the
            message names its path and dtype or type, and says how to split it
            off (``equinox.partition``, ``jax.tree_util``). Also if ``tree``
            holds no array.

    Examples:
        >>> import jax.numpy as jnp
        >>> from autodiff_cookbook import check_gradient, domains
        >>> params = {"W": jnp.zeros((3, 2)), "b": jnp.zeros(3), "phase": jnp.zeros(2, jnp.complex64)}
        >>> print(domains.describe(domains.like(params)))
        {'W': real 3x2, 'b': real 3, 'phase': complex 2}

        The gradient of a loss over every parameter, in the model's float32:

        >>> params = {"W": jnp.zeros((3, 2)), "b": jnp.zeros(3)}
        >>> result = check_gradient(
        ...     lambda p: jnp.sum(jnp.tanh(p["W"] @ jnp.ones(2) + p["b"]) ** 2),
        ...     lambda p: {
        ...         "W": jnp.outer(2 * jnp.tanh(p["W"] @ jnp.ones(2) + p["b"])
        ...                        / jnp.cosh(p["W"] @ jnp.ones(2) + p["b"]) ** 2, jnp.ones(2)),
        ...         "b": 2 * jnp.tanh(p["W"] @ jnp.ones(2) + p["b"])
        ...              / jnp.cosh(p["W"] @ jnp.ones(2) + p["b"]) ** 2,
        ...     },
        ...     domains.like(params),
        ...     dtype=jnp.float32,
        ... )
        >>> print(result.ok)
        True

        A leaf that cannot be differentiated is named, with what to do:

        >>> domains.like({"W": jnp.zeros(2), "layers": 3})
        Traceback (most recent call last):
            ...
        ValueError: domains.like: the leaf at ['layers'] is 3 (int), not a floating-point or complex array; only floating-point and complex arrays can be differentiated, so split the other leaves off ... equinox.partition(model, equinox.is_inexact_array)` ...
    """
    flat, treedef = _flatten("like", tree)
    leaves: list[Domain] = []
    for path, leaf in flat:
        shape, is_complex = _leaf_type("like", path, leaf)
        leaves.append(complex_domain(shape) if is_complex else real(shape))
    return jax.tree_util.tree_unflatten(treedef, leaves)


@dataclasses.dataclass(frozen=True, repr=False, eq=False)
class Near(Domain):
    r"""Arrays :math:`c + s\,z` around a centre :math:`c`, :math:`z` standard normal.

    Complex for a complex centre, with complex noise (real and imaginary parts
    standard normal). Build it with :func:`near`. Two of them are equal when
    their centres, shapes and scales are; they hash by the centre's bytes, so a
    :class:`Tree` of them is hashable.

    Attributes:
        shape: the shape of the centre.
        centre: the centre, a read-only float64 or complex128 NumPy array.
        scale: the standard deviation of the noise (of each part, if complex).
    """

    centre: np.ndarray[Any, Any]
    scale: float
    _digest: bytes = dataclasses.field(init=False, compare=False)

    def __post_init__(self) -> None:
        super().__post_init__()
        centre = np.array(self.centre, dtype=np.result_type(self.centre, np.float64))
        if centre.shape != self.shape:
            msg = f"the centre has shape {centre.shape}, not the domain's {self.shape}."
            raise ValueError(msg)
        centre.setflags(write=False)
        object.__setattr__(self, "centre", centre)
        object.__setattr__(self, "scale", float(self.scale))
        digest = hashlib.sha256(centre.tobytes())
        digest.update(repr((centre.dtype.str, self.shape, self.scale)).encode())
        object.__setattr__(self, "_digest", digest.digest())

    @property
    def name(self) -> str:
        kind = "complex " if self.is_complex else ""
        return f"near {kind}{self.shape} ± {self.scale:g}"

    @property
    def is_complex(self) -> bool:
        return bool(np.iscomplexobj(self.centre))

    @property
    def noise_size(self) -> int:
        n = math.prod(self.shape)
        return 2 * n if self.is_complex else n

    def from_noise(self, z: XpArray, xp: Xp) -> XpArray:
        n = math.prod(self.shape)
        w = z[..., :n] + 1j * z[..., n:] if self.is_complex else z
        centre = xp.asarray(self.centre.astype(self.sample_dtype(z.dtype)))
        out: XpArray = centre + self.scale * w.reshape(z.shape[:-1] + self.shape)
        return out

    def holds(self, x: Float64Array, tol: float) -> bool:  # noqa: ARG002
        return True

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Near):
            return NotImplemented
        return self._digest == other._digest and bool(
            np.array_equal(self.centre, other.centre)
        )

    def __hash__(self) -> int:
        return hash(self._digest)

    def __repr__(self) -> str:
        return (
            f"Near(shape={self.shape!r}, scale={self.scale!r}, "
            f"dtype={self.centre.dtype})"
        )


def _as_scale(scale: object) -> float:
    real_number = isinstance(scale, numbers.Real) or (
        isinstance(scale, np.ndarray | jax.Array)
        and scale.shape == ()
        and jnp.issubdtype(scale.dtype, jnp.floating)
    )
    if isinstance(scale, bool) or not real_number:
        msg = f"scale must be a finite number > 0, got {scale!r}."
        raise ValueError(msg)
    value = float(scale)  # type: ignore[arg-type]
    if not (math.isfinite(value) and value > 0):
        msg = f"scale must be a finite number > 0, got {scale!r}."
        raise ValueError(msg)
    return value


def near(tree: PyTree, scale: float) -> PyTree:
    r"""Domains around the leaves of a pytree: ``leaf + scale * N(0, 1)``.

    To check a gradient where a model is used, at its trained parameters
    rather than at random ones: each leaf of ``tree`` becomes a domain whose
    samples are the leaf plus ``scale`` times standard normal noise (complex
    noise for a complex leaf), in a pytree of the same structure. As with
    :func:`like`, a check computes in float64 by default; ``dtype=jnp.float32``
    checks in a model's float32 precision.

    Args:
        tree: an array or a pytree of arrays, the centre; Python floats are
            scalar leaves.
        scale: the standard deviation of the noise, a finite number > 0.

    Returns:
        A :class:`Domain` (a ``Near``), or a pytree of them with the structure
        of ``tree``.

    Raises:
        ValueError: if ``scale`` is not a finite number > 0; if a leaf is not a
            floating-point or complex array (the message names its path and
            dtype or type and says how to split it off), holds no values (a
            ``jax.ShapeDtypeStruct``) or has non-finite entries.

    Examples:
        >>> import jax.numpy as jnp
        >>> import numpy as np
        >>> from autodiff_cookbook import domains
        >>> trained = {"W": jnp.ones((3, 2)), "b": jnp.zeros(3)}
        >>> d = domains.near(trained, 0.01)
        >>> print(domains.describe(d))
        {'W': near (3, 2) ± 0.01, 'b': near (3,) ± 0.01}
        >>> xs = domains.Tree.of(d).sample_numpy(np.random.default_rng(0), 1000)
        >>> print(xs["W"].shape, f"{xs['W'].mean():.3f} {xs['W'].std():.3f}")
        (1000, 3, 2) 1.000 0.010
        >>> domains.near(trained, 0.0)
        Traceback (most recent call last):
            ...
        ValueError: scale must be a finite number > 0, got 0.0.
    """
    s = _as_scale(scale)
    flat, treedef = _flatten("near", tree)
    leaves: list[Domain] = []
    for path, leaf in flat:
        shape, is_complex = _leaf_type("near", path, leaf)
        dtype = np.complex128 if is_complex else np.float64
        try:
            centre = np.asarray(leaf, dtype=dtype)
        except (TypeError, ValueError) as err:
            msg = (
                f"domains.near: {_where(path)} has no values to draw around "
                f"({_short_repr(leaf)}); pass arrays, e.g. the trained parameters."
            )
            raise ValueError(msg) from err
        if not np.all(np.isfinite(centre)):
            msg = (
                f"domains.near: {_where(path)} has non-finite entries (NaN or inf); "
                "draw around finite values."
            )
            raise ValueError(msg)
        leaves.append(Near(shape, centre, s))
    return jax.tree_util.tree_unflatten(treedef, leaves)
