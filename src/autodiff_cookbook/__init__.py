"""autodiff_cookbook: check derivatives derived by hand against JAX's autodiff.

This package is the checking library: the checkers and their result type, the
Taylor test, :mod:`autodiff_cookbook.domains` (where random inputs are drawn
from) and :mod:`autodiff_cookbook.catalogue` (verified matrix-calculus
identities). The code that the documentation pages teach with lives in
:mod:`autodiff_cookbook.examples`, which ``import autodiff_cookbook`` does not load.
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

from . import catalogue as catalogue
from . import domains as domains
from ._autodiff import check_autodiff as check_autodiff
from ._autodiff import check_custom_rule as check_custom_rule
from ._checks import assert_gradient as assert_gradient
from ._checks import assert_hessian as assert_hessian
from ._checks import assert_jacobian as assert_jacobian
from ._checks import check_gradient as check_gradient
from ._checks import check_hessian as check_hessian
from ._checks import check_jacobian as check_jacobian
from ._directional import check_hvp as check_hvp
from ._directional import check_jvp as check_jvp
from ._directional import check_vjp as check_vjp
from ._result import CheckResult as CheckResult
from ._result import FiniteDifferenceReport as FiniteDifferenceReport
from ._result import LeafReport as LeafReport
from ._result import ModeReport as ModeReport
from ._taylor import TaylorResult as TaylorResult
from ._taylor import taylor_test as taylor_test

try:
    __version__ = version("autodiff-cookbook")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0+unknown"

__all__ = [
    "CheckResult",
    "FiniteDifferenceReport",
    "LeafReport",
    "ModeReport",
    "TaylorResult",
    "__version__",
    "assert_gradient",
    "assert_hessian",
    "assert_jacobian",
    "catalogue",
    "check_autodiff",
    "check_custom_rule",
    "check_gradient",
    "check_hessian",
    "check_hvp",
    "check_jacobian",
    "check_jvp",
    "check_vjp",
    "domains",
    "taylor_test",
]
