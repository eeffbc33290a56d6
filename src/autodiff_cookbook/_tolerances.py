r"""Default tolerances and finite-difference steps, derived from the dtype.

With :math:`\varepsilon` the machine epsilon of the dtype:

* **formula against autodiff**: ``rtol`` :math:`= \sqrt{\varepsilon}`. Both sides
  are exact derivatives computed two ways, so they differ only by rounding, a
  few units of :math:`\varepsilon` times the condition number of the
  computation. Asking for agreement in half of the digits leaves room for
  condition numbers up to :math:`1/\sqrt{\varepsilon}` (about :math:`10^{8}` in
  float64, :math:`3000` in float32), while a wrong formula is typically off in
  its first digit.
* **autodiff against central differences** (gradients and Jacobians):
  :math:`D(h) = \frac{f(x + hv) - f(x - hv)}{2h}` has truncation error
  :math:`O(h^2)` and rounding error :math:`O(\varepsilon / h)`; the step
  :math:`h = \varepsilon^{1/3} s` balances them, leaving an error of order
  :math:`\varepsilon^{2/3}` relative to the scale :math:`s` of the input. The
  checkers compare autodiff with the Richardson combination
  :math:`(4 D(h) - D(2h))/3`, and allow :math:`|D(h) - D(2h)|`, an estimate of
  the error, on top of the floor ``fd_rtol`` :math:`= 10^{3}\,\varepsilon^{2/3}`
  (:math:`3.7 \times 10^{-8}` in float64, :math:`0.024` in float32).
* **Hessians**, against the second difference
  :math:`\frac{f(x + hv) - 2 f(x) + f(x - hv)}{h^2} \approx v^\top H v`:
  step :math:`\varepsilon^{1/4} s`, error of order :math:`\varepsilon^{1/2}`,
  floor :math:`10^{2}\,\varepsilon^{1/2}`.

Finite differences only referee the comparison (they tell a wrong formula from
a function that autodiff cannot be trusted on), so their tolerances are loose.
"""

from __future__ import annotations

import dataclasses
import math
from typing import Any

import numpy as np

from ._types import Kind

__all__: list[str] = []


@dataclasses.dataclass(frozen=True)
class Tolerances:
    """The tolerances and the finite-difference step of one check."""

    rtol: float
    atol: float
    fd_rtol: float
    fd_step: float  # relative to max(||x||, 1)


def default_tolerances(
    dtype: np.dtype[np.floating[Any]],
    kind: Kind,
    *,
    rtol: float | None = None,
    atol: float | None = None,
    fd_rtol: float | None = None,
) -> Tolerances:
    """Fill in the tolerances the caller did not give, from ``dtype`` and the kind of check."""
    eps = float(np.finfo(dtype).eps)
    given: tuple[tuple[str, object], ...] = (
        ("rtol", rtol),
        ("atol", atol),
        ("fd_rtol", fd_rtol),
    )
    for name, value in given:  # checked as objects: callers may pass anything
        if value is not None and not (
            isinstance(value, int | float) and math.isfinite(value) and value >= 0
        ):
            msg = f"{name} must be a finite number >= 0, got {value!r}."
            raise ValueError(msg)
    if kind == "hessian":
        step, fd_default = eps ** (1 / 4), 1e2 * math.sqrt(eps)
    else:
        step, fd_default = eps ** (1 / 3), 1e3 * eps ** (2 / 3)
    return Tolerances(
        rtol=math.sqrt(eps) if rtol is None else float(rtol),
        atol=0.0 if atol is None else float(atol),
        fd_rtol=fd_default if fd_rtol is None else float(fd_rtol),
        fd_step=step,
    )
