r"""The functions of the page *Stopping gradients*: :func:`jax.lax.stop_gradient` on purpose.

``stop_gradient(x)`` is ``x`` going forward and a constant going backward: its
derivative is zero. Two classic uses:

- **Temporal-difference (TD) learning.** A value estimate
  :math:`V_\theta(s) = \phi(s)^\top \theta` is pulled towards the target
  :math:`r + \gamma V_\theta(s')`, which is itself an estimate. TD learning
  treats the target as a constant (:func:`td_loss`); differentiating through
  it too (:func:`residual_td_loss`) gives a different algorithm, with a
  different answer.
- **Straight-through estimators.** :func:`round_straight_through` rounds going
  forward but passes the gradient through unchanged, as if it were the
  identity: ``x + stop_gradient(round(x) - x)``.
"""

from __future__ import annotations

from collections.abc import Callable

import jax
import jax.numpy as jnp
from jax import Array
from jax.typing import ArrayLike

__all__ = [
    "fit_linear_values",
    "random_walk_transitions",
    "residual_td_loss",
    "round_straight_through",
    "td_loss",
    "td_semi_gradient",
]

Transitions = tuple[Array, Array, Array]


def _td_error(
    theta: ArrayLike,
    phi: ArrayLike,
    phi_next: ArrayLike,
    reward: ArrayLike,
    discount: float,
    *,
    stop: bool,
) -> Array:
    theta = jnp.asarray(theta)
    phi, phi_next, reward = jnp.asarray(phi), jnp.asarray(phi_next), jnp.asarray(reward)
    if phi.shape != phi_next.shape or phi.ndim != 2 or phi.shape[1:] != theta.shape:
        msg = (
            "TD losses need features phi and phi_next of shape (N, d) with d = "
            f"len(theta) = {theta.shape}; got phi {phi.shape} and phi_next {phi_next.shape}."
        )
        raise ValueError(msg)
    if reward.shape != phi.shape[:1]:
        msg = f"reward must have shape ({phi.shape[0]},), one per transition; got {reward.shape}."
        raise ValueError(msg)
    next_value = phi_next @ theta
    if stop:
        next_value = jax.lax.stop_gradient(next_value)
    return reward + discount * next_value - phi @ theta


def td_loss(
    theta: ArrayLike,
    phi: ArrayLike,
    phi_next: ArrayLike,
    reward: ArrayLike,
    discount: float = 1.0,
) -> Array:
    r"""Return the TD(0) loss, with the bootstrapped target held constant.

    With :math:`\delta_i = r_i + \gamma\, \operatorname{sg}\bigl(\phi(s'_i)^\top \theta\bigr)
    - \phi(s_i)^\top \theta`, where :math:`\operatorname{sg}` is
    :func:`jax.lax.stop_gradient`, the loss is :math:`\frac{1}{2N} \sum_i \delta_i^2`.
    Its gradient is the TD(0) *semi-gradient* :math:`-\frac1N \sum_i \delta_i \phi(s_i)`
    (see :func:`td_semi_gradient`), which is not the gradient of any fixed
    function of :math:`\theta`.

    Args:
        theta: the weights of the linear value function, shape ``(d,)``.
        phi: features of the states, shape ``(N, d)``.
        phi_next: features of the next states, shape ``(N, d)``; rows of
            zeros for terminal states.
        reward: the rewards, shape ``(N,)``.
        discount: the discount factor :math:`\gamma`.

    Returns:
        A scalar array.

    Raises:
        ValueError: if the shapes do not match.

    Examples:
        >>> import jax
        >>> import jax.numpy as jnp
        >>> from autodiff_cookbook.examples.stop_gradient import td_loss
        >>> theta = jnp.array([0.0, 1.0])
        >>> phi, phi_next = jnp.array([[1.0, 1.0]]), jnp.array([[0.0, 1.0]])
        >>> print(jax.grad(td_loss)(theta, phi, phi_next, jnp.array([1.0])))
        [-1. -1.]
    """
    delta = _td_error(theta, phi, phi_next, reward, discount, stop=True)
    return 0.5 * jnp.mean(delta**2)


def residual_td_loss(
    theta: ArrayLike,
    phi: ArrayLike,
    phi_next: ArrayLike,
    reward: ArrayLike,
    discount: float = 1.0,
) -> Array:
    r"""Return the mean squared TD error, differentiated through the target too.

    Same value as :func:`td_loss`, but without :func:`jax.lax.stop_gradient`:
    the gradient :math:`\frac1N \sum_i \delta_i (\gamma \phi(s'_i) - \phi(s_i))`
    also moves the next state's value towards the current one (the
    *residual-gradient* algorithm). With random transitions its minimiser is
    not the true value function.

    Args:
        theta: the weights of the linear value function, shape ``(d,)``.
        phi: features of the states, shape ``(N, d)``.
        phi_next: features of the next states, shape ``(N, d)``.
        reward: the rewards, shape ``(N,)``.
        discount: the discount factor :math:`\gamma`.

    Returns:
        A scalar array.

    Raises:
        ValueError: if the shapes do not match.

    Examples:
        >>> import jax
        >>> import jax.numpy as jnp
        >>> from autodiff_cookbook.examples.stop_gradient import residual_td_loss
        >>> theta = jnp.array([0.0, 1.0])
        >>> phi, phi_next = jnp.array([[1.0, 1.0]]), jnp.array([[0.0, 1.0]])
        >>> print(jax.grad(residual_td_loss)(theta, phi, phi_next, jnp.array([1.0])))
        [-1.  0.]
    """
    delta = _td_error(theta, phi, phi_next, reward, discount, stop=False)
    return 0.5 * jnp.mean(delta**2)


def td_semi_gradient(
    theta: ArrayLike,
    phi: ArrayLike,
    phi_next: ArrayLike,
    reward: ArrayLike,
    discount: float = 1.0,
) -> Array:
    r"""Return the hand-derived TD(0) semi-gradient :math:`-\frac1N \sum_i \delta_i \phi(s_i)`.

    This is the gradient of :func:`td_loss` with respect to ``theta``.

    Args:
        theta: the weights of the linear value function, shape ``(d,)``.
        phi: features of the states, shape ``(N, d)``.
        phi_next: features of the next states, shape ``(N, d)``.
        reward: the rewards, shape ``(N,)``.
        discount: the discount factor :math:`\gamma`.

    Returns:
        An array shaped like ``theta``.

    Raises:
        ValueError: if the shapes do not match.

    Examples:
        >>> import jax.numpy as jnp
        >>> from autodiff_cookbook.examples.stop_gradient import td_semi_gradient
        >>> theta = jnp.array([0.0, 1.0])
        >>> phi, phi_next = jnp.array([[1.0, 1.0]]), jnp.array([[0.0, 1.0]])
        >>> print(td_semi_gradient(theta, phi, phi_next, jnp.array([1.0])))
        [-1. -1.]
    """
    delta = _td_error(theta, phi, phi_next, reward, discount, stop=True)
    return -(jnp.asarray(phi).T @ delta) / delta.shape[0]


def random_walk_transitions(
    n_states: int = 5, dtype: jnp.dtype = jnp.float32
) -> Transitions:
    r"""Return every transition of the random walk of Sutton and Barto, with one-hot features.

    States :math:`0, \dots, n-1` sit in a row; from each state the walk steps
    left or right with probability :math:`\tfrac12`. Stepping off the right end
    ends the episode with reward 1, off the left end with reward 0; every other
    reward is 0. With :math:`\gamma = 1` the true value of state :math:`k` is the
    probability of leaving on the right, :math:`(k + 1) / (n + 1)`.

    Each state contributes its two transitions, so averaging a loss over the
    rows is an expected update with every state weighted equally.

    Args:
        n_states: the number of non-terminal states :math:`n`.
        dtype: the floating-point dtype.

    Returns:
        ``(phi, phi_next, reward)`` of shapes ``(2n, n)``, ``(2n, n)`` and
        ``(2n,)``; terminal next states have all-zero features.

    Raises:
        ValueError: if ``n_states`` is less than 1.

    Examples:
        >>> from autodiff_cookbook.examples.stop_gradient import random_walk_transitions
        >>> phi, phi_next, reward = random_walk_transitions(3)
        >>> print(phi.shape, reward)
        (6, 3) [0. 0. 0. 0. 0. 1.]
    """
    if n_states < 1:
        msg = f"n_states must be at least 1, got {n_states}."
        raise ValueError(msg)
    eye = jnp.eye(n_states, dtype=dtype)
    padded = jnp.concatenate(
        [jnp.zeros((1, n_states), dtype), eye, jnp.zeros((1, n_states), dtype)]
    )
    states = jnp.repeat(jnp.arange(n_states), 2)
    steps = jnp.tile(jnp.array([-1, 1]), n_states)
    following = states + steps  # -1 and n are the two terminal states
    reward = (following == n_states).astype(dtype)
    return eye[states], padded[following + 1], reward


def fit_linear_values(
    loss: Callable[..., Array],
    transitions: Transitions,
    *,
    discount: float = 1.0,
    steps: int = 2000,
    learning_rate: float = 1.0,
) -> Array:
    r"""Minimise a TD-style ``loss`` by gradient descent from :math:`\theta = 0`.

    Runs ``steps`` updates :math:`\theta \leftarrow \theta - \eta\, \nabla_\theta
    \text{loss}` in a :func:`jax.lax.scan`; with :func:`td_loss` the "gradient" is
    the TD semi-gradient, so this is expected TD(0).

    Args:
        loss: :func:`td_loss` or :func:`residual_td_loss`, or any function of
            ``(theta, phi, phi_next, reward, discount)``.
        transitions: ``(phi, phi_next, reward)``, e.g. from
            :func:`random_walk_transitions`.
        discount: the discount factor :math:`\gamma`.
        steps: the number of updates.
        learning_rate: the step size :math:`\eta`.

    Returns:
        The final weights, shape ``(d,)``.

    Raises:
        ValueError: if ``steps`` is less than 1.

    Examples:
        >>> from autodiff_cookbook.examples.stop_gradient import fit_linear_values, random_walk_transitions, td_loss
        >>> theta = fit_linear_values(td_loss, random_walk_transitions(3))
        >>> print(", ".join(f"{v:.3f}" for v in theta.tolist()))
        0.250, 0.500, 0.750
    """
    if steps < 1:
        msg = f"steps must be at least 1, got {steps}."
        raise ValueError(msg)
    phi, phi_next, reward = transitions
    grad = jax.grad(loss)

    def step(theta: Array, _: None) -> tuple[Array, None]:
        return theta - learning_rate * grad(
            theta, phi, phi_next, reward, discount
        ), None

    theta0 = jnp.zeros(phi.shape[1], dtype=phi.dtype)
    run = jax.jit(lambda t: jax.lax.scan(step, t, None, length=steps)[0])
    theta: Array = run(theta0)
    return theta


def round_straight_through(x: ArrayLike) -> Array:
    r"""Round to the nearest integer going forward; pass the gradient through unchanged.

    :func:`jax.numpy.round` is piecewise constant, so its derivative is 0
    almost everywhere and nothing upstream of it can learn. The
    straight-through estimator :math:`x + \operatorname{sg}(\operatorname{round}(x) - x)`
    has the value :math:`\operatorname{round}(x)` but, since the
    :func:`jax.lax.stop_gradient` term has zero derivative, the derivative of
    the identity: 1. It is a biased but useful gradient for training through
    quantisation.

    Args:
        x: the input, any shape, real floating point.

    Returns:
        ``round(x)``, whose gradient is that of ``x``.

    Examples:
        >>> import jax
        >>> from autodiff_cookbook.examples.stop_gradient import round_straight_through
        >>> print(f"{float(round_straight_through(1.3)):.1f}")
        1.0
        >>> print(f"{float(jax.grad(round_straight_through)(1.3)):.1f}")
        1.0
    """
    x = jnp.asarray(x)
    return x + jax.lax.stop_gradient(jnp.round(x) - x)
