"""Value functions: boundaries, monotonicity, NaN passthrough, parameter checks, specs."""

from __future__ import annotations

import json

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from hljgis.analysis import (
    TransformSpec,
    categorical,
    fuzzy_decreasing,
    fuzzy_increasing,
    fuzzy_symmetric,
    linear,
    threshold,
)

finite = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False)
xs = arrays(float, st.integers(1, 40), elements=finite)


# ---------------------------------------------------------------------------- boundaries


def test_linear_benefit_and_cost_boundaries():
    x = [-10, 0, 250, 1000, 5000]
    np.testing.assert_allclose(linear(x, 0, 1000), [0, 0, 0.25, 1, 1])
    np.testing.assert_allclose(linear(x, 0, 1000, benefit=False), [1, 1, 0.75, 0, 0])


def test_threshold_classes_and_break_belongs_to_upper_class():
    out = threshold([0, 499.9, 500, 999, 1000, 1e9], breaks=[500, 1000], scores=[1, 0.6, 0.1])
    np.testing.assert_allclose(out, [1, 1, 0.6, 0.6, 0.1, 0.1])


def test_fuzzy_increasing_and_decreasing_boundaries():
    x = [-1, 0, 2.5, 5, 10, 11]
    np.testing.assert_allclose(fuzzy_increasing(x, 0, 10), [0, 0, 0.25, 0.5, 1, 1])
    np.testing.assert_allclose(fuzzy_decreasing(x, 0, 10), [1, 1, 0.75, 0.5, 0, 0])


def test_sigmoidal_shape_is_flat_at_ends_and_half_in_middle():
    out = fuzzy_increasing([0, 0.1, 5, 9.9, 10], 0, 10, shape="sigmoidal")
    assert out[0] == 0 and out[-1] == 1
    assert out[2] == pytest.approx(0.5)
    assert out[1] < 0.1 * 0.5  # slower start than the straight ramp
    assert out[3] > 1 - 0.1 * 0.5


def test_fuzzy_symmetric_trapezoid_and_triangle():
    x = [0, 1, 2, 2.5, 3, 4, 5, 6]
    np.testing.assert_allclose(fuzzy_symmetric(x, 0, 2, 3, 5), [0, 0.5, 1, 1, 1, 0.5, 0, 0])
    np.testing.assert_allclose(fuzzy_symmetric([0, 1, 2, 3, 4], 0, 2, 2, 4), [0, 0.5, 1, 0.5, 0])


def test_scalar_in_scalar_out():
    assert linear(5, 0, 10) == 0.5
    assert isinstance(fuzzy_increasing(5, 0, 10), float)


# --------------------------------------------------------------------- NaN passthrough


@pytest.mark.parametrize(
    "transform",
    [
        lambda x: linear(x, 0, 10),
        lambda x: linear(x, 0, 10, benefit=False),
        lambda x: threshold(x, [1, 2], [0, 0.5, 1]),
        lambda x: fuzzy_increasing(x, 0, 10),
        lambda x: fuzzy_decreasing(x, 0, 10, shape="sigmoidal"),
        lambda x: fuzzy_symmetric(x, 0, 2, 3, 5),
    ],
)
def test_nan_stays_nan(transform):
    out = transform(np.array([np.nan, 1.0, np.nan]))
    assert np.isnan(out[[0, 2]]).all() and np.isfinite(out[1])


def test_categorical_lookup_default_and_missing():
    out = categorical(["farm", "forest", None, "lake", np.nan], {"farm": 1.0, "forest": 0.3})
    np.testing.assert_allclose(out[[0, 1, 3]], [1.0, 0.3, 0.0])
    assert np.isnan(out[2]) and np.isnan(out[4])
    nan_default = categorical(["lake"], {"farm": 1.0}, default=float("nan"))
    assert np.isnan(nan_default[0])


def test_categorical_numeric_codes_match_json_string_keys():
    """A mapping read back from JSON has string keys; integer class codes must still match."""
    mapping = json.loads(json.dumps({1: 0.2, 2: 0.9}))
    np.testing.assert_allclose(categorical(np.array([2, 1, 3]), mapping), [0.9, 0.2, 0.0])


def test_categorical_keeps_shape():
    assert categorical(np.array([[1, 2], [2, 1]]), {1: 0.5, 2: 1.0}).shape == (2, 2)


# -------------------------------------------------------------------- output and order


@settings(max_examples=100, deadline=None)
@given(xs, finite, st.floats(min_value=1e-3, max_value=1e5))
def test_outputs_in_unit_interval_and_monotone(x, lo, width):
    hi = lo + width
    order = np.argsort(x)
    for out, increasing in [
        (linear(x, lo, hi), True),
        (linear(x, lo, hi, benefit=False), False),
        (fuzzy_increasing(x, lo, hi), True),
        (fuzzy_increasing(x, lo, hi, shape="sigmoidal"), True),
        (fuzzy_decreasing(x, lo, hi), False),
        (threshold(x, [lo, hi], [0.0, 0.3, 1.0]), True),
    ]:
        assert ((out >= 0) & (out <= 1)).all()
        steps = np.diff(out[order])
        assert (steps >= -1e-12).all() if increasing else (steps <= 1e-12).all()


@settings(max_examples=100, deadline=None)
@given(xs, finite, st.lists(st.floats(1e-3, 1e4), min_size=3, max_size=3))
def test_trapezoid_rises_then_falls(x, a, gaps):
    b, c, d = a + gaps[0], a + gaps[0] + gaps[1], a + sum(gaps)
    out = fuzzy_symmetric(x, a, b, c, d)
    assert ((out >= 0) & (out <= 1)).all()
    left, right = np.sort(x[x <= b]), np.sort(x[x >= c])
    assert (np.diff(fuzzy_symmetric(left, a, b, c, d)) >= -1e-12).all()
    assert (np.diff(fuzzy_symmetric(right, a, b, c, d)) <= 1e-12).all()
    assert (out[(x >= b) & (x <= c)] == 1).all()


# -------------------------------------------------------------------- invalid parameters


@pytest.mark.parametrize(
    ("call", "pattern"),
    [
        (lambda: linear([1], 5000, 1000), r"'linear': lo \(5000\) must be below hi \(1000\)"),
        (lambda: linear([1], 5, 5), r"lo \(5\) must be below hi"),
        (lambda: linear([1], np.nan, 5), r"lo \(nan\) must be a finite number"),
        (lambda: threshold([1], [2, 1], [0, 0.5, 1]), r"breaks \[2.0, 1.0\].*increasing"),
        (lambda: threshold([1], [1, 2], [0, 1]), r"scores must have one more entry"),
        (lambda: threshold([1], [1], [0, 2]), r"scores \[0.0, 2.0\] must each lie in 0..1"),
        (lambda: fuzzy_increasing([1], 3, 3), r"'fuzzy_increasing': a \(3\) must be below b"),
        (lambda: fuzzy_decreasing([1], 4, 3), r"'fuzzy_decreasing': a \(4\) must be below b"),
        (lambda: fuzzy_increasing([1], 0, 1, shape="s"), r"shape \('s'\) must be one of"),
        (lambda: fuzzy_symmetric([1], 0, 3, 2, 5), r"b \(3\) must not be above c \(2\)"),
        (lambda: fuzzy_symmetric([1], 0, 1, 2, 2), r"c \(2\) must be below d \(2\)"),
        (lambda: categorical(["a"], {}), r"mapping must be a non-empty"),
        (lambda: categorical(["a"], {"a": 1.5}), r"mapping\['a'\] \(1.5\) must be a score"),
        (lambda: categorical(["a"], {"a": 1}, default=2), r"default \(2\)"),
    ],
)
def test_invalid_parameters_are_named(call, pattern):
    with pytest.raises(ValueError, match=pattern):
        call()


def test_cost_hint_in_linear_message():
    with pytest.raises(ValueError, match="benefit=False"):
        linear([1], 5000, 1000)


# --------------------------------------------------------------------------- TransformSpec


@pytest.mark.parametrize(
    "spec",
    [
        TransformSpec("linear", {"lo": 0, "hi": 1000, "benefit": False}),
        TransformSpec("threshold", {"breaks": (500, 1000), "scores": [1, 0.5, 0]}),
        TransformSpec("fuzzy_increasing", {"a": 0, "b": 10, "shape": "sigmoidal"}),
        TransformSpec("fuzzy_decreasing", {"a": 0, "b": 10}),
        TransformSpec("fuzzy_symmetric", {"a": 0, "b": 2, "c": 2, "d": 4}),
        TransformSpec("categorical", {"mapping": {"farm": 1.0, "forest": 0.3}}),
    ],
)
def test_spec_round_trips_through_json(spec):
    data = json.loads(json.dumps(spec.to_dict()))
    again = TransformSpec.from_dict(data)
    assert again == spec
    x = np.array(["farm", "lake"]) if spec.kind == "categorical" else np.array([0, 1, 3, 700])
    np.testing.assert_array_equal(again.apply(x), spec.apply(x))


def test_spec_fills_defaults_and_applies_like_the_function():
    spec = TransformSpec("linear", {"lo": 0, "hi": 10})
    assert spec.params["benefit"] is True
    np.testing.assert_allclose(spec.apply([0, 5, 10]), linear([0, 5, 10], 0, 10))


@pytest.mark.parametrize(
    ("kind", "params", "pattern"),
    [
        ("lineal", {}, r"unknown kind"),
        ("linear", {"lo": 0}, r"'linear': missing parameter\(s\) hi"),
        ("linear", {"lo": 0, "hi": 1, "slope": 2}, r"unexpected parameter\(s\) slope"),
        ("linear", {"lo": 5000, "hi": 1000, "benefit": False}, r"lo \(5000\) must be below hi"),
        ("linear", {"lo": 0, "hi": 1, "benefit": "no"}, r"benefit \('no'\) must be True"),
        ("fuzzy_symmetric", {"a": 0, "b": 1, "c": 0.5, "d": 2}, r"b \(1\) must not be above c"),
    ],
)
def test_spec_validation_names_the_field(kind, params, pattern):
    with pytest.raises(ValueError, match=pattern):
        TransformSpec(kind, params)


def test_from_dict_rejects_malformed_data():
    with pytest.raises(ValueError, match="'kind' key"):
        TransformSpec.from_dict({"params": {}})
    with pytest.raises(ValueError, match="unexpected key"):
        TransformSpec.from_dict({"kind": "linear", "params": {"lo": 0, "hi": 1}, "x": 1})
