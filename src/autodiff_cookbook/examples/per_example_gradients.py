r"""The functions of the page *Per-example gradients*: logistic regression and ``vmap(grad)``.

With features :math:`x_i \in \mathbb{R}^d`, labels :math:`y_i \in \{0, 1\}`,
weights :math:`w` and bias :math:`b`, the logit is :math:`z_i = x_i^\top w + b`
and the mean negative log-likelihood is

.. math::

    L(w, b) = \frac{1}{N} \sum_{i=1}^{N} \bigl[\operatorname{softplus}(z_i) - y_i z_i\bigr],

because :math:`-\log \sigma(z) = \operatorname{softplus}(-z)` and
:math:`\operatorname{softplus}(-z) = \operatorname{softplus}(z) - z`. Its gradient is
:math:`\nabla_w L = \frac{1}{N} X^\top (\sigma(z) - y)` and
:math:`\partial L / \partial b = \frac{1}{N} \sum_i (\sigma(z_i) - y_i)`.

Parameters are a dict ``{"w": array of shape (d,), "b": scalar array}``, a
pytree that :func:`jax.grad` differentiates leaf by leaf.
"""

from __future__ import annotations

import functools
from collections.abc import Callable

import jax
import jax.numpy as jnp
from jax import Array
from jax.typing import ArrayLike

from .._types import PyTree
from .custom_rules import softplus

__all__ = [
    "clip_per_example",
    "fit_logistic",
    "logistic_loss",
    "logistic_loss_and_metrics",
    "logistic_loss_gradient",
    "make_logistic_data",
    "per_example_gradients",
]

Params = dict[str, Array]


def _logits(params: Params, x: ArrayLike) -> Array:
    x = jnp.asarray(x)
    w, b = params["w"], params["b"]
    if x.ndim != 2 or x.shape[1:] != w.shape:
        msg = (
            f"logistic regression needs features of shape (N, d) with d = {w.shape[0]} "
            f"(the length of params['w']); got shape {x.shape}. For one example, "
            "pass x[None] to make a batch of one."
        )
        raise ValueError(msg)
    return x @ w + b


def logistic_loss(params: Params, x: ArrayLike, y: ArrayLike) -> Array:
    r"""Return the mean negative log-likelihood of logistic regression.

    :math:`L = \frac{1}{N} \sum_i [\operatorname{softplus}(z_i) - y_i z_i]` with
    :math:`z_i = x_i^\top w + b`, using the stable
    :func:`~autodiff_cookbook.examples.custom_rules.softplus`.

    Args:
        params: ``{"w": (d,), "b": ()}``.
        x: features, shape ``(N, d)``.
        y: labels in :math:`\{0, 1\}` (or probabilities in :math:`[0, 1]`), shape ``(N,)``.

    Returns:
        A scalar array.

    Raises:
        ValueError: if the shapes do not match.

    Examples:
        >>> import jax.numpy as jnp
        >>> from autodiff_cookbook.examples.per_example_gradients import logistic_loss
        >>> params = {"w": jnp.zeros(2), "b": jnp.array(0.0)}
        >>> x, y = jnp.ones((4, 2)), jnp.array([0.0, 1.0, 1.0, 0.0])
        >>> print(f"{float(logistic_loss(params, x, y)):.4f}")  # log 2
        0.6931
    """
    z = _logits(params, x)
    return jnp.mean(softplus(z) - jnp.asarray(y, dtype=z.dtype) * z)


def logistic_loss_and_metrics(
    params: Params, x: ArrayLike, y: ArrayLike
) -> tuple[Array, dict[str, Array]]:
    r"""Return the loss and, as auxiliary data, the accuracy and the predicted probabilities.

    Made for ``jax.value_and_grad(logistic_loss_and_metrics, has_aux=True)``:
    the first output is differentiated, the second is carried along untouched,
    so one pass gives the loss, its gradient and the metrics.

    Args:
        params: ``{"w": (d,), "b": ()}``.
        x: features, shape ``(N, d)``.
        y: labels in :math:`\{0, 1\}`, shape ``(N,)``.

    Returns:
        ``(loss, {"accuracy": scalar, "probabilities": (N,)})``.

    Raises:
        ValueError: if the shapes do not match.

    Examples:
        >>> import jax
        >>> import jax.numpy as jnp
        >>> from autodiff_cookbook.examples.per_example_gradients import logistic_loss_and_metrics
        >>> params = {"w": jnp.array([1.0, -1.0]), "b": jnp.array(0.0)}
        >>> x = jnp.array([[2.0, 0.0], [0.0, 2.0]])
        >>> (loss, aux), grads = jax.value_and_grad(logistic_loss_and_metrics, has_aux=True)(
        ...     params, x, jnp.array([1.0, 0.0])
        ... )
        >>> print(f"{float(loss):.4f} {float(aux['accuracy']):.2f} {grads['w'].shape}")
        0.1269 1.00 (2,)
    """
    z = _logits(params, x)
    y = jnp.asarray(y, dtype=z.dtype)
    loss = jnp.mean(softplus(z) - y * z)
    probabilities = jax.nn.sigmoid(z)
    accuracy = jnp.mean((z > 0) == (y > 0.5))
    return loss, {"accuracy": accuracy, "probabilities": probabilities}


def logistic_loss_gradient(params: Params, x: ArrayLike, y: ArrayLike) -> Params:
    r"""Return the hand-derived gradient of :func:`logistic_loss`.

    :math:`\nabla_w L = \frac{1}{N} X^\top (\sigma(z) - y)`,
    :math:`\partial L / \partial b = \frac{1}{N} \sum_i (\sigma(z_i) - y_i)`.

    Args:
        params: ``{"w": (d,), "b": ()}``.
        x: features, shape ``(N, d)``.
        y: labels, shape ``(N,)``.

    Returns:
        A dict shaped like ``params``.

    Raises:
        ValueError: if the shapes do not match.

    Examples:
        >>> import jax.numpy as jnp
        >>> from autodiff_cookbook.examples.per_example_gradients import logistic_loss_gradient
        >>> params = {"w": jnp.zeros(2), "b": jnp.array(0.0)}
        >>> g = logistic_loss_gradient(params, jnp.eye(2), jnp.array([1.0, 0.0]))
        >>> print(g["w"], f"{float(g['b']):.2f}")
        [-0.25  0.25] 0.00
    """
    z = _logits(params, x)
    residual = (jax.nn.sigmoid(z) - jnp.asarray(y, dtype=z.dtype)) / z.shape[0]
    return {"w": jnp.asarray(x).T @ residual, "b": jnp.sum(residual)}


def make_logistic_data(
    key: Array, n: int, d: int, dtype: jnp.dtype = jnp.float32
) -> tuple[Array, Array, Params]:
    r"""Draw a synthetic logistic-regression data set with known true parameters.

    Features are standard Gaussian; true weights are Gaussian with norm about
    2, the bias is 0.5, and each label is drawn as
    :math:`y_i \sim \operatorname{Bernoulli}(\sigma(x_i^\top w + b))`.

    Args:
        key: a PRNG key.
        n: the number of examples.
        d: the number of features.
        dtype: the floating-point dtype of features and labels.

    Returns:
        ``(x, y, true_params)`` with shapes ``(n, d)``, ``(n,)`` and the
        parameter dict.

    Raises:
        ValueError: if ``n`` or ``d`` is less than 1.

    Examples:
        >>> import jax
        >>> from autodiff_cookbook.examples.per_example_gradients import make_logistic_data
        >>> x, y, true = make_logistic_data(jax.random.key(0), n=8, d=3)
        >>> print(x.shape, y.shape, true["w"].shape, sorted(set(y.tolist())) <= [0.0, 1.0])
        (8, 3) (8,) (3,) True
    """
    if n < 1 or d < 1:
        msg = f"make_logistic_data needs n >= 1 and d >= 1, got n={n}, d={d}."
        raise ValueError(msg)
    k_x, k_w, k_y = jax.random.split(key, 3)
    x = jax.random.normal(k_x, (n, d), dtype)
    w = 2.0 * jax.random.normal(k_w, (d,), dtype) / jnp.sqrt(d).astype(dtype)
    true_params = {"w": w, "b": jnp.asarray(0.5, dtype)}
    y = jax.random.bernoulli(k_y, jax.nn.sigmoid(x @ w + 0.5)).astype(dtype)
    return x, y, true_params


def per_example_gradients(
    loss: Callable[[PyTree, Array, Array], Array],
    params: PyTree,
    x: ArrayLike,
    y: ArrayLike,
) -> PyTree:
    r"""Return the gradient of ``loss`` for every example separately, in one batched pass.

    ``loss(params, x, y)`` takes a batch. Each example is turned into a batch
    of one, :func:`jax.grad` differentiates the loss of that batch, and
    :func:`jax.vmap` maps the result over the examples: no Python loop, and under
    :func:`jax.jit` one compiled program. The mean of the per-example gradients
    of a mean loss is the batch gradient.

    Args:
        loss: a scalar loss of ``(params, x, y)`` for a batch.
        params: a pytree of parameters.
        x: features with the examples along axis 0.
        y: targets with the examples along axis 0.

    Returns:
        A pytree shaped like ``params`` with an extra leading axis of length
        :math:`N`: entry ``i`` is the gradient of the loss of example ``i``.

    Raises:
        ValueError: if ``x`` and ``y`` hold different numbers of examples.

    Examples:
        >>> import jax.numpy as jnp
        >>> from autodiff_cookbook.examples.per_example_gradients import logistic_loss, per_example_gradients
        >>> params = {"w": jnp.zeros(2), "b": jnp.array(0.0)}
        >>> x, y = jnp.array([[1.0, 2.0], [3.0, 4.0]]), jnp.array([1.0, 0.0])
        >>> g = per_example_gradients(logistic_loss, params, x, y)
        >>> print(g["w"])
        [[-0.5 -1. ]
         [ 1.5  2. ]]
    """
    x, y = jnp.asarray(x), jnp.asarray(y)
    if x.shape[:1] != y.shape[:1]:
        msg = (
            f"x and y must hold the same number of examples along axis 0; got x of shape "
            f"{x.shape} and y of shape {y.shape}."
        )
        raise ValueError(msg)

    def one_example(p: PyTree, xi: Array, yi: Array) -> PyTree:
        return jax.grad(loss)(p, xi[None], yi[None])

    return jax.vmap(one_example, in_axes=(None, 0, 0))(params, x, y)


def clip_per_example(grads: PyTree, max_norm: float) -> PyTree:
    r"""Rescale each example's gradient to Euclidean norm at most ``max_norm``.

    The per-example step of differentially private SGD: each example's
    gradient :math:`g_i` (all leaves of the pytree together) becomes
    :math:`g_i \min(1, c / \|g_i\|)`, so that no single example can move the
    parameters by more than :math:`c / N` in the mean. This needs per-example
    gradients: clipping the batch gradient cannot bound one example's influence.

    Args:
        grads: per-example gradients, as returned by :func:`per_example_gradients`.
        max_norm: the bound :math:`c > 0`.

    Returns:
        The clipped per-example gradients, same structure.

    Raises:
        ValueError: if ``max_norm`` is not positive.

    Examples:
        >>> import jax.numpy as jnp
        >>> from autodiff_cookbook.examples.per_example_gradients import clip_per_example
        >>> g = {"w": jnp.array([[3.0, 4.0], [0.3, 0.4]])}
        >>> print(clip_per_example(g, max_norm=1.0)["w"])
        [[0.6 0.8]
         [0.3 0.4]]
    """
    if not max_norm > 0:
        msg = f"max_norm must be positive, got {max_norm}."
        raise ValueError(msg)
    leaves = jax.tree_util.tree_leaves(grads)
    squared = sum(
        jnp.sum(leaf.reshape(leaf.shape[0], -1) ** 2, axis=1) for leaf in leaves
    )
    # Double where: only norms above the bound are used, so neither the square
    # root nor the division sees a zero, and gradients stay finite at g_i = 0.
    too_long = squared > max_norm**2
    norms = jnp.sqrt(jnp.where(too_long, squared, max_norm**2))
    scale = jnp.where(too_long, max_norm / norms, 1.0)

    def rescale(leaf: Array) -> Array:
        return leaf * scale.reshape((-1,) + (1,) * (leaf.ndim - 1)).astype(leaf.dtype)

    return jax.tree_util.tree_map(rescale, grads)


def fit_logistic(
    params: Params,
    x: ArrayLike,
    y: ArrayLike,
    *,
    steps: int = 200,
    learning_rate: float = 0.5,
) -> tuple[Params, dict[str, Array]]:
    r"""Fit logistic regression by full-batch gradient descent, recording loss and accuracy.

    Each step calls ``jax.value_and_grad(logistic_loss_and_metrics, has_aux=True)``
    once, which returns the loss, the metrics and the gradient together. The
    loop is a :func:`jax.lax.scan` under :func:`jax.jit`, so it compiles once.

    Args:
        params: the starting parameters ``{"w": (d,), "b": ()}``.
        x: features, shape ``(N, d)``.
        y: labels, shape ``(N,)``.
        steps: the number of gradient steps.
        learning_rate: the step size.

    Returns:
        ``(params, history)``: the final parameters, and a dict with arrays
        ``"loss"`` and ``"accuracy"`` of length ``steps``, measured before each step.

    Raises:
        ValueError: if ``steps`` is less than 1 or the shapes do not match.

    Examples:
        >>> import jax
        >>> import jax.numpy as jnp
        >>> from autodiff_cookbook.examples.per_example_gradients import fit_logistic, make_logistic_data
        >>> x, y, _ = make_logistic_data(jax.random.key(0), n=200, d=3)
        >>> start = {"w": jnp.zeros(3), "b": jnp.array(0.0)}
        >>> params, history = fit_logistic(start, x, y, steps=50)
        >>> print(bool(history["loss"][-1] < history["loss"][0]))
        True
    """
    if steps < 1:
        msg = f"steps must be at least 1, got {steps}."
        raise ValueError(msg)
    x, y = jnp.asarray(x), jnp.asarray(y)
    _logits(params, x)  # validate shapes before tracing
    fitted: tuple[Params, dict[str, Array]] = _fit(params, x, y, steps, learning_rate)
    return fitted


@functools.partial(jax.jit, static_argnums=(3,))
def _fit(
    params: Params, x: Array, y: Array, steps: int, learning_rate: float
) -> tuple[Params, dict[str, Array]]:
    value_and_grad = jax.value_and_grad(logistic_loss_and_metrics, has_aux=True)

    def step(p: Params, _: None) -> tuple[Params, dict[str, Array]]:
        (loss, aux), grads = value_and_grad(p, x, y)
        p = jax.tree_util.tree_map(lambda a, g: a - learning_rate * g, p, grads)
        return p, {"loss": loss, "accuracy": aux["accuracy"]}

    return jax.lax.scan(step, params, None, length=steps)
