r"""The functions of the page *Sparse Jacobians and Hessians by colouring*.

Forward mode builds a Jacobian :math:`J \in \mathbb{R}^{m \times n}` one column
at a time, one Jacobian-vector product (JVP) per input: :math:`n` of them. When
two columns :math:`i` and :math:`j` have no nonzero row in common, one JVP along
:math:`e_i + e_j` returns both, each in its own rows. A *colouring* gives every
column a colour so that columns of one colour never share a row; then one JVP
per colour, along the sum of that colour's basis vectors, recovers all of
:math:`J`, and the number of JVPs drops from :math:`n` to the number of colours
:math:`k` (Curtis, Powell and Reid, 1974). In matrix form, with the seed matrix
:math:`S \in \{0, 1\}^{n \times k}`, :math:`S_{jc} = 1` when column :math:`j`
has colour :math:`c`, the compressed Jacobian is :math:`B = J S` and

.. math::

    J_{rj} = B_{r,\, c(j)} \quad \text{for every } (r, j) \text{ in the sparsity pattern}.

- :func:`sparsity_pattern` finds which outputs can depend on which inputs, from
  the program rather than from values;
- :func:`colour_columns` colours the columns greedily (a distance-2 colouring of
  the bipartite row-column graph);
- :func:`seed_matrix` is :math:`S`, and :func:`colouring_conflicts` lists the
  pairs of columns that a colouring wrongly puts together;
- :func:`sparse_jacobian` computes :math:`J S` with :math:`k` JVPs, batched by
  :func:`jax.vmap`, and decompresses it into a
  ``jax.experimental.sparse.BCOO`` matrix;
- :func:`sparse_hessian` does the same for a Hessian with :math:`k`
  Hessian-vector products (forward over reverse).

The page's examples are :func:`bratu_residual` (a fourth-order finite-difference
discretisation, a banded Jacobian with five colours at any size) and
:func:`rosenbrock` (a tridiagonal Hessian, three colours).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np
from jax import Array
from jax.experimental import sparse
from jax.extend.core import ClosedJaxpr, Jaxpr, Literal
from jax.typing import ArrayLike
from numpy.typing import ArrayLike as HostArray

from ._arrays import float_array

__all__ = [
    "bratu_residual",
    "colour_columns",
    "colouring_conflicts",
    "rosenbrock",
    "seed_matrix",
    "sparse_hessian",
    "sparse_jacobian",
    "sparsity_pattern",
]

# Primitives whose inner jaxpr is a plain function call: interpreted in place.
_CALLS = frozenset(
    {
        "jit",
        "pjit",
        "closed_call",
        "core_call",
        "remat",
        "checkpoint",
        "custom_jvp_call",
    }
)


# -- finding the pattern ----------------------------------------------------------------


def _read(env: dict[Any, Any], v: Any) -> Any:
    return v.val if isinstance(v, Literal) else env[v]


def _union_jaxpr(closed: ClosedJaxpr) -> ClosedJaxpr:
    """``closed`` with every ``select_n`` replaced by the union of its cases."""
    struct = jax.ShapeDtypeStruct
    avals = [struct(v.aval.shape, v.aval.dtype) for v in closed.jaxpr.invars]  # type: ignore[no-untyped-call]

    def run(*args: Any) -> list[Any]:
        return _union_eval(closed.jaxpr, closed.consts, args)

    return jax.make_jaxpr(run)(*avals)


def _rewrite(param: Any) -> Any:
    if isinstance(param, ClosedJaxpr):
        return _union_jaxpr(param)
    if (
        isinstance(param, tuple)
        and param
        and all(isinstance(p, ClosedJaxpr) for p in param)
    ):
        return tuple(_union_jaxpr(p) for p in param)
    return param


def _union_eval(jaxpr: Jaxpr, consts: Sequence[Any], args: Sequence[Any]) -> list[Any]:
    """Evaluate a linear jaxpr, reading ``select_n`` as "every case at once".

    A ``select_n`` (from :func:`jax.numpy.where`, :func:`jax.nn.relu`,
    :func:`jax.numpy.maximum`'s rule...) passes on the tangent of the case chosen
    at the linearisation point only. Adding all its cases instead keeps a NaN
    from any of them: the dependency holds for some input, so it is in the
    pattern. Call primitives are evaluated recursively, control-flow primitives
    with their inner jaxprs rewritten the same way.
    """
    env: dict[Any, Any] = dict(zip(jaxpr.constvars, consts, strict=True))
    env.update(zip(jaxpr.invars, args, strict=True))
    for eqn in jaxpr.eqns:
        invals = [_read(env, v) for v in eqn.invars]
        name = eqn.primitive.name
        if name == "select_n":
            outvals = [sum(invals[2:], invals[1])]
        elif name in _CALLS and "jaxpr" in eqn.params:
            inner = eqn.params["jaxpr"]
            if isinstance(inner, ClosedJaxpr):
                outvals = _union_eval(inner.jaxpr, inner.consts, invals)
            else:
                outvals = _union_eval(inner, (), invals)
        else:
            params = {k: _rewrite(p) for k, p in eqn.params.items()}
            out = eqn.primitive.bind(*invals, **params)  # type: ignore[no-untyped-call]
            outvals = list(out) if eqn.primitive.multiple_results else [out]
        env.update(zip(eqn.outvars, outvals, strict=True))
    return [_read(env, v) for v in jaxpr.outvars]


def _vector_function(f: Callable[[Array], Array], x: Array, what: str) -> int:
    """Check that ``f`` maps the vector ``x`` to a vector; return the output size."""
    if x.ndim != 1:
        msg = f"{what} needs a vector x (one dimension), got shape {x.shape}; flatten it first."
        raise ValueError(msg)
    out = jax.eval_shape(f, x)
    if not hasattr(out, "shape") or len(out.shape) != 1:
        shape = getattr(out, "shape", type(out).__name__)
        msg = f"{what} needs f to return a vector (one dimension), got {shape}; flatten it first."
        raise ValueError(msg)
    return int(out.shape[0])


def sparsity_pattern(
    f: Callable[[Array], Array], x: ArrayLike, *, batch_size: int = 256
) -> np.ndarray:
    r"""Which outputs of ``f`` can depend on which inputs: the pattern of its Jacobian.

    The pattern is read from the program, not from the values of the Jacobian at
    ``x``, which can vanish by accident (a ``relu`` that is off at ``x``, a
    product with a coordinate that happens to be 0) and then turn on elsewhere.
    The method: linearise ``f`` at ``x`` (:func:`jax.linearize`) and push each
    basis vector through the linear map with its 1 replaced by NaN. Arithmetic
    keeps a NaN (``0 * nan`` and ``nan + 1`` are NaN), so output :math:`r` is NaN
    exactly when its tangent reads input :math:`j` somewhere, whatever the values.
    The one operation that drops a tangent by value is ``select_n``
    (:func:`jax.numpy.where`, and the rules of ``relu``, ``maximum``, ``abs``...):
    it is evaluated as the union of its cases, so both branches count. The result
    is the pattern of ``f`` at every input where :func:`jax.lax.cond` and
    :func:`jax.lax.while_loop` (if any) take the branches and trip counts they
    take at ``x``; without those, at every input. It may contain entries that are
    always zero (a dense matrix product with a matrix of zeros counts), never
    misses one that is not.

    It costs :math:`n` JVPs, like a dense Jacobian, batched ``batch_size`` at a
    time so that memory stays :math:`O(\text{batch\_size} \cdot m)` on the device:
    compute it once, and reuse it and its colouring at every point.

    Args:
        f: a function from a vector of size :math:`n` to a vector of size
            :math:`m`, traceable by JAX. For a Hessian's pattern pass
            ``jax.grad(f)``.
        x: a vector of floats where to linearise (any point where ``f`` is
            finite and the branches taken are the usual ones).
        batch_size: how many basis vectors to push through at once.

    Returns:
        A boolean NumPy array of shape ``(m, n)``, True where
        :math:`\partial f_r / \partial x_j` can be nonzero.

    Raises:
        TypeError: if ``x`` is not a floating-point array.
        ValueError: if ``x`` or ``f(x)`` is not a vector, or ``batch_size < 1``.

    Examples:
        >>> import jax
        >>> import jax.numpy as jnp
        >>> from autodiff_cookbook.examples.sparse_jacobians import sparsity_pattern
        >>> def f(x):  # relu is off at x[1] = -1: its Jacobian entry is 0 there
        ...     return jnp.stack([x[0] * x[1], jax.nn.relu(x[1]) + x[2], 2 * x[2]])
        >>> x = jnp.array([0.0, -1.0, 3.0])
        >>> print(sparsity_pattern(f, x).astype(int))
        [[1 1 0]
         [0 1 1]
         [0 0 1]]
        >>> print((jax.jacfwd(f)(x) != 0).astype(int))  # the values miss two entries
        [[1 0 0]
         [0 0 1]
         [0 0 1]]
    """
    x = float_array(x, "sparsity_pattern")
    m = _vector_function(f, x, "sparsity_pattern")
    if batch_size < 1:
        msg = f"batch_size must be at least 1, got {batch_size}."
        raise ValueError(msg)
    n = x.shape[0]
    if n == 0 or m == 0:
        return np.zeros((m, n), dtype=bool)
    batch = min(batch_size, n)

    @jax.jit
    def all_columns(x: Array) -> Array:
        # Linearised inside one compiled program: the residuals are values of
        # this trace, constants of the linear jaxpr.
        _, linear = jax.linearize(f, x)
        closed = jax.make_jaxpr(linear)(x)

        def depends(j: Array) -> Array:
            tangent = jnp.zeros(n, x.dtype).at[j].set(jnp.nan)
            (out,) = _union_eval(closed.jaxpr, closed.consts, [tangent])
            return jnp.isnan(jnp.broadcast_to(out, (m,)))

        return jnp.asarray(jax.lax.map(depends, jnp.arange(n), batch_size=batch))

    columns = all_columns(x)
    return np.asarray(columns).T.copy()


# -- colouring --------------------------------------------------------------------------


def _boolean_pattern(pattern: HostArray, what: str) -> np.ndarray:
    p = np.asarray(pattern)
    if p.ndim != 2:
        msg = f"{what} needs a two-dimensional pattern (rows, columns), got shape {p.shape}."
        raise ValueError(msg)
    if p.dtype != np.bool_:
        msg = (
            f"{what} needs a boolean pattern, got dtype {p.dtype}; pass pattern != 0 "
            "or the result of sparsity_pattern."
        )
        raise TypeError(msg)
    return p


def colour_columns(pattern: HostArray) -> np.ndarray:
    r"""Colour the columns of a sparsity pattern so that no row has two of one colour.

    Greedy, in the natural order: column :math:`j` gets the smallest colour not
    used by any earlier column that shares a nonzero row with it (its
    neighbours in the *column intersection graph*; equivalently, a distance-2
    colouring of the bipartite graph of rows and columns). Every row's
    nonzeros need distinct colours, so the largest number of nonzeros in one
    row is a lower bound on any valid colouring; the greedy result uses at most
    one more colour than the largest number of neighbours of a column. For a
    banded pattern of half-bandwidth :math:`b` it uses :math:`2b + 1` colours,
    the lower bound, whatever the size. Runs on the host, in
    :math:`O(\sum_r \mathrm{nnz}(r)^2)` time.

    Args:
        pattern: a boolean array of shape ``(m, n)``: True where the Jacobian may
            be nonzero.

    Returns:
        An integer NumPy array of ``n`` colours, numbered from 0 without gaps.

    Raises:
        TypeError: if ``pattern`` is not boolean.
        ValueError: if ``pattern`` is not two-dimensional.

    Examples:
        >>> import numpy as np
        >>> from autodiff_cookbook.examples.sparse_jacobians import colour_columns
        >>> tridiagonal = np.abs(np.subtract.outer(np.arange(8), np.arange(8))) <= 1
        >>> print(colour_columns(tridiagonal))
        [0 1 2 0 1 2 0 1]
        >>> arrow = np.eye(5, dtype=bool)
        >>> arrow[0, :] = arrow[:, 0] = True  # row 0 touches every column
        >>> print(colour_columns(arrow))
        [0 1 2 3 4]
    """
    p = _boolean_pattern(pattern, "colour_columns")
    m, n = p.shape
    rows, cols = np.nonzero(p)  # sorted by row
    row_start = np.searchsorted(rows, np.arange(m + 1))
    by_col = np.argsort(cols, kind="stable")
    col_rows = rows[by_col]
    col_start = np.searchsorted(cols[by_col], np.arange(n + 1))
    colours = np.full(n, -1, dtype=np.int64)
    # marked[c] == j: colour c is taken by a neighbour of column j.
    marked = np.full(n + 1, -1, dtype=np.int64)
    for j in range(n):
        for r in col_rows[col_start[j] : col_start[j + 1]]:
            taken = colours[cols[row_start[r] : row_start[r + 1]]]
            marked[taken[taken >= 0]] = j
        colours[j] = int(np.argmax(marked != j))
    return colours


def _colours(colours: HostArray, n: int, what: str) -> np.ndarray:
    c = np.asarray(colours)
    if c.shape != (n,):
        msg = f"{what} needs one colour per column: {n} colours, got shape {c.shape}."
        raise ValueError(msg)
    if not np.issubdtype(c.dtype, np.integer):
        msg = f"{what} needs integer colours, got dtype {c.dtype}."
        raise TypeError(msg)
    if n and c.min() < 0:
        msg = f"{what} needs colours 0, 1, 2, ..., got {int(c.min())}."
        raise ValueError(msg)
    return c.astype(np.int64)


def colouring_conflicts(
    pattern: HostArray, colours: HostArray
) -> list[tuple[int, int, int]]:
    """The places where a colouring is not valid for a pattern.

    Args:
        pattern: a boolean array of shape ``(m, n)``.
        colours: ``n`` non-negative integers, one per column.

    Returns:
        A list of ``(row, column, other column)``: the two columns have one colour
        and both have a nonzero in that row. One entry per such pair of
        consecutive columns of a row; empty when the colouring is valid.

    Raises:
        TypeError: if ``pattern`` is not boolean or ``colours`` not integers.
        ValueError: if the shapes do not match or a colour is negative.

    Examples:
        >>> import numpy as np
        >>> from autodiff_cookbook.examples.sparse_jacobians import colouring_conflicts
        >>> tridiagonal = np.abs(np.subtract.outer(np.arange(4), np.arange(4))) <= 1
        >>> print(colouring_conflicts(tridiagonal, [0, 1, 2, 0]))
        []
        >>> print(colouring_conflicts(tridiagonal, [0, 1, 0, 1]))
        [(1, 0, 2), (2, 1, 3)]
    """
    p = _boolean_pattern(pattern, "colouring_conflicts")
    c = _colours(colours, p.shape[1], "colouring_conflicts")
    rows, cols = np.nonzero(p)
    k = int(c.max()) + 1 if c.size else 1
    keys = rows * k + c[cols]
    order = np.argsort(keys, kind="stable")
    same = np.flatnonzero(keys[order][1:] == keys[order][:-1])
    return [
        (int(rows[order][i]), int(cols[order][i]), int(cols[order][i + 1]))
        for i in same
    ]


def _validated(
    pattern: HostArray, colours: HostArray, shape: tuple[int, int], what: str
) -> tuple[np.ndarray, np.ndarray]:
    p = _boolean_pattern(pattern, what)
    if p.shape != shape:
        msg = (
            f"{what}: the pattern has shape {p.shape} but the Jacobian of f at x has "
            f"shape {shape} (outputs, inputs); compute it with sparsity_pattern(f, x)."
        )
        raise ValueError(msg)
    c = _colours(colours, shape[1], what)
    conflicts = colouring_conflicts(p, c)
    if conflicts:
        row, a, b = conflicts[0]
        msg = (
            f"{what}: the colouring is not valid for the pattern: columns {a} and {b} "
            f"both have colour {int(c[a])} and both have a nonzero in row {row}, so one "
            f"product cannot separate them ({len(conflicts)} such conflicts in all); "
            "use colour_columns(pattern)."
        )
        raise ValueError(msg)
    return p, c


def seed_matrix(colours: HostArray, dtype: Any = jnp.float32) -> Array:
    r"""The seed matrix :math:`S`, ``(n, k)``: :math:`S_{jc} = 1` when column ``j`` has colour ``c``.

    Column :math:`c` of :math:`S` is the sum of the basis vectors of colour
    :math:`c`: the direction of one JVP.

    Args:
        colours: ``n`` non-negative integers.
        dtype: the dtype of the matrix.

    Returns:
        An ``(n, k)`` array of zeros and ones, ``k = max(colours) + 1``.

    Examples:
        >>> from autodiff_cookbook.examples.sparse_jacobians import seed_matrix
        >>> print(seed_matrix([0, 1, 2, 0, 1]).astype(int))
        [[1 0 0]
         [0 1 0]
         [0 0 1]
         [1 0 0]
         [0 1 0]]
    """
    c = np.asarray(colours)
    c = _colours(c, c.shape[0] if c.ndim == 1 else -1, "seed_matrix")
    k = int(c.max()) + 1 if c.size else 0
    return jnp.asarray(c[:, None] == np.arange(k)[None, :], dtype=dtype)


def _coloured(
    product: Callable[[Array, Array], Array],
    x: Array,
    pattern: np.ndarray,
    colours: np.ndarray,
) -> sparse.BCOO:
    """Compress with one ``product(x, seed)`` per colour, then decompress.

    ``B = J S`` is computed as ``k`` products batched by :func:`jax.vmap`, and
    ``J[r, j] = B[r, colour(j)]`` read at the pattern's nonzeros, in one
    compiled program (inlined when the caller is itself under :func:`jax.jit`).
    """
    rows, cols = np.nonzero(pattern)  # row-major: sorted, unique indices
    seeds = seed_matrix(colours, x.dtype).T  # (k, n): one direction per colour

    @jax.jit
    def values(x: Array) -> Array:
        compressed = jax.vmap(lambda seed: product(x, seed))(seeds)  # (k, m)
        return compressed[colours[cols], rows]

    indices = jnp.asarray(np.stack([rows, cols], axis=1), dtype=jnp.int32)
    return sparse.BCOO(
        (values(x), indices),
        shape=pattern.shape,
        indices_sorted=True,
        unique_indices=True,
    )


def sparse_jacobian(
    f: Callable[[Array], Array], x: ArrayLike, pattern: HostArray, colours: HostArray
) -> sparse.BCOO:
    r"""The Jacobian of ``f`` at ``x`` from one JVP per colour, as a sparse matrix.

    Computes the compressed Jacobian :math:`B = J S` with one
    :func:`jax.jvp` per column of the seed matrix :math:`S` (:func:`seed_matrix`),
    all :math:`k` of them in one :func:`jax.vmap`, then reads
    :math:`J_{rj} = B_{r, c(j)}` at each nonzero of ``pattern``. Valid when the
    pattern contains every nonzero of :math:`J` (use :func:`sparsity_pattern`)
    and no row has two columns of one colour (checked). It is then exact: in the
    JVP along a colour's seed, every intermediate value that feeds row
    :math:`r` depends only on the inputs in row :math:`r`'s pattern, all of
    different colours, so it is computed from the same nonzero tangent as in the
    JVP along the one basis vector, plus exact zeros.

    Traceable by :func:`jax.jit` with respect to ``x``; ``pattern`` and
    ``colours`` are host (NumPy) arrays, fixed when tracing.

    Args:
        f: a function from a vector of size :math:`n` to a vector of size :math:`m`.
        x: where to differentiate, a vector of floats.
        pattern: the boolean ``(m, n)`` sparsity pattern.
        colours: ``n`` colours valid for ``pattern`` (:func:`colour_columns`).

    Returns:
        A ``jax.experimental.sparse.BCOO`` matrix of shape ``(m, n)``, with
        one stored value per entry of the pattern (``.todense()`` for an array).

    Raises:
        TypeError: if ``x`` is not floating point, ``pattern`` not boolean or
            ``colours`` not integers.
        ValueError: if ``x`` or ``f(x)`` is not a vector, ``pattern`` is not
            ``(m, n)``, or the colouring is not valid for the pattern (naming
            two conflicting columns and their common row).

    Examples:
        >>> import jax
        >>> import jax.numpy as jnp
        >>> import numpy as np
        >>> from autodiff_cookbook.examples.sparse_jacobians import (
        ...     colour_columns, sparse_jacobian, sparsity_pattern)
        >>> def f(x):  # x[i-1] * x[i] + sin(x[i]): lower bidiagonal
        ...     return jnp.sin(x) + x * jnp.concatenate([jnp.zeros(1), x[:-1]])
        >>> x = jnp.linspace(0.0, 1.0, 6)
        >>> pattern = sparsity_pattern(f, x)
        >>> colours = colour_columns(pattern)
        >>> print(colours)
        [0 1 0 1 0 1]
        >>> J = sparse_jacobian(f, x, pattern, colours)
        >>> print(J.nse, np.array_equal(J.todense(), jax.jacfwd(f)(x)))
        11 True
    """
    x = float_array(x, "sparse_jacobian")
    m = _vector_function(f, x, "sparse_jacobian")
    p, c = _validated(pattern, colours, (m, x.shape[0]), "sparse_jacobian")

    def jvp(x: Array, v: Array) -> Array:
        return jnp.asarray(jax.jvp(f, (x,), (v,))[1])

    return _coloured(jvp, x, p, c)


def sparse_hessian(
    f: Callable[[Array], Array], x: ArrayLike, pattern: HostArray, colours: HostArray
) -> sparse.BCOO:
    r"""The Hessian of a scalar ``f`` at ``x`` from one Hessian-vector product per colour.

    The Hessian is the Jacobian of :math:`\nabla f`, so this is
    :func:`sparse_jacobian` of ``jax.grad(f)``: :math:`k` products
    :math:`H s_c`, each forward over reverse (``jax.jvp`` of ``jax.grad``), in
    one :func:`jax.vmap`, decompressed by the column colouring. The symmetry
    :math:`H_{ij} = H_{ji}` is not used: a *star* colouring would use it to
    need fewer colours for some patterns (an arrowhead: 2 instead of
    :math:`n`), at the price of a decompression that reads some entries from
    the transposed position; the column colouring is exact for any pattern, by
    the argument of :func:`sparse_jacobian`.

    Args:
        f: a scalar function of a vector of size :math:`n`.
        x: where to differentiate.
        pattern: the boolean ``(n, n)`` pattern of the Hessian, e.g.
            ``sparsity_pattern(jax.grad(f), x)``.
        colours: ``n`` colours valid for ``pattern``.

    Returns:
        A ``jax.experimental.sparse.BCOO`` matrix of shape ``(n, n)``.

    Raises:
        TypeError: if ``x`` is not floating point, ``pattern`` not boolean or
            ``colours`` not integers.
        ValueError: if ``f`` is not scalar, ``x`` not a vector, ``pattern`` not
            ``(n, n)``, or the colouring is not valid for the pattern.

    Examples:
        >>> import jax
        >>> import jax.numpy as jnp
        >>> import numpy as np
        >>> from autodiff_cookbook.examples.sparse_jacobians import (
        ...     colour_columns, rosenbrock, sparse_hessian, sparsity_pattern)
        >>> x = jnp.linspace(-1.0, 1.0, 7)
        >>> pattern = sparsity_pattern(jax.grad(rosenbrock), x)
        >>> colours = colour_columns(pattern)
        >>> print(colours.max() + 1)
        3
        >>> H = sparse_hessian(rosenbrock, x, pattern, colours)
        >>> print(np.array_equal(H.todense(), jax.hessian(rosenbrock)(x)))
        True
    """
    x = float_array(x, "sparse_hessian")
    out = jax.eval_shape(f, x)
    if getattr(out, "shape", None) != ():
        msg = f"sparse_hessian needs a scalar function, got output shape {getattr(out, 'shape', out)}."
        raise ValueError(msg)
    if x.ndim != 1:
        msg = f"sparse_hessian needs a vector x (one dimension), got shape {x.shape}; flatten it first."
        raise ValueError(msg)
    n = x.shape[0]
    p, c = _validated(pattern, colours, (n, n), "sparse_hessian")
    grad = jax.grad(f)

    def hvp(x: Array, v: Array) -> Array:
        return jnp.asarray(jax.jvp(grad, (x,), (v,))[1])

    return _coloured(hvp, x, p, c)


# -- the page's examples ----------------------------------------------------------------


def bratu_residual(u: ArrayLike, lam: float = 1.0) -> Array:
    r"""The residual of the Bratu problem :math:`u'' + \lambda e^u = 0` on :math:`(0, 1)`.

    :math:`u` holds the values at the :math:`n` interior points of a uniform
    grid of step :math:`h = 1/(n+1)`, with :math:`u = 0` at both ends. The
    second derivative is the fourth-order five-point stencil
    :math:`(-u_{i-2} + 16 u_{i-1} - 30 u_i + 16 u_{i+1} - u_{i+2}) / (12 h^2)`,
    so the Jacobian is banded with half-bandwidth 2: five colours at any
    :math:`n` (outside the grid, ghost values mirror the interior,
    :math:`u_{-1} = -u_1`, which keeps the band).

    Args:
        u: the interior values, a vector of :math:`n \ge 2` floats.
        lam: the parameter :math:`\lambda`.

    Returns:
        The residual, a vector of size :math:`n`.

    Raises:
        TypeError: if ``u`` is not floating point.
        ValueError: if ``u`` is not a vector of at least 2 values.

    Examples:
        >>> import jax.numpy as jnp
        >>> from autodiff_cookbook.examples.sparse_jacobians import bratu_residual
        >>> import jax
        >>> with jax.enable_x64(True):  # u = sin(pi t): u'' = -pi^2 u
        ...     t = jnp.linspace(0.0, 1.0, 66)[1:-1]  # n = 64 interior points
        ...     u = jnp.sin(jnp.pi * t)
        ...     error = jnp.max(jnp.abs(bratu_residual(u, lam=0.0) + jnp.pi**2 * u))
        >>> print(float(error) < 1e-5)  # fourth order: about pi^6 h^4 / 90
        True
    """
    u = float_array(u, "bratu_residual")
    if u.ndim != 1 or u.shape[0] < 2:
        msg = (
            f"bratu_residual needs a vector of at least 2 values, got shape {u.shape}."
        )
        raise ValueError(msg)
    n = u.shape[0]
    h = 1.0 / (n + 1)
    zero = jnp.zeros(1, u.dtype)
    # Values at points -1 .. n+2 (index 0 is the ghost point -1).
    v = jnp.concatenate([-u[:1], zero, u, zero, -u[-1:]])
    second = (-v[:-4] + 16 * v[1:-3] - 30 * v[2:-2] + 16 * v[3:-1] - v[4:]) / (
        12 * h**2
    )
    return second + lam * jnp.exp(u)


def rosenbrock(x: ArrayLike) -> Array:
    r"""Rosenbrock's function :math:`\sum_i 100 (x_{i+1} - x_i^2)^2 + (1 - x_i)^2`.

    Each term couples two neighbours, so the Hessian is tridiagonal.

    Args:
        x: a vector of at least 2 floats.

    Returns:
        The scalar value.

    Raises:
        TypeError: if ``x`` is not floating point.

    Examples:
        >>> import jax.numpy as jnp
        >>> from autodiff_cookbook.examples.sparse_jacobians import rosenbrock
        >>> print(float(rosenbrock(jnp.ones(5))), float(rosenbrock(jnp.zeros(5))))
        0.0 4.0
    """
    x = float_array(x, "rosenbrock")
    return jnp.sum(100.0 * (x[1:] - x[:-1] ** 2) ** 2 + (1.0 - x[:-1]) ** 2)
