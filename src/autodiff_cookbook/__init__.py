"""autodiff_cookbook: learn automatic differentiation in JAX, and check hand-derived gradients.

The public API is re-exported here; each topic lives in its own small module.
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

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

try:
    __version__ = version("autodiff-cookbook")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0+unknown"

__all__ = [
    "RELU_CHAIN_INPUT",
    "__version__",
    "double",
    "quadratic",
    "quadratic_derivative",
    "relu",
    "relu_chain",
]
