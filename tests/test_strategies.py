"""Tests for autodiff_cookbook.strategies: Hypothesis examples are members of their domains."""

from __future__ import annotations

import sys
from typing import Any

import numpy as np
import pytest
from hypothesis import find, given, settings
from hypothesis import strategies as st

from autodiff_cookbook import domains
from autodiff_cookbook.strategies import samples

# A single domain for each kind of transform, and one that needs the filter
# (sphere: all-zero noise has no direction).
_DOMAINS = {
    "real": domains.real((2, 3)),
    "complex": domains.complex(3),
    "positive": domains.positive(3),
    "simplex": domains.simplex(4),
    "sphere": domains.sphere(3),
    "spd": domains.spd(3),
    "invertible det>0": domains.invertible(3, positive_determinant=True),
    "orthogonal": domains.orthogonal(3),
    "full_rank": domains.full_rank(4, 2),
    "distinct_eigenvalues": domains.distinct_eigenvalues(3),
    "near": domains.near(np.arange(3.0), 0.1),
}

_QUIET = settings(database=None)


@pytest.mark.parametrize("name", sorted(_DOMAINS))
def test_every_example_is_a_member(name: str) -> None:
    d = _DOMAINS[name]
    seen: list[Any] = []

    @settings(max_examples=30)
    @given(samples(d))
    def check(x: Any) -> None:
        assert isinstance(x, np.ndarray)
        assert x.shape == d.shape
        assert x.dtype == d.sample_dtype(np.float64)
        assert d.contains(x)
        seen.append(x)

    check()
    # Hypothesis explores: the examples are not all one point.
    assert len({x.tobytes() for x in seen}) > 1


@settings(max_examples=20)
@given(x=samples({"W": domains.spd(2), "b": [domains.simplex(3), domains.complex(())]}))
def test_a_pytree_of_domains_gives_pytrees_of_members(x: Any) -> None:
    assert set(x) == {"W", "b"}
    assert isinstance(x["b"], list)
    assert len(x["b"]) == 2
    assert x["b"][1].shape == ()
    assert x["b"][1].dtype == np.complex128
    assert domains.contains(
        {"W": domains.spd(2), "b": [domains.simplex(3), domains.complex(())]}, x
    )


@settings(max_examples=20)
@given(x=samples([domains.orthogonal(3), domains.complex(2)], np.float32))
def test_float32_examples(x: Any) -> None:
    q, z = x
    assert q.dtype == np.float32
    assert z.dtype == np.complex64
    np.testing.assert_allclose(q.T @ q, np.eye(3), atol=1e-5)


@settings(max_examples=10)
@given(x=samples(domains.Tree.of(domains.positive(2))))
def test_a_tree_is_accepted(x: Any) -> None:
    assert np.all(x > 0)


def test_shrinks_toward_zero_noise() -> None:
    zero = find(samples(domains.real(3)), lambda _: True, settings=_QUIET)
    np.testing.assert_array_equal(zero, np.zeros(3))
    # Zero noise through each transform: e^0, the uniform point, the centre.
    ones = find(samples(domains.positive(2)), lambda _: True, settings=_QUIET)
    np.testing.assert_array_equal(ones, np.ones(2))
    uniform = find(samples(domains.simplex(4)), lambda _: True, settings=_QUIET)
    np.testing.assert_allclose(uniform, np.full(4, 0.25))
    centre = np.array([1.0, -2.0])
    found = find(samples(domains.near(centre, 0.5)), lambda _: True, settings=_QUIET)
    np.testing.assert_array_equal(found, centre)
    # A failing property shrinks to a simple counterexample, at the boundary of
    # the property (Hypothesis's arrays shrink toward one repeated fill value).
    big = find(
        samples(domains.real(3)), lambda x: bool(np.max(x) >= 1.0), settings=_QUIET
    )
    assert np.max(big) == 1.0
    assert set(big.tolist()) <= {0.0, 1.0}


def test_noise_is_bounded_so_examples_stay_moderate() -> None:
    @settings(max_examples=50)
    @given(samples(domains.real(4)))
    def check(x: Any) -> None:
        assert np.all(np.abs(x) <= 5.0)

    check()


def test_bad_arguments_raise() -> None:
    with pytest.raises(TypeError, match=r"expected a domain at \['b'\]"):
        samples({"a": domains.real(2), "b": 3})
    with pytest.raises(TypeError, match="real floating-point dtype"):
        samples(domains.real(2), np.complex128)
    with pytest.raises(TypeError, match="real floating-point dtype"):
        samples(domains.real(2), np.int32)
    with pytest.raises(TypeError, match="real floating-point dtype"):
        samples(domains.real(2), "not a dtype")


def test_without_hypothesis_the_error_says_how_to_install_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(sys.modules, "hypothesis", None)
    with pytest.raises(
        ImportError, match=r"pip install autodiff-cookbook\[hypothesis\]"
    ):
        samples(domains.real(2))


def test_it_composes_with_other_strategies() -> None:
    @settings(max_examples=20)
    @given(a=samples(domains.spd(2)), t=st.floats(0.0, 1.0))
    def convex(a: Any, t: float) -> None:
        # SPD matrices form a convex cone.
        b = np.eye(2)
        assert domains.spd(2).contains(t * a + (1 - t) * b)

    convex()
