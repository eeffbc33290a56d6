"""The functions of the page *Gradients of pytrees*: a small ReLU network with pytree weights.

The weights are a list, a dict, or nested containers. :func:`jax.grad`
differentiates with respect to any pytree (nested lists, tuples and dicts of
arrays) and returns a gradient with the same structure, so the weights of a
network can live in whatever container reads best.

The seed notebook's version of the network had two bugs, reproduced on purpose
by :func:`seed_layers` and :func:`seed_operation` so that the page can show them: its
loss ignored its argument, and it drew every layer (and the input) from the same
PRNG key. :func:`init_layers` and :func:`network_loss` are the fixed versions.
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Mapping, Sequence

import jax
import jax.numpy as jnp
from jax import Array
from jax.typing import ArrayLike

from .gradients import relu

__all__ = [
    "BATCH_SIZE",
    "LAYER_SIZES",
    "SEED_KEY",
    "init_layers",
    "layers_as_dict",
    "network_forward",
    "network_loss",
    "network_loss_and_stats",
    "seed_input",
    "seed_layers",
    "seed_operation",
]

#: Widths of the seed notebook's network, inputs first (28 inputs, two hidden
#: layers of 16, 10 outputs).
LAYER_SIZES: tuple[int, ...] = (28, 16, 16, 10)
#: Number of examples in the seed notebook's batch.
BATCH_SIZE: int = 8
#: The seed notebook's PRNG seed, ``jax.random.PRNGKey(42)``.
SEED_KEY: int = 42

# One layer: a weight matrix, or a (weights, bias) pair.
_Layer = Array | tuple[Array, Array]
# The layers of a network: a list or tuple of layers in order, or a dict
# {"layer_0": ..., "layer_1": ..., ...}.
_Layers = Sequence[_Layer] | Mapping[str, _Layer]


def init_layers(
    key: Array, sizes: Sequence[int] = LAYER_SIZES, *, bias: bool = False
) -> list[_Layer]:
    r"""Draw the weights of a fully connected network, each layer from its own key.

    The key is split (:func:`jax.random.split`) into one key per layer, so the
    layers are independent: drawing them all from ``key`` would give layers
    that are copies of each other (see :func:`seed_layers`). Weights are
    standard normal, like the seed notebook's.

    Args:
        key: a PRNG key, from :func:`jax.random.key`.
        sizes: the layer widths, inputs first: layer ``i`` has shape
            ``(sizes[i], sizes[i + 1])``.
        bias: if true, each layer is a ``(weights, bias)`` tuple whose bias of
            shape ``(sizes[i + 1],)`` starts at zero.

    Returns:
        A list with one layer per consecutive pair of ``sizes``.

    Raises:
        ValueError: if ``sizes`` has fewer than two entries or a width below 1.

    Examples:
        >>> import jax
        >>> from autodiff_cookbook.examples.pytrees import init_layers
        >>> layers = init_layers(jax.random.key(0))
        >>> print([w.shape for w in layers])
        [(28, 16), (16, 16), (16, 10)]
        >>> w, b = init_layers(jax.random.key(0), (3, 2), bias=True)[0]
        >>> print(w.shape, b.shape)
        (3, 2) (2,)
    """
    sizes = tuple(sizes)
    if len(sizes) < 2 or min(sizes) < 1:
        msg = (
            f"sizes must list at least two widths, each 1 or more (inputs first), "
            f"got {sizes}; for example sizes=(28, 16, 16, 10)."
        )
        raise ValueError(msg)
    layers: list[_Layer] = _draw_layers(key, sizes, bias)
    return layers


@functools.partial(jax.jit, static_argnums=(1, 2))
def _draw_layers(key: Array, sizes: tuple[int, ...], bias: bool) -> list[_Layer]:
    # Compiled as one program: drawing op by op would compile every draw separately.
    keys = jax.random.split(key, len(sizes) - 1)
    layers: list[_Layer] = []
    for layer_key, n_in, n_out in zip(keys, sizes[:-1], sizes[1:], strict=True):
        weights = jax.random.normal(layer_key, (n_in, n_out))
        layers.append((weights, jnp.zeros(n_out)) if bias else weights)
    return layers


def layers_as_dict(layers: Sequence[_Layer]) -> dict[str, _Layer]:
    """Name the layers ``layer_0``, ``layer_1``, ...: the seed notebook's dict form.

    Args:
        layers: the layers in order, as returned by :func:`init_layers`.

    Returns:
        A dict from ``f"layer_{i}"`` to layer ``i``.

    Examples:
        >>> import jax
        >>> from autodiff_cookbook.examples.pytrees import init_layers, layers_as_dict
        >>> named = layers_as_dict(init_layers(jax.random.key(0)))
        >>> print({name: w.shape for name, w in named.items()})
        {'layer_0': (28, 16), 'layer_1': (16, 16), 'layer_2': (16, 10)}
    """
    return {f"layer_{i}": layer for i, layer in enumerate(layers)}


def _ordered(layers: object) -> list[_Layer]:
    """The layers as a list in order, from a sequence or a ``layer_i`` dict.

    ``layers`` is typed ``object``: this is where a value of the wrong type is caught.
    """
    if isinstance(layers, Mapping):
        expected = [f"layer_{i}" for i in range(len(layers))]
        if sorted(layers) != sorted(expected):
            msg = (
                f"a dict of layers needs the keys {expected} (layer_0 is applied first), "
                f"got {sorted(layers)}; build it with layers_as_dict(list_of_layers)."
            )
            raise ValueError(msg)
        return [layers[name] for name in expected]
    if isinstance(layers, Sequence) and not isinstance(layers, str):
        return list(layers)
    msg = (
        f"layers must be a list or tuple of layers or a dict of them, got "
        f"{type(layers).__name__}; wrap a single weight matrix in a list."
    )
    raise TypeError(msg)


def network_forward(layers: _Layers, x: ArrayLike) -> Array:
    r"""Apply the network to a batch, :math:`x \mapsto \operatorname{relu}(x W + b)` per layer.

    Like the seed notebook's network, every layer, the last included, is
    followed by a ReLU (:func:`~autodiff_cookbook.examples.gradients.relu`).

    Args:
        layers: a list or tuple of layers, or a dict ``{"layer_0": ..., ...}``.
            Each layer is a weight matrix of shape ``(inputs, outputs)`` or a
            ``(weights, bias)`` pair.
        x: the inputs, shape ``(batch, sizes[0])``.

    Returns:
        The outputs, shape ``(batch, sizes[-1])``.

    Raises:
        ValueError: if a dict of layers has keys other than ``layer_0``, ``layer_1``, ...
        TypeError: if ``layers`` is not a list, tuple or dict.

    Examples:
        >>> import jax.numpy as jnp
        >>> from autodiff_cookbook.examples.pytrees import network_forward
        >>> layers = [jnp.array([[1.0, -1.0]]), jnp.array([[2.0], [3.0]])]
        >>> print(network_forward(layers, jnp.array([[1.0], [-1.0]])))
        [[2.]
         [3.]]
    """
    out = jnp.asarray(x)
    for layer in _ordered(layers):
        if isinstance(layer, tuple):
            weights, b = layer
            out = relu(out @ weights + b)
        else:
            out = relu(out @ layer)
    return out


def network_loss(layers: _Layers, x: ArrayLike) -> Array:
    r"""The seed notebook's objective, computed from the layers it is given.

    :math:`L = \frac{1}{B} \sum_{b=1}^{B} \bigl(\sum_j y_{bj} - 1\bigr)` with
    :math:`y` = :func:`network_forward` of the batch :math:`x` of :math:`B` examples. It
    is a toy loss (nothing pushes the outputs anywhere useful), but its gradient
    reaches every weight, which is all the page needs.

    Args:
        layers: the layers (see :func:`network_forward`); the gradient has the same structure.
        x: the inputs, shape ``(batch, sizes[0])``.

    Returns:
        A scalar array.

    Examples:
        >>> import jax
        >>> from autodiff_cookbook.examples.pytrees import init_layers, network_loss
        >>> layers = init_layers(jax.random.key(0))
        >>> x = jax.random.normal(jax.random.key(1), (8, 28))
        >>> grads = jax.grad(network_loss)(layers, x)
        >>> print([g.shape for g in grads])
        [(28, 16), (16, 16), (16, 10)]
    """
    loss: Array = _network_loss(_ordered(layers), x)
    return loss


@jax.jit
def _network_loss(layers: list[_Layer], x: ArrayLike) -> Array:
    # Compiled once per structure of the layers, so that jax.grad of the public
    # function (which calls this) runs as two compiled programs, not op by op.
    y = network_forward(layers, x)
    return (y.sum(-1) - 1.0).mean()


def network_loss_and_stats(
    layers: _Layers, x: ArrayLike
) -> tuple[Array, dict[str, Array]]:
    """:func:`network_loss` and, alongside it, statistics for ``jax.grad(..., has_aux=True)``.

    Args:
        layers: the layers (see :func:`network_forward`).
        x: the inputs, shape ``(batch, sizes[0])``.

    Returns:
        ``(loss, stats)``, where ``stats`` has ``"outputs"`` (the network's
        outputs) and ``"inactive"`` (the fraction of ReLU outputs, over all
        layers and examples, that are exactly zero: units that pass no gradient).

    Examples:
        >>> import jax
        >>> from autodiff_cookbook.examples.pytrees import init_layers, network_loss_and_stats
        >>> layers = init_layers(jax.random.key(0))
        >>> x = jax.random.normal(jax.random.key(1), (8, 28))
        >>> grads, stats = jax.grad(network_loss_and_stats, has_aux=True)(layers, x)
        >>> print(stats["outputs"].shape, 0.0 <= float(stats["inactive"]) <= 1.0)
        (8, 10) True
    """
    loss_and_stats: tuple[Array, dict[str, Array]] = _network_loss_and_stats(
        _ordered(layers), x
    )
    return loss_and_stats


@jax.jit
def _network_loss_and_stats(
    layers: list[_Layer], x: ArrayLike
) -> tuple[Array, dict[str, Array]]:
    out = jnp.asarray(x)
    zeros = jnp.zeros(())
    units = 0
    for layer in layers:
        out = network_forward([layer], out)
        zeros = zeros + jnp.sum(out == 0)
        units += out.size
    loss = (out.sum(-1) - 1.0).mean()
    return loss, {"outputs": out, "inactive": zeros / units}


def seed_layers(*, as_dict: bool = False) -> list[Array] | dict[str, _Layer]:
    """The seed notebook's weights, with its bug: every layer drawn from the same key.

    The seed wrote ``jax.random.normal(key, shape)`` three times with the same
    ``key = jax.random.PRNGKey(42)``. A key always produces the same stream of
    numbers, so the layers are not independent: with ``jax_threefry_partitionable``
    enabled (the default since JAX 0.5), a smaller array is the beginning of a
    larger one, and ``layer_1`` equals the first 16 rows of ``layer_0``.
    :func:`init_layers` is the fix.

    Args:
        as_dict: return ``{"layer_0": ..., ...}`` as in the seed's second version,
            instead of a list.

    Returns:
        Three standard normal layers of shapes (28, 16), (16, 16), (16, 10).

    Examples:
        >>> import jax.numpy as jnp
        >>> from autodiff_cookbook.examples.pytrees import seed_layers
        >>> layers = seed_layers()
        >>> print(bool(jnp.array_equal(layers[0][:16], layers[1])))
        True
    """
    layers = _seed_draws()[0]
    return layers_as_dict(layers) if as_dict else layers


@jax.jit
def _seed_draws() -> tuple[list[Array], Array]:
    # The seed's four draws, all from one key (the bug), compiled as one program.
    key = jax.random.key(SEED_KEY)
    layers = [
        jax.random.normal(key, shape) for shape in itertools.pairwise(LAYER_SIZES)
    ]
    x = jax.random.normal(key, (BATCH_SIZE, LAYER_SIZES[0]))
    return layers, x


def seed_input() -> Array:
    """The seed notebook's input batch, drawn from the same key as its weights (its bug).

    Returns:
        A standard normal array of shape ``(BATCH_SIZE, 28)``, whose numbers are
        the first 224 of ``seed_layers()[0]``.

    Examples:
        >>> import jax.numpy as jnp
        >>> from autodiff_cookbook.examples.pytrees import seed_input, seed_layers
        >>> x = seed_input()
        >>> print(x.shape, bool(jnp.array_equal(x.ravel(), seed_layers()[0].ravel()[:224])))
        (8, 28) True
    """
    x: Array = _seed_draws()[1]
    return x


def seed_operation(w: object) -> Array:  # noqa: ARG001 - the seed's bug, kept on purpose
    """The seed notebook's loss, bug included: it ignores its argument ``w``.

    The seed's ``operation(w)`` read the global ``layers`` instead of ``w``. The
    loss therefore does not depend on ``w`` at all, and ``jax.grad`` correctly
    reports a gradient of zeros, with the structure of ``w``, whatever the
    weights. (A linter sees this bug: ruff's rule ARG001 flags the unused
    argument.) This function reproduces it with :func:`seed_layers` and
    :func:`seed_input`; :func:`network_loss` is the fix.

    Args:
        w: anything; it is not used, which is the bug.

    Returns:
        The loss of the seed's layers on the seed's input, a scalar array.

    Examples:
        >>> import jax
        >>> from autodiff_cookbook.examples.pytrees import seed_layers, seed_operation
        >>> grads = jax.grad(seed_operation)(seed_layers())
        >>> print([float(abs(g).max()) for g in grads])
        [0.0, 0.0, 0.0]
    """
    return network_loss(seed_layers(), seed_input())
