"""autodiff_cookbook: learn automatic differentiation in JAX, and check hand-derived gradients.

The public API is re-exported here; each topic lives in its own small module.
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

from . import catalogue as catalogue
from . import domains as domains
from .basics import (
    RELU_CHAIN_INPUT as RELU_CHAIN_INPUT,
)
from .basics import (
    double as double,
)
from .basics import (
    quadratic as quadratic,
)
from .basics import (
    quadratic_derivative as quadratic_derivative,
)
from .basics import (
    relu as relu,
)
from .basics import (
    relu_chain as relu_chain,
)
from .checks import (
    CheckResult as CheckResult,
)
from .checks import (
    assert_gradient as assert_gradient,
)
from .checks import (
    assert_hessian as assert_hessian,
)
from .checks import (
    assert_jacobian as assert_jacobian,
)
from .checks import (
    check_gradient as check_gradient,
)
from .checks import (
    check_hessian as check_hessian,
)
from .checks import (
    check_jacobian as check_jacobian,
)
from .complex_derivatives import (
    predicted_vjp as predicted_vjp,
)
from .complex_derivatives import (
    real_jacobian as real_jacobian,
)
from .complex_derivatives import (
    wirtinger_derivatives as wirtinger_derivatives,
)
from .custom_rules import (
    clip_gradient as clip_gradient,
)
from .custom_rules import (
    softplus as softplus,
)
from .custom_rules import (
    softplus_naive as softplus_naive,
)
from .graphs import (
    dot_to_svg as dot_to_svg,
)
from .graphs import (
    hlo_dot as hlo_dot,
)
from .graphs import (
    hlo_svg as hlo_svg,
)
from .graphs import (
    jaxpr_dot as jaxpr_dot,
)
from .graphs import (
    jaxpr_svg as jaxpr_svg,
)
from .graphs import (
    sin_cos_bump as sin_cos_bump,
)
from .hessians import (
    hutchinson_laplacian as hutchinson_laplacian,
)
from .hessians import (
    hutchinson_samples as hutchinson_samples,
)
from .hessians import (
    laplacian as laplacian,
)
from .jacobians import (
    linear_map as linear_map,
)
from .jacobians import (
    linear_map_jacobian as linear_map_jacobian,
)
from .logistic import (
    clip_per_example as clip_per_example,
)
from .logistic import (
    fit_logistic as fit_logistic,
)
from .logistic import (
    logistic_loss as logistic_loss,
)
from .logistic import (
    logistic_loss_and_metrics as logistic_loss_and_metrics,
)
from .logistic import (
    logistic_loss_gradient as logistic_loss_gradient,
)
from .logistic import (
    make_logistic_data as make_logistic_data,
)
from .logistic import (
    per_example_gradients as per_example_gradients,
)
from .pitfalls import (
    masked_log as masked_log,
)
from .pitfalls import (
    masked_log_naive as masked_log_naive,
)
from .pitfalls import (
    safe_norm as safe_norm,
)
from .pytrees import (
    BATCH_SIZE as BATCH_SIZE,
)
from .pytrees import (
    LAYER_SIZES as LAYER_SIZES,
)
from .pytrees import (
    SEED_KEY as SEED_KEY,
)
from .pytrees import (
    init_layers as init_layers,
)
from .pytrees import (
    layers_as_dict as layers_as_dict,
)
from .pytrees import (
    network_forward as network_forward,
)
from .pytrees import (
    network_loss as network_loss,
)
from .pytrees import (
    network_loss_and_stats as network_loss_and_stats,
)
from .pytrees import (
    seed_input as seed_input,
)
from .pytrees import (
    seed_layers as seed_layers,
)
from .pytrees import (
    seed_operation as seed_operation,
)
from .stop_gradients import (
    fit_linear_values as fit_linear_values,
)
from .stop_gradients import (
    random_walk_transitions as random_walk_transitions,
)
from .stop_gradients import (
    residual_td_loss as residual_td_loss,
)
from .stop_gradients import (
    round_straight_through as round_straight_through,
)
from .stop_gradients import (
    td_loss as td_loss,
)
from .stop_gradients import (
    td_semi_gradient as td_semi_gradient,
)
from .taylor import (
    TaylorResult as TaylorResult,
)
from .taylor import (
    taylor_test as taylor_test,
)
from .timing import (
    device_label as device_label,
)
from .timing import (
    time_jitted as time_jitted,
)
from .transforms import (
    hvp_forward_over_reverse as hvp_forward_over_reverse,
)
from .transforms import (
    hvp_reverse_over_forward as hvp_reverse_over_forward,
)
from .transforms import (
    hvp_reverse_over_reverse as hvp_reverse_over_reverse,
)
from .transforms import (
    hvp_via_hessian as hvp_via_hessian,
)
from .transforms import (
    jacfwd_from_jvp as jacfwd_from_jvp,
)
from .transforms import (
    jacobian_central_difference as jacobian_central_difference,
)
from .transforms import (
    jacrev_from_vjp as jacrev_from_vjp,
)
from .transforms import (
    sum_gradient_via_vjp as sum_gradient_via_vjp,
)
from .workloads import (
    init_tanh_mlp as init_tanh_mlp,
)
from .workloads import (
    rosenbrock as rosenbrock,
)
from .workloads import (
    rosenbrock_gradient as rosenbrock_gradient,
)
from .workloads import (
    rosenbrock_hessian as rosenbrock_hessian,
)
from .workloads import (
    rosenbrock_hvp as rosenbrock_hvp,
)
from .workloads import (
    tanh_mlp as tanh_mlp,
)
from .workloads import (
    tanh_mlp_jacobian as tanh_mlp_jacobian,
)

try:
    __version__ = version("autodiff-cookbook")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0+unknown"

__all__ = [
    "BATCH_SIZE",
    "LAYER_SIZES",
    "RELU_CHAIN_INPUT",
    "SEED_KEY",
    "CheckResult",
    "TaylorResult",
    "__version__",
    "assert_gradient",
    "assert_hessian",
    "assert_jacobian",
    "catalogue",
    "check_gradient",
    "check_hessian",
    "check_jacobian",
    "clip_gradient",
    "clip_per_example",
    "device_label",
    "domains",
    "dot_to_svg",
    "double",
    "fit_linear_values",
    "fit_logistic",
    "hlo_dot",
    "hlo_svg",
    "hutchinson_laplacian",
    "hutchinson_samples",
    "hvp_forward_over_reverse",
    "hvp_reverse_over_forward",
    "hvp_reverse_over_reverse",
    "hvp_via_hessian",
    "init_layers",
    "init_tanh_mlp",
    "jacfwd_from_jvp",
    "jacobian_central_difference",
    "jacrev_from_vjp",
    "jaxpr_dot",
    "jaxpr_svg",
    "laplacian",
    "layers_as_dict",
    "linear_map",
    "linear_map_jacobian",
    "logistic_loss",
    "logistic_loss_and_metrics",
    "logistic_loss_gradient",
    "make_logistic_data",
    "masked_log",
    "masked_log_naive",
    "network_forward",
    "network_loss",
    "network_loss_and_stats",
    "per_example_gradients",
    "predicted_vjp",
    "quadratic",
    "quadratic_derivative",
    "random_walk_transitions",
    "real_jacobian",
    "relu",
    "relu_chain",
    "residual_td_loss",
    "rosenbrock",
    "rosenbrock_gradient",
    "rosenbrock_hessian",
    "rosenbrock_hvp",
    "round_straight_through",
    "safe_norm",
    "seed_input",
    "seed_layers",
    "seed_operation",
    "sin_cos_bump",
    "softplus",
    "softplus_naive",
    "sum_gradient_via_vjp",
    "tanh_mlp",
    "tanh_mlp_jacobian",
    "taylor_test",
    "td_loss",
    "td_semi_gradient",
    "time_jitted",
    "wirtinger_derivatives",
]
