"""A pytree of domains as one value, walked once: :class:`Tree`, and the functions over it."""

from __future__ import annotations

import dataclasses
import math

import jax
import numpy as np
from jax.tree_util import PyTreeDef

from .._types import DomainTree, DTypeLike, Float64Array, KeyLike, PyTree
from .._util import as_key, float_dtype
from ._base import Domain

__all__: list[str] = []


def _is_domain(node: object) -> bool:
    return isinstance(node, Domain)


def _describe(node: PyTree) -> str:
    """The names of the domains in ``node``, laid out like the pytree."""
    if isinstance(node, Domain):
        return node.name
    if isinstance(node, dict):
        return "{" + ", ".join(f"{k!r}: {_describe(v)}" for k, v in node.items()) + "}"
    if isinstance(node, list):
        return "[" + ", ".join(_describe(v) for v in node) + "]"
    if type(node) is tuple:
        inner = ", ".join(_describe(v) for v in node)
        return f"({inner},)" if len(node) == 1 else f"({inner})"
    flat, _ = jax.tree_util.tree_flatten_with_path(node, is_leaf=_is_domain)
    return "; ".join(f"{jax.tree_util.keystr(p)}: {_describe(d)}" for p, d in flat)


@dataclasses.dataclass(frozen=True)
class Tree:
    """A domain or a pytree of domains, validated and flattened once.

    Build it with :meth:`Tree.of`; the checkers do so once per check and pass
    it down. It is hashable, and two trees of equal domains in the same
    structure are equal.

    Attributes:
        leaves: the domains, in JAX's leaf order.
        treedef: the structure of the pytree, with the domains as its leaves.
        paths: where each leaf sits, as :func:`jax.tree_util.keystr` writes it
            (``"['W']"``, ``"[1]"``); ``""`` for a bare domain.
        name: a readable name, the domains' names laid out like the pytree
            (what :func:`describe` returns).

    Examples:
        >>> from autodiff_cookbook import domains
        >>> tree = domains.Tree.of({"W": domains.real((2, 3)), "b": domains.positive(2)})
        >>> print(tree.name)
        {'W': real 2x3, 'b': positive 2}
        >>> print(tree.paths, tree.shapes, tree.size, tree.single)
        ("['W']", "['b']") ((2, 3), (2,)) 8 False
        >>> bare = domains.Tree.of(domains.spd(2))
        >>> print(repr(bare.paths[0]), bare.single, domains.Tree.of(bare) is bare)
        '' True True
    """

    leaves: tuple[Domain, ...]
    treedef: PyTreeDef
    paths: tuple[str, ...]
    name: str

    def __post_init__(self) -> None:
        if not len(self.leaves) == len(self.paths) == self.treedef.num_leaves:
            msg = (
                f"a Tree needs one path per leaf and a treedef with as many leaves; "
                f"got {len(self.leaves)} leaves, {len(self.paths)} paths and a treedef "
                f"of {self.treedef.num_leaves}: build it with domains.Tree.of(...)."
            )
            raise ValueError(msg)

    @classmethod
    def of(cls, domain: DomainTree | Tree) -> Tree:
        """Validate and flatten a domain or a pytree of domains.

        Args:
            domain: a :class:`Domain`, a dict, list or tuple of them (nested as
                you like, or any registered pytree), or a :class:`Tree`, which is
                returned as it is.

        Returns:
            The tree.

        Raises:
            TypeError: if a leaf is not a domain; the message names its path.
            ValueError: if the pytree holds no domain.

        Examples:
            >>> from autodiff_cookbook import domains
            >>> print(domains.Tree.of([domains.spd(2), domains.simplex(3)]).name)
            [SPD 2x2, simplex 3]
            >>> domains.Tree.of({"a": domains.real(2), "b": 3})
            Traceback (most recent call last):
                ...
            TypeError: expected a domain at ['b'], got 3 (int); build domains with the constructors of autodiff_cookbook.domains, e.g. domains.real(3).
        """
        if isinstance(domain, Tree):
            return domain
        flat, treedef = jax.tree_util.tree_flatten_with_path(domain, is_leaf=_is_domain)
        if not flat:
            msg = (
                f"expected a domain or a pytree of domains, got {domain!r}, which "
                "holds none; pass e.g. domains.real(3)."
            )
            raise ValueError(msg)
        leaves: list[Domain] = []
        for path, leaf in flat:
            if not isinstance(leaf, Domain):
                where = f" at {jax.tree_util.keystr(path)}" if path else ""
                hint = (
                    f"domains.real({leaf!r})"
                    if isinstance(leaf, int | tuple)
                    else "domains.real(shape)"
                )
                msg = (
                    f"expected a domain{where}, got {leaf!r} ({type(leaf).__name__}); "
                    f"build domains with the constructors of autodiff_cookbook.domains, "
                    f"e.g. {hint}."
                )
                raise TypeError(msg)
            leaves.append(leaf)
        return cls(
            leaves=tuple(leaves),
            treedef=treedef,
            paths=tuple(jax.tree_util.keystr(path) for path, _ in flat),
            name=_describe(domain),
        )

    @property
    def shapes(self) -> tuple[tuple[int, ...], ...]:
        """The shape of each leaf's samples."""
        return tuple(d.shape for d in self.leaves)

    @property
    def size(self) -> int:
        """The number of entries of one sample, over all leaves."""
        return sum(math.prod(shape) for shape in self.shapes)

    @property
    def single(self) -> bool:
        """Whether the tree is one bare :class:`Domain` (not a container of one)."""
        return jax.tree_util.treedef_is_leaf(self.treedef)

    def sample(self, key: KeyLike, dtype: DTypeLike | None = None) -> PyTree:
        """Draw one sample of every domain, each leaf with its own key.

        Traceable, like :meth:`Domain.sample`. A bare domain draws with ``key``
        itself; the leaves of a container draw with keys split from it.

        Args:
            key: a JAX PRNG key or an integer seed.
            dtype: a real floating-point dtype; JAX's default float when omitted.

        Returns:
            An array, or a pytree of arrays with the structure of the tree; each
            leaf in ``dtype``, or in its complex counterpart for a complex domain
            (:meth:`Domain.sample_dtype`).

        Raises:
            TypeError: for an integer, boolean or complex dtype, or a bad key.
            ValueError: for float64 while JAX's 64-bit mode is off.

        Examples:
            >>> import jax
            >>> from autodiff_cookbook import domains
            >>> tree = domains.Tree.of([domains.sphere(2), domains.positive(())])
            >>> u, s = tree.sample(jax.random.key(0))
            >>> print(u.shape, s.shape, tree.contains([u, s]))
            (2,) () True
        """
        dt = float_dtype(dtype)
        k = as_key(key)
        if self.single:
            return self.leaves[0].sample(k, dt)
        keys = jax.random.split(k, len(self.leaves))
        return jax.tree_util.tree_unflatten(
            self.treedef, [d.sample(keys[i], dt) for i, d in enumerate(self.leaves)]
        )

    def sample_numpy(
        self, rng: np.random.Generator, count: int, dtype: DTypeLike = np.float64
    ) -> PyTree:
        """Draw ``count`` samples of every domain with NumPy, stacked along a first axis.

        Args:
            rng: a :class:`numpy.random.Generator`; the leaves draw from it in turn.
            count: the number of samples.
            dtype: the dtype of the result; a complex domain's leaf has its
                complex counterpart (:meth:`Domain.sample_dtype`).

        Returns:
            A NumPy array of shape ``(count,) + shape``, or a pytree of them with
            the structure of the tree.

        Examples:
            >>> import numpy as np
            >>> from autodiff_cookbook import domains
            >>> tree = domains.Tree.of({"A": domains.spd(3), "p": domains.simplex(4)})
            >>> xs = tree.sample_numpy(np.random.default_rng(0), 5, np.float32)
            >>> print({k: (v.shape, str(v.dtype)) for k, v in xs.items()})
            {'A': ((5, 3, 3), 'float32'), 'p': ((5, 4), 'float32')}
            >>> zs = domains.Tree.of([domains.complex(2), domains.real(())])
            >>> print([str(v.dtype) for v in zs.sample_numpy(np.random.default_rng(0), 5)])
            ['complex128', 'float64']
        """
        return jax.tree_util.tree_unflatten(
            self.treedef, [d.sample_numpy(rng, count, dtype) for d in self.leaves]
        )

    def radius(self, xs: PyTree) -> Float64Array:
        """Per sample, the smallest :meth:`Domain.radius` over the leaves.

        A leaf without entries (a shape with a zero in it) has no boundary and
        is left out.

        Args:
            xs: samples stacked along a first axis, with the structure of the
                tree (as :meth:`sample_numpy` returns them); a complex domain's
                leaf is complex and unbounded.

        Returns:
            A float64 array of shape ``(count,)``; ``inf`` for a sample that no
            leaf bounds.

        Raises:
            ValueError: if ``xs`` does not have the structure of the tree.

        Examples:
            >>> import numpy as np
            >>> from autodiff_cookbook import domains
            >>> tree = domains.Tree.of({"s": domains.positive(2), "x": domains.real(2)})
            >>> xs = {"s": np.array([[0.5, 2.0], [3.0, 4.0]]), "x": np.zeros((2, 2))}
            >>> print(tree.radius(xs))
            [0.5 3. ]
        """
        try:
            stacked = self.treedef.flatten_up_to(xs)
        except ValueError as err:
            msg = (
                f"the samples do not have the structure of the domain {self.name!r} "
                f"({err}); pass them as sample_numpy returns them."
            )
            raise ValueError(msg) from err
        arrays = [
            np.asarray(x, d.sample_dtype(np.float64))
            for d, x in zip(self.leaves, stacked, strict=True)
        ]
        count = arrays[0].shape[0]
        radii = [
            d.radius(x)
            for d, x in zip(self.leaves, arrays, strict=True)
            if math.prod(d.shape)
        ]
        if not radii:
            return np.full(count, np.inf)
        return np.asarray(np.min(np.stack(radii), axis=0), np.float64)

    def contains(self, x: PyTree, *, tol: float | None = None) -> bool:
        """Tell whether ``x`` has the structure of the tree and each leaf lies in its domain.

        Args:
            x: an array, or a pytree of arrays.
            tol: the relative tolerance passed to :meth:`Domain.contains`.

        Returns:
            ``True`` if ``x`` has the structure of the tree and each leaf of it
            lies in its domain.

        Examples:
            >>> import numpy as np
            >>> from autodiff_cookbook import domains
            >>> tree = domains.Tree.of([domains.simplex(2), domains.positive(())])
            >>> print(tree.contains([np.array([0.25, 0.75]), np.array(2.0)]),
            ...       tree.contains([np.array([0.25, 0.75])]))
            True False
        """
        xs, x_treedef = jax.tree_util.tree_flatten(x)
        if x_treedef != self.treedef:
            return False
        return all(d.contains(v, tol=tol) for d, v in zip(self.leaves, xs, strict=True))


def sample(
    tree: DomainTree | Tree, key: KeyLike, dtype: DTypeLike | None = None
) -> PyTree:
    """Draw one sample of a domain or of every domain in a pytree of domains.

    Each leaf gets its own key, split from ``key``.

    Args:
        tree: a :class:`Domain`, or a dict, list or tuple (nested as you like) of them.
        key: a JAX PRNG key or an integer seed.
        dtype: a real floating-point dtype; JAX's default float when omitted.

    Returns:
        An array, or a pytree of arrays with the structure of ``tree``.

    Raises:
        TypeError: if a leaf of ``tree`` is not a domain, or for a bad dtype or key.

    Examples:
        >>> import jax
        >>> from autodiff_cookbook import domains
        >>> tree = {"W": domains.real((2, 3)), "b": domains.positive(2)}
        >>> params = domains.sample(tree, jax.random.key(0))
        >>> print({k: v.shape for k, v in params.items()})
        {'W': (2, 3), 'b': (2,)}
    """
    return Tree.of(tree).sample(key, dtype)


def describe(tree: DomainTree | Tree) -> str:
    """A readable name for a domain or a pytree of domains.

    Args:
        tree: a :class:`Domain` or a pytree of them.

    Returns:
        The domain's name, or the names laid out like the pytree.

    Raises:
        TypeError: if a leaf of ``tree`` is not a domain.

    Examples:
        >>> from autodiff_cookbook import domains
        >>> print(domains.describe([domains.spd(2), domains.simplex(3)]))
        [SPD 2x2, simplex 3]
    """
    return Tree.of(tree).name


def contains(tree: DomainTree | Tree, x: PyTree, *, tol: float | None = None) -> bool:
    """Tell whether ``x`` lies in a domain, or every leaf of ``x`` in its domain.

    Args:
        tree: a :class:`Domain` or a pytree of them.
        x: an array, or a pytree of arrays with the structure of ``tree``.
        tol: the relative tolerance passed to :meth:`Domain.contains`.

    Returns:
        ``True`` if ``x`` has the structure of ``tree`` and each leaf lies in its domain.

    Raises:
        TypeError: if a leaf of ``tree`` is not a domain.

    Examples:
        >>> import jax.numpy as jnp
        >>> from autodiff_cookbook import domains
        >>> tree = {"p": domains.simplex(2), "s": domains.positive(())}
        >>> print(domains.contains(tree, {"p": jnp.array([0.25, 0.75]), "s": jnp.array(2.0)}))
        True
    """
    return Tree.of(tree).contains(x, tol=tol)
