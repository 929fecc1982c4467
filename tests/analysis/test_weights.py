"""AHP, group AHP and direct weights against published worked examples."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hljgis.analysis import (
    RANDOM_INDEX,
    InconsistentMatrixError,
    ahp,
    direct_weights,
    group_ahp,
    require_consistent,
)


def from_upper(upper: list[float], n: int) -> np.ndarray:
    """Build a reciprocal matrix from its upper triangle, read row by row."""
    a = np.eye(n)
    iu = np.triu_indices(n, 1)
    a[iu] = upper
    a[(iu[1], iu[0])] = 1.0 / np.asarray(upper, dtype=float)
    return a


# Saaty (2008), "Decision making with the analytic hierarchy process", Int. J. Services
# Sciences 1(1):83-98, Table 2: relative consumption of drinks in the United States.
# Order: coffee, wine, tea, beer, soda, milk, water.
DRINKS = from_upper(
    [9, 5, 2, 1, 1, 1 / 2,
     1 / 3, 1 / 9, 1 / 9, 1 / 9, 1 / 9,
     1 / 3, 1 / 4, 1 / 3, 1 / 9,
     1 / 2, 1, 1 / 3,
     2, 1 / 2,
     1 / 3],
    7,
)  # fmt: skip

# Saaty (1990), "How to make a decision: the analytic hierarchy process", EJOR 48:9-26, the
# house-buying example: size, transportation, neighbourhood, age, yard, modern facilities,
# general condition, financing.
HOUSE = from_upper(
    [5, 3, 7, 6, 6, 1 / 3, 1 / 4,
     1 / 3, 5, 3, 3, 1 / 5, 1 / 7,
     6, 3, 4, 6, 1 / 5,
     1 / 3, 1 / 4, 1 / 7, 1 / 8,
     1 / 2, 1 / 5, 1 / 6,
     1 / 5, 1 / 6,
     1 / 2],
    8,
)  # fmt: skip
HOUSE_NAMES = [
    "size", "transportation", "neighborhood", "age",
    "yard", "modern facilities", "general condition", "financing",
]  # fmt: skip

# Wikipedia, "Analytic hierarchy process - leader example": criteria experience, education,
# charisma, age.
LEADER = from_upper([4, 3, 7, 1 / 3, 3, 5], 4)


def test_saaty_2008_drinks_weights_and_cr():
    """Saaty (2008), Table 2, drink consumption: derived weights and CR.

    Published: coffee .177, wine .019, tea .042, beer .116, soda .190, milk .129,
    water .327; C.R. = .022. (The AHPy package's tests reproduce the same numbers.)
    """
    r = ahp(DRINKS)
    published = [0.177, 0.019, 0.042, 0.116, 0.190, 0.129, 0.327]
    np.testing.assert_allclose(r.weights, published, atol=5e-4)
    assert r.cr == pytest.approx(0.022, abs=5e-4)
    assert r.n == 7
    assert r.weights.sum() == pytest.approx(1.0)


def test_saaty_1990_house_example_is_refused_at_cr_0_169():
    """Saaty (1990) house example: weights, lambda_max, CI and CR as published.

    Published priority vector: .173 .054 .188 .018 .031 .036 .167 .333; lambda_max = 9.669,
    C.I. = 0.238, C.R. = 0.169 (> 0.10, which Saaty notes). So it must be refused, and the
    message must name a pair.
    """
    r = ahp(HOUSE)
    published = [0.173, 0.054, 0.188, 0.018, 0.031, 0.036, 0.167, 0.333]
    np.testing.assert_allclose(r.weights, published, atol=5e-4)
    assert r.lambda_max == pytest.approx(9.669, abs=5e-4)
    assert r.ci == pytest.approx(0.238, abs=5e-4)
    assert r.cr == pytest.approx(0.169, abs=5e-4)
    assert not r.is_consistent()

    with pytest.raises(InconsistentMatrixError) as info:
        require_consistent(r, names=HOUSE_NAMES)
    message = str(info.value)
    assert "0.169" in message
    i, j = r.most_inconsistent_pair
    assert f"'{HOUSE_NAMES[i]}' vs '{HOUSE_NAMES[j]}'" in message
    assert info.value.pair == (i, j)
    assert isinstance(info.value, ValueError)


def test_house_most_inconsistent_pair_is_neighborhood_vs_condition():
    """Neighbourhood was judged 6x general condition although condition outweighs it elsewhere.

    Derived weights .188 vs .167 imply about 1.1, the largest log deviation in the matrix.
    """
    r = ahp(HOUSE)
    assert r.most_inconsistent_pair == (2, 6)
    assert r.implied_ratio(2, 6) == pytest.approx(0.188 / 0.167, rel=0.02)


def test_wikipedia_leader_example_criteria():
    """Wikipedia leader example: experience .547, education .127, charisma .270, age .056.

    The article truncates to 3 decimals (exact eigenvector 0.5476 for experience), so the
    tolerance is one unit in the last published place. CR is well under 0.10.
    """
    r = ahp(LEADER, check=True)
    np.testing.assert_allclose(r.weights, [0.547, 0.127, 0.270, 0.056], atol=1e-3)
    assert r.cr < 0.10


def test_consistent_matrix_gives_exact_weights_and_zero_cr():
    w = np.array([0.4, 0.3, 0.2, 0.1])
    a = w[:, None] / w[None, :]
    r = ahp(a)
    np.testing.assert_allclose(r.weights, w, rtol=1e-12)
    assert r.lambda_max == pytest.approx(4.0)
    assert r.ci == pytest.approx(0.0, abs=1e-12)
    assert r.cr == pytest.approx(0.0, abs=1e-12)


@pytest.mark.parametrize("n", [1, 2])
def test_small_matrices_have_zero_cr(n):
    a = np.array([[1.0]]) if n == 1 else np.array([[1.0, 7.0], [1 / 7, 1.0]])
    r = ahp(a, check=True)
    assert r.cr == 0.0 and r.ci == 0.0
    if n == 2:
        np.testing.assert_allclose(r.weights, [7 / 8, 1 / 8])
        assert r.most_inconsistent_pair == (0, 1)
    else:
        assert r.most_inconsistent_pair is None


def test_check_true_refuses_and_message_names_pair_by_position():
    # a > b (2), b > c (2) but c > a (4): a cycle, very inconsistent
    a = from_upper([2, 1 / 4, 2], 3)
    with pytest.raises(InconsistentMatrixError, match=r"CR = \d\.\d{3} > 0\.10.*criterion \d"):
        ahp(a, check=True)


def test_max_cr_is_configurable():
    r = ahp(HOUSE)
    assert require_consistent(r, max_cr=0.2) is r
    with pytest.raises(InconsistentMatrixError):
        ahp(HOUSE, check=True, max_cr=0.15)


def test_rounded_reciprocals_are_accepted_and_rebuilt_exactly():
    a = np.array([[1, 3, 5], [0.333, 1, 2], [0.2, 0.5, 1]])
    r = ahp(a)
    assert r.matrix[1, 0] == 1 / 3
    np.testing.assert_allclose(r.matrix * r.matrix.T, 1.0)


@pytest.mark.parametrize(
    ("matrix", "pattern"),
    [
        ([[1, 2, 3]], r"square"),
        ([[1, 2], [0.5, 1], [1, 1]], r"square"),
        ([[1, -2], [-0.5, 1]], r"row 1, column 2 .*positive"),
        ([[1, 0], [np.inf, 1]], r"row 1, column 2"),
        ([[2, 2], [0.5, 1]], r"diagonal row 1, column 1"),
        ([[1, 3, 2], [1 / 3, 1, 4], [0.5, 4, 1]], r"not reciprocal at row 2, column 3"),
        (np.ones((16, 16)), r"16 criteria"),
    ],
)
def test_invalid_matrices_are_refused_naming_the_cell(matrix, pattern):
    with pytest.raises(ValueError, match=pattern):
        ahp(matrix)


def test_invalid_cell_message_uses_names():
    with pytest.raises(ValueError, match=r"\(slope vs rail\)"):
        ahp([[1, 3], [0.5, 1]], names=["slope", "rail"])


def test_random_index_table():
    assert RANDOM_INDEX[2] == 0.58 and RANDOM_INDEX[9] == 1.49 and RANDOM_INDEX[14] == 1.59
    assert len(RANDOM_INDEX) == 15


def test_result_arrays_are_read_only():
    r = ahp(LEADER)
    with pytest.raises(ValueError):
        r.weights[0] = 1.0


# ---------------------------------------------------------------------------- group AHP


def test_group_ahp_two_members_geometric_mean():
    """Two members; the combined entry is sqrt(a_ij * b_ij) and the result is reciprocal."""
    m1 = from_upper([3, 5, 2], 3)
    m2 = from_upper([1 / 3, 1, 4], 3)
    g = group_ahp([m1, m2], names=["a", "b", "c"])
    expected_upper = np.sqrt(np.array([3 * (1 / 3), 5 * 1, 2 * 4]))
    iu = np.triu_indices(3, 1)
    np.testing.assert_allclose(g.combined_matrix[iu], expected_upper)
    np.testing.assert_allclose(g.combined_matrix * g.combined_matrix.T, 1.0)
    np.testing.assert_allclose(np.diag(g.combined_matrix), 1.0)
    assert len(g.members) == 2
    assert g.members[0].cr == pytest.approx(ahp(m1).cr)
    assert g.members[1].cr == pytest.approx(ahp(m2).cr)
    np.testing.assert_allclose(g.weights, ahp(g.combined_matrix).weights)
    assert g.cr == g.combined.cr
    assert g.weights.sum() == pytest.approx(1.0)


def test_group_ahp_of_identical_members_is_the_member():
    g = group_ahp([DRINKS, DRINKS, DRINKS])
    np.testing.assert_allclose(g.weights, ahp(DRINKS).weights)
    assert g.cr == pytest.approx(ahp(DRINKS).cr)


def test_group_ahp_of_two_consistent_members_is_their_geometric_mean_weights():
    """For consistent members the AIJ weights are the normalised geometric mean of theirs."""
    w1 = np.array([0.5, 0.3, 0.2])
    w2 = np.array([0.2, 0.2, 0.6])
    g = group_ahp([w1[:, None] / w1, w2[:, None] / w2])
    gm = np.sqrt(w1 * w2)
    np.testing.assert_allclose(g.weights, gm / gm.sum(), rtol=1e-10)
    assert g.cr == pytest.approx(0.0, abs=1e-10)


def test_group_ahp_member_weights():
    w1 = np.array([0.5, 0.5])
    w2 = np.array([0.8, 0.2])
    g = group_ahp([w1[:, None] / w1, w2[:, None] / w2], member_weights=[1, 3])
    gm = w1**0.25 * w2**0.75
    np.testing.assert_allclose(g.weights, gm / gm.sum())


def test_group_ahp_errors_name_the_member():
    with pytest.raises(ValueError, match="member 2"):
        group_ahp([LEADER, [[1, 2], [2, 1]]])
    with pytest.raises(ValueError, match="different sizes"):
        group_ahp([LEADER, DRINKS])
    with pytest.raises(ValueError, match="no matrices"):
        group_ahp([])


# ------------------------------------------------------------------------ direct weights


def test_direct_weights_normalise():
    np.testing.assert_allclose(direct_weights([5, 3, 2]), [0.5, 0.3, 0.2])
    np.testing.assert_allclose(direct_weights([0, 2]), [0.0, 1.0])


@pytest.mark.parametrize(
    ("values", "pattern"),
    [
        ([1, -2, 3], r"weight 2 is -2.*cannot be negative"),
        ([0, 0, 0], r"all weights are zero"),
        ([1, np.nan], r"weight 2 .*finite"),
        ([], r"non-empty"),
    ],
)
def test_direct_weights_refuse_bad_values(values, pattern):
    with pytest.raises(ValueError, match=pattern):
        direct_weights(values)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.floats(min_value=0.05, max_value=20), min_size=3, max_size=9),
)
def test_ahp_recovers_weights_of_any_consistent_matrix(raw):
    w = np.asarray(raw) / np.sum(raw)
    r = ahp(w[:, None] / w[None, :])
    np.testing.assert_allclose(r.weights, w, rtol=1e-8)
    assert r.cr == pytest.approx(0.0, abs=1e-8)
