"""Weight sensitivity: Monte Carlo rank statistics and one-at-a-time sweeps."""

from __future__ import annotations

import time

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from hljgis.analysis import monte_carlo_weights, one_at_a_time, rank_scores, topsis, wlc
from hljgis.analysis import sensitivity as sens


@pytest.fixture
def problem():
    rng = np.random.default_rng(42)
    return rng.random((200, 5)), np.array([0.3, 0.25, 0.2, 0.15, 0.1])


# --------------------------------------------------------------------------- Monte Carlo


def test_same_seed_same_result_other_seed_differs(problem):
    scores, weights = problem
    a = monte_carlo_weights(scores, weights, runs=300, seed=7)
    b = monte_carlo_weights(scores, weights, runs=300, seed=7)
    c = monte_carlo_weights(scores, weights, runs=300, seed=8)
    for field in ("min_rank", "max_rank", "median_rank", "mean_rank", "p_top_k"):
        np.testing.assert_array_equal(getattr(a, field), getattr(b, field))
    assert not np.array_equal(a.mean_rank, c.mean_rank)


def test_perturb_zero_gives_the_plain_rank_everywhere(problem):
    scores, weights = problem
    plain = rank_scores(wlc(scores, weights))
    r = monte_carlo_weights(scores, weights, perturb=0.0, runs=50, top_k=20)
    for field in ("base_rank", "min_rank", "max_rank", "median_rank", "mean_rank"):
        np.testing.assert_array_equal(getattr(r, field), plain)
    np.testing.assert_array_equal(r.p_top_k, (plain <= 20).astype(float))


def test_perturb_zero_with_ties_matches_plain_min_ranks():
    scores = np.array([[0.5, 0.5], [0.5, 0.5], [0.1, 0.9], [0.9, 0.1], [0.3, 0.3]])
    plain = rank_scores(wlc(scores, [1, 1]))
    r = monte_carlo_weights(scores, [1, 1], perturb=0.0, runs=5)
    np.testing.assert_array_equal(r.min_rank, plain)
    np.testing.assert_array_equal(r.max_rank, plain)


def test_statistics_are_consistent(problem):
    scores, weights = problem
    r = monte_carlo_weights(scores, weights, runs=500, perturb=0.3, top_k=10)
    assert ((r.p_top_k >= 0) & (r.p_top_k <= 1)).all()
    assert (r.min_rank <= r.median_rank).all() and (r.median_rank <= r.max_rank).all()
    assert (r.min_rank <= r.base_rank).all() and (r.base_rank <= r.max_rank).all()
    assert r.min_rank.min() == 1 and r.max_rank.max() <= scores.shape[0]
    # each run has exactly top_k alternatives in the top k (no ties in random data)
    assert r.p_top_k.sum() == pytest.approx(10.0)
    assert r.median_runs == 500


def test_dominant_alternative_always_first():
    scores = np.array([[1.0, 1.0, 1.0], [0.5, 0.2, 0.9], [0.3, 0.8, 0.1]])
    r = monte_carlo_weights(scores, [1, 1, 1], perturb=0.5, runs=200, top_k=1)
    assert r.min_rank[0] == r.max_rank[0] == 1
    assert r.p_top_k.tolist()[0] == 1.0


def test_excluded_and_unscored_alternatives_get_no_statistics(problem):
    scores, weights = problem
    scores = scores.copy()
    scores[3, 1] = np.nan
    excluded = np.zeros(scores.shape[0], dtype=bool)
    excluded[[0, 10]] = True
    r = monte_carlo_weights(scores, weights, runs=100, excluded=excluded)
    for field in ("base_rank", "min_rank", "max_rank", "median_rank", "mean_rank", "p_top_k"):
        values = getattr(r, field)
        assert np.isnan(values[[0, 3, 10]]).all()
        assert np.isfinite(np.delete(values, [0, 3, 10])).all()
    assert np.nanmax(r.max_rank) <= scores.shape[0] - 3


def test_callable_method_topsis(problem):
    scores, weights = problem
    benefit = np.array([True, True, False, True, False])

    def method(s, w):
        return topsis(s, w, benefit)

    r = monte_carlo_weights(scores, weights, runs=50, method=method, perturb=0.0)
    np.testing.assert_array_equal(r.base_rank, rank_scores(topsis(scores, weights, benefit)))
    np.testing.assert_array_equal(r.min_rank, r.max_rank)


def test_chunking_and_median_subsample_do_not_change_results(problem, monkeypatch):
    scores, weights = problem
    full = monte_carlo_weights(scores, weights, runs=120, seed=3)
    monkeypatch.setattr(sens, "_CHUNK_ELEMENTS", 7 * scores.shape[0])  # 7 runs per chunk
    chunked = monte_carlo_weights(scores, weights, runs=120, seed=3)
    for field in ("min_rank", "max_rank", "median_rank", "mean_rank", "p_top_k"):
        np.testing.assert_array_equal(getattr(full, field), getattr(chunked, field))
    monkeypatch.setattr(sens, "_MEDIAN_ELEMENTS", 30 * scores.shape[0])
    sub = monte_carlo_weights(scores, weights, runs=120, seed=3)
    assert sub.median_runs == 30
    np.testing.assert_array_equal(sub.mean_rank, full.mean_rank)


def test_to_frame_columns(problem):
    scores, weights = problem
    df = monte_carlo_weights(scores, weights, runs=20, top_k=5).to_frame()
    assert list(df.columns) == [
        "base_rank", "min_rank", "max_rank", "median_rank", "mean_rank", "p_top_5",
    ]  # fmt: skip
    assert len(df) == scores.shape[0]


@pytest.mark.parametrize(
    ("kwargs", "pattern"),
    [
        ({"perturb": 1.0}, r"perturb \(1.0\) must be in \[0, 1\)"),
        ({"perturb": -0.1}, r"perturb"),
        ({"runs": 0}, r"runs \(0\) must be a positive integer"),
        ({"top_k": 0}, r"top_k \(0\)"),
        ({"method": "electre"}, r"method must be 'wlc' or a callable"),
        ({"excluded": [True]}, r"excluded has 1 entries for 200"),
    ],
)
def test_monte_carlo_bad_arguments(problem, kwargs, pattern):
    scores, weights = problem
    with pytest.raises(ValueError, match=pattern):
        monte_carlo_weights(scores, weights, **kwargs)


@settings(max_examples=40, deadline=None)
@given(
    arrays(float, st.tuples(st.integers(1, 30), st.integers(1, 4)), elements=st.floats(0, 1)),
    st.floats(0.0, 0.9),
    st.integers(1, 5),
)
def test_monte_carlo_properties(scores, perturb, top_k):
    weights = np.ones(scores.shape[1])
    r = monte_carlo_weights(scores, weights, perturb=perturb, runs=40, top_k=top_k)
    assert ((r.p_top_k >= 0) & (r.p_top_k <= 1)).all()
    assert (r.min_rank >= 1).all() and (r.max_rank <= scores.shape[0]).all()
    assert (r.min_rank <= r.max_rank).all()
    if perturb == 0.0:
        np.testing.assert_array_equal(r.min_rank, rank_scores(wlc(scores, weights)))


@pytest.mark.slow
def test_thousand_runs_over_hundred_thousand_alternatives_in_seconds():
    rng = np.random.default_rng(0)
    scores = rng.random((100_000, 6))
    start = time.perf_counter()
    r = monte_carlo_weights(scores, rng.random(6), runs=1000, seed=1)
    elapsed = time.perf_counter() - start
    assert elapsed < 30, f"took {elapsed:.1f} s"
    assert np.isfinite(r.median_rank).all()


# ------------------------------------------------------------------------ one at a time


def test_one_at_a_time_rescales_others_proportionally():
    scores = np.array([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]])
    r = one_at_a_time(scores, [0.5, 0.3, 0.2], criterion=0)
    np.testing.assert_allclose(r.values, np.linspace(0, 1, 11))
    np.testing.assert_allclose(r.weights.sum(axis=1), 1.0)
    np.testing.assert_allclose(r.weights[:, 0], r.values)
    # the other two keep their 3:2 proportion
    np.testing.assert_allclose(r.weights[:-1, 1] / r.weights[:-1, 2], 1.5)
    # with these scores each alternative's score equals its criterion's weight
    np.testing.assert_allclose(r.scores, r.weights.T)
    assert r.ranks.shape == (3, 11)
    assert r.ranks[:, 0].tolist() == [3.0, 1.0, 2.0]  # weight 0: B (0.6) > C (0.4) > A
    assert r.ranks[:, -1].tolist() == [1.0, 2.0, 2.0]  # weight 1: B and C tie at 0


def test_one_at_a_time_matches_plain_ranking_at_the_base_weight():
    rng = np.random.default_rng(5)
    scores, w = rng.random((50, 4)), np.array([0.4, 0.3, 0.2, 0.1])
    r = one_at_a_time(scores, w, criterion=2, values=[0.2])
    np.testing.assert_allclose(r.weights[0], w)
    np.testing.assert_array_equal(r.ranks[:, 0], rank_scores(wlc(scores, w)))


def test_one_at_a_time_others_all_zero_share_equally():
    r = one_at_a_time([[0.2, 0.4, 0.9]], [1, 0, 0], criterion=0, values=[0.5])
    np.testing.assert_allclose(r.weights[0], [0.5, 0.25, 0.25])


def test_one_at_a_time_by_name_excluded_and_frame():
    scores = np.array([[0.9, 0.1], [0.2, 0.8], [0.5, 0.5]])
    r = one_at_a_time(
        scores, [1, 1], "rail", values=[0.0, 1.0], names=["slope", "rail"], excluded=[0, 0, 1]
    )
    assert r.criterion == 1
    assert np.isnan(r.ranks[2]).all()
    df = r.to_frame(index=["a", "b", "c"])
    assert list(df.columns) == [0.0, 1.0] and df.loc["a", 0.0] == 1.0 and df.loc["b", 1.0] == 1.0


@pytest.mark.parametrize(
    ("args", "kwargs", "pattern"),
    [
        (([[0.1]], [1], 0), {}, r"at least two criteria"),
        (([[0.1, 0.2]], [1, 1], 2), {}, r"criterion index 2 is outside 0..1"),
        (([[0.1, 0.2]], [1, 1], "x"), {"names": ["a", "b"]}, r"unknown criterion 'x'"),
        (([[0.1, 0.2]], [1, 1], 0), {"values": [0.5, 1.2]}, r"values must each be in 0..1"),
        (([[0.1, 1.2]], [1, 1], 0), {}, r"criterion 2 is 1.2"),
    ],
)
def test_one_at_a_time_bad_arguments(args, kwargs, pattern):
    with pytest.raises(ValueError, match=pattern):
        one_at_a_time(*args, **kwargs)
