"""Log-sum-exp, softmax cross-entropy, logistic loss and entropy: the gradients of machine learning."""

from __future__ import annotations

import jax
import jax.numpy as jnp
from jax import Array

from .. import domains
from ._constants import cast, gaussian, probabilities, signs, unit_interval
from ._entry import Identity

__all__ = ["ENTRIES"]

TOPIC = "Softmax, losses and entropy"

_y = probabilities(801, 4)
_q = probabilities(802, 4)
_targets = unit_interval(803, 4)
_A = gaussian(804, (6, 3))
_labels = signs(805, 6)


def _logsumexp(x: Array) -> Array:
    return jax.nn.logsumexp(x)


def _softmax(x: Array) -> Array:
    return jax.nn.softmax(x)


def _softmax_cross_entropy(z: Array) -> Array:
    (y,) = cast(z, _y)
    return -y @ jax.nn.log_softmax(z)


def _softmax_cross_entropy_grad(z: Array) -> Array:
    (y,) = cast(z, _y)
    return jax.nn.softmax(z) - y


def _logistic_loss(w: Array) -> Array:
    a, y = cast(w, _A, _labels)
    return jnp.sum(jax.nn.softplus(-y * (a @ w)))


def _logistic_loss_grad(w: Array) -> Array:
    a, y = cast(w, _A, _labels)
    return -a.T @ (y * jax.nn.sigmoid(-y * (a @ w)))


def _binary_cross_entropy(z: Array) -> Array:
    (t,) = cast(z, _targets)
    return jnp.sum(-t * jax.nn.log_sigmoid(z) - (1 - t) * jax.nn.log_sigmoid(-z))


def _binary_cross_entropy_grad(z: Array) -> Array:
    (t,) = cast(z, _targets)
    return jax.nn.sigmoid(z) - t


def _entropy(p: Array) -> Array:
    return -jnp.sum(p * jnp.log(p))


def _entropy_grad(p: Array) -> Array:
    return -(1 + jnp.log(p))


def _kl(p: Array) -> Array:
    (q,) = cast(p, _q)
    return jnp.sum(p * jnp.log(p / q))


def _kl_grad(p: Array) -> Array:
    (q,) = cast(p, _q)
    return 1 + jnp.log(p / q)


ENTRIES: tuple[Identity, ...] = (
    Identity(
        id="logsumexp",
        topic=TOPIC,
        kind="gradient",
        function=_logsumexp,
        derivative=_softmax,
        domain=domains.real((4,)),
        function_latex=r"\log \textstyle\sum_i e^{x_i}",
        derivative_latex=r"\operatorname{softmax}(x) = \frac{e^{x}}{\sum_i e^{x_i}}",
        conditions="always",
        source="standard result",
    ),
    Identity(
        id="softmax_cross_entropy",
        topic=TOPIC,
        kind="gradient",
        function=_softmax_cross_entropy,
        derivative=_softmax_cross_entropy_grad,
        domain=domains.real((4,)),
        function_latex=r"-y^\top \log \operatorname{softmax}(z)",
        derivative_latex=r"\operatorname{softmax}(z) - y",
        conditions=r"$\sum_i y_i = 1$ (else $(\sum_i y_i)\operatorname{softmax}(z) - y$)",
        source="standard result",
    ),
    Identity(
        id="logistic_loss",
        topic=TOPIC,
        kind="gradient",
        function=_logistic_loss,
        derivative=_logistic_loss_grad,
        domain=domains.real((3,)),
        function_latex=r"\textstyle\sum_i \log\bigl(1 + e^{-y_i a_i^\top w}\bigr)",
        derivative_latex=r"-A^\top \bigl(y \odot \sigma(-y \odot A w)\bigr)",
        conditions=r"labels $y_i \in \{-1, 1\}$, rows $a_i^\top$ of $A$; $\sigma$ is the logistic function",
        source="standard result",
    ),
    Identity(
        id="binary_cross_entropy",
        topic=TOPIC,
        kind="gradient",
        function=_binary_cross_entropy,
        derivative=_binary_cross_entropy_grad,
        domain=domains.real((4,)),
        function_latex=(
            r"-\textstyle\sum_i \bigl[t_i \log \sigma(z_i) + (1 - t_i) \log(1 - \sigma(z_i))\bigr]"
        ),
        derivative_latex=r"\sigma(z) - t",
        conditions=r"always; $z$ are logits, targets $t_i \in [0, 1]$",
        source="standard result",
    ),
    Identity(
        id="entropy",
        topic=TOPIC,
        kind="gradient",
        function=_entropy,
        derivative=_entropy_grad,
        domain=domains.positive((4,)),
        function_latex=r"-\textstyle\sum_i p_i \log p_i",
        derivative_latex=r"-(1 + \log p)",
        conditions=r"$p > 0$ elementwise (no simplex constraint)",
        source="standard result",
    ),
    Identity(
        id="kl_divergence",
        topic=TOPIC,
        kind="gradient",
        function=_kl,
        derivative=_kl_grad,
        domain=domains.positive((4,)),
        function_latex=r"\textstyle\sum_i p_i \log (p_i / q_i)",
        derivative_latex=r"1 + \log(p \oslash q)",
        conditions=r"$p, q > 0$ elementwise; the variable is $p$",
        source="standard result",
    ),
)
