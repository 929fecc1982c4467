"""Criterion weights: direct entry, Saaty's AHP and group AHP.

Planners state how much each criterion matters in one of two ways: by typing numbers
(:func:`direct_weights`) or by answering pairwise questions ("is subsidence risk more
important than distance to a station, and how much?") that the Analytic Hierarchy Process
turns into weights (:func:`ahp`). Pairwise answers are rarely perfectly consistent, so AHP
also reports Saaty's consistency ratio (CR) and the judgement that disagrees most with the
rest, which is what a planner needs to revise first. :func:`group_ahp` combines several
people's matrices by the element-wise geometric mean (aggregation of individual judgements,
AIJ), the only mean that keeps the combined matrix reciprocal.

Everything here is plain numpy: no Qt, no I/O.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

__all__ = [
    "RANDOM_INDEX",
    "AHPResult",
    "GroupAHPResult",
    "InconsistentMatrixError",
    "ahp",
    "direct_weights",
    "group_ahp",
    "require_consistent",
]

#: Saaty's random consistency index RI for n = 1..15 (index 0 is n = 1). CR = CI / RI.
RANDOM_INDEX: tuple[float, ...] = (
    0.0,
    0.0,
    0.58,
    0.90,
    1.12,
    1.24,
    1.32,
    1.41,
    1.45,
    1.49,
    1.51,
    1.48,
    1.56,
    1.57,
    1.59,
)

#: Saaty's customary acceptance threshold for the consistency ratio.
DEFAULT_MAX_CR = 0.10


class InconsistentMatrixError(ValueError):
    """A pairwise comparison matrix whose consistency ratio is above the accepted limit.

    Attributes
    ----------
    result : AHPResult
        The full result, so a caller can still show the weights and the CR.
    pair : tuple of int
        ``(i, j)`` of the judgement that deviates most from the derived weights.
    """

    def __init__(self, message: str, result: AHPResult, pair: tuple[int, int] | None):
        super().__init__(message)
        self.result = result
        self.pair = pair


@dataclass(frozen=True, eq=False)
class AHPResult:
    """What :func:`ahp` derives from one pairwise comparison matrix.

    Attributes
    ----------
    weights : numpy.ndarray
        Principal right eigenvector, scaled to sum to 1 (read-only).
    lambda_max : float
        Principal eigenvalue; equals ``n`` for a perfectly consistent matrix.
    ci : float
        Consistency index ``(lambda_max - n) / (n - 1)``; 0 for ``n <= 2``.
    cr : float
        Consistency ratio ``ci / RI[n]``; 0 for ``n <= 2``.
    n : int
        Number of criteria.
    most_inconsistent_pair : tuple of int or None
        ``(i, j)`` with ``i < j`` maximising ``|log(a_ij * w_j / w_i)|``, i.e. the judgement
        the other judgements disagree with most. None when ``n < 2``.
    matrix : numpy.ndarray
        The matrix used (lower triangle rebuilt as exact reciprocals of the upper), read-only.
    """

    weights: np.ndarray
    lambda_max: float
    ci: float
    cr: float
    n: int
    most_inconsistent_pair: tuple[int, int] | None
    matrix: np.ndarray

    def implied_ratio(self, i: int, j: int) -> float:
        """Return ``w_i / w_j``, the judgement the derived weights would have given."""
        return float(self.weights[i] / self.weights[j])

    def is_consistent(self, max_cr: float = DEFAULT_MAX_CR) -> bool:
        """Return True when the CR does not exceed ``max_cr``."""
        return self.cr <= max_cr


@dataclass(frozen=True, eq=False)
class GroupAHPResult:
    """What :func:`group_ahp` derives from several people's matrices.

    Attributes
    ----------
    members : tuple of AHPResult
        One result per member, in input order (each with its own CR).
    combined_matrix : numpy.ndarray
        Element-wise (weighted) geometric mean of the members' matrices; reciprocal.
    combined : AHPResult
        AHP of the combined matrix: the group's weights and CR.
    member_weights : numpy.ndarray
        Relative say of each member (sums to 1).
    names : tuple of str or None
        Criterion names, when given.
    """

    members: tuple[AHPResult, ...]
    combined_matrix: np.ndarray
    combined: AHPResult
    member_weights: np.ndarray
    names: tuple[str, ...] | None = None

    @property
    def weights(self) -> np.ndarray:
        """The group's criterion weights (shortcut for ``combined.weights``)."""
        return self.combined.weights

    @property
    def cr(self) -> float:
        """Consistency ratio of the combined matrix."""
        return self.combined.cr


# --------------------------------------------------------------------------- validation


def _label(k: int, names: Sequence[str] | None) -> str:
    """Name criterion ``k`` for messages: its name when known, else its 1-based position."""
    if names is not None:
        return f"'{names[k]}'"
    return f"criterion {k + 1}"


def _cell(i: int, j: int, names: Sequence[str] | None) -> str:
    """Name cell (i, j) for messages, with criterion names when known."""
    where = f"row {i + 1}, column {j + 1}"
    if names is not None:
        return f"{where} ({names[i]} vs {names[j]})"
    return where


def _check_names(names: Sequence[str] | None, n: int) -> tuple[str, ...] | None:
    """Return names as a tuple after checking there is one per criterion."""
    if names is None:
        return None
    names = tuple(str(s) for s in names)
    if len(names) != n:
        raise ValueError(f"AHP: {len(names)} criterion names given for a {n}x{n} matrix")
    return names


def _validated_matrix(
    matrix: object, names: Sequence[str] | None, reciprocal_tol: float
) -> np.ndarray:
    """Check a pairwise matrix and return it with an exactly reciprocal lower triangle.

    The lower triangle is replaced by ``1 / upper.T`` once it has passed the check, so that a
    typed 0.333 for 1/3 does not tilt the eigenvector.
    """
    try:
        a = np.asarray(matrix, dtype=float)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"AHP: the pairwise matrix must be a table of numbers ({exc})") from exc
    if a.ndim != 2 or a.shape[0] != a.shape[1]:
        raise ValueError(f"AHP: the pairwise matrix must be square, got shape {a.shape}")
    n = a.shape[0]
    if n == 0:
        raise ValueError("AHP: the pairwise matrix is empty")
    if n > len(RANDOM_INDEX):
        raise ValueError(
            f"AHP: {n} criteria is more than the {len(RANDOM_INDEX)} that Saaty's random index "
            "table covers; group criteria into a hierarchy or use direct weights"
        )
    bad = ~np.isfinite(a) | (a <= 0)
    if bad.any():
        i, j = np.argwhere(bad)[0]
        raise ValueError(
            f"AHP: {_cell(i, j, names)} is {a[i, j]!r}; every judgement must be a positive "
            "number (Saaty's scale 1/9..9)"
        )
    diag = np.abs(np.diag(a) - 1.0) > 1e-9
    if diag.any():
        k = int(np.argmax(diag))
        raise ValueError(
            f"AHP: diagonal {_cell(k, k, names)} is {a[k, k]!r}; a criterion compared with "
            "itself must be 1"
        )
    product = a * a.T  # 1 everywhere for a reciprocal matrix
    off = np.abs(product - 1.0)
    if (off > reciprocal_tol).any():
        i, j = np.unravel_index(int(np.argmax(off)), off.shape)
        i, j = (int(i), int(j)) if i < j else (int(j), int(i))
        raise ValueError(
            f"AHP: matrix is not reciprocal at {_cell(i, j, names)}: a[{i + 1},{j + 1}] = "
            f"{a[i, j]:g} but a[{j + 1},{i + 1}] = {a[j, i]:g} (expected {1 / a[i, j]:g})"
        )
    upper = np.triu(a, 1)
    return upper + np.triu(1.0 / a, 1).T + np.eye(n)


# --------------------------------------------------------------------------------- AHP


def _principal_eigen(a: np.ndarray) -> tuple[float, np.ndarray]:
    """Return the Perron root and its eigenvector, scaled to sum to 1."""
    values, vectors = np.linalg.eig(a)
    k = int(np.argmax(values.real))
    w = np.abs(vectors[:, k].real)
    return float(values[k].real), w / w.sum()


def _most_inconsistent_pair(a: np.ndarray, w: np.ndarray) -> tuple[int, int] | None:
    """Return (i, j), i < j, of the judgement furthest (in log ratio) from ``w_i / w_j``."""
    n = a.shape[0]
    if n < 2:
        return None
    deviation = np.abs(np.log(a * w[None, :] / w[:, None]))
    iu = np.triu_indices(n, 1)
    k = int(np.argmax(deviation[iu]))
    return int(iu[0][k]), int(iu[1][k])


def ahp(
    matrix: object,
    *,
    names: Sequence[str] | None = None,
    check: bool = False,
    max_cr: float = DEFAULT_MAX_CR,
    reciprocal_tol: float = 0.01,
) -> AHPResult:
    """Derive criterion weights from a pairwise comparison matrix (Saaty's eigenvector method).

    Entry ``a[i, j]`` says how many times criterion ``i`` matters more than criterion ``j``
    (Saaty's 1..9 scale and reciprocals). The weights are the principal right eigenvector,
    which is exact for a consistent matrix and is Saaty's published definition, so results
    match textbooks and Expert Choice-style tools.

    Parameters
    ----------
    matrix : array_like, shape (n, n)
        Positive, reciprocal (``a[j, i] == 1 / a[i, j]``), ones on the diagonal; n <= 15.
    names : sequence of str, optional
        Criterion names, used only in error messages.
    check : bool, default False
        When True, call :func:`require_consistent` and raise if CR > ``max_cr``.
    max_cr : float, default 0.10
        Threshold used when ``check`` is True.
    reciprocal_tol : float, default 0.01
        Accepted ``|a_ij * a_ji - 1|``, so rounded entries such as 0.333 pass. The lower
        triangle is then rebuilt from the upper one as exact reciprocals.

    Returns
    -------
    AHPResult

    Raises
    ------
    ValueError
        If the matrix is not square, has a non-positive or non-finite entry, a diagonal
        other than 1, is not reciprocal, or has more than 15 rows; the message names the cell.
    InconsistentMatrixError
        If ``check`` is True and the CR exceeds ``max_cr``.

    Examples
    --------
    >>> r = ahp([[1, 3], [1 / 3, 1]])
    >>> r.weights.round(3).tolist(), r.cr
    ([0.75, 0.25], 0.0)
    """
    names = _check_names(names, len(matrix)) if names is not None else None  # type: ignore[arg-type]
    a = _validated_matrix(matrix, names, reciprocal_tol)
    n = a.shape[0]
    lambda_max, w = _principal_eigen(a)
    if n <= 2:
        ci = cr = 0.0
    else:
        ci = max(0.0, (lambda_max - n) / (n - 1))  # clip round-off below n
        cr = ci / RANDOM_INDEX[n - 1]
    w.setflags(write=False)
    a.setflags(write=False)
    result = AHPResult(
        weights=w,
        lambda_max=lambda_max,
        ci=float(ci),
        cr=float(cr),
        n=n,
        most_inconsistent_pair=_most_inconsistent_pair(a, w),
        matrix=a,
    )
    if check:
        require_consistent(result, max_cr=max_cr, names=names)
    return result


def require_consistent(
    result: AHPResult, max_cr: float = DEFAULT_MAX_CR, names: Sequence[str] | None = None
) -> AHPResult:
    """Refuse a matrix whose consistency ratio exceeds ``max_cr``.

    Saaty's rule of thumb is that judgements with CR above 0.10 are too contradictory to
    trust; the message names the judgement to revisit first, because "CR = 0.17" alone
    does not tell a planner what to change.

    Parameters
    ----------
    result : AHPResult
    max_cr : float, default 0.10
    names : sequence of str, optional
        Criterion names for the message.

    Returns
    -------
    AHPResult
        The same result, so the call can be chained.

    Raises
    ------
    InconsistentMatrixError
        If ``result.cr > max_cr``.
    """
    names = _check_names(names, result.n)
    if result.cr <= max_cr:
        return result
    pair = result.most_inconsistent_pair
    message = f"AHP judgements are too inconsistent: CR = {result.cr:.3f} > {max_cr:.2f}."
    if pair is not None:
        i, j = pair
        message += (
            f" Most inconsistent pair: {_label(i, names)} vs {_label(j, names)}: judged "
            f"{result.matrix[i, j]:.3g}, but the other judgements imply about "
            f"{result.implied_ratio(i, j):.3g}. Revise this comparison first."
        )
    raise InconsistentMatrixError(message, result, pair)


# --------------------------------------------------------------------------- group AHP


def group_ahp(
    matrices: Sequence[object],
    names: Sequence[str] | None = None,
    member_weights: Sequence[float] | None = None,
    *,
    reciprocal_tol: float = 0.01,
) -> GroupAHPResult:
    """Combine several people's pairwise matrices by the element-wise geometric mean (AIJ).

    The geometric mean is used because it is the only averaging rule that keeps the combined
    matrix reciprocal (Aczél & Saaty 1983), so the group matrix is itself a valid AHP matrix.

    Parameters
    ----------
    matrices : sequence of array_like, each (n, n)
        One matrix per member, all over the same criteria in the same order.
    names : sequence of str, optional
        Criterion names, for messages.
    member_weights : sequence of float, optional
        Relative say of each member (weighted geometric mean); equal by default.
    reciprocal_tol : float, default 0.01
        Passed to :func:`ahp` for each member.

    Returns
    -------
    GroupAHPResult

    Raises
    ------
    ValueError
        If no matrices are given, their shapes differ, a member's matrix is invalid (the
        message says which member), or the member weights are invalid.
    """
    if len(matrices) == 0:
        raise ValueError("group AHP: no matrices given")
    members = []
    for k, m in enumerate(matrices):
        try:
            members.append(ahp(m, names=names, reciprocal_tol=reciprocal_tol))
        except ValueError as exc:
            raise ValueError(f"group AHP, member {k + 1}: {exc}") from exc
    sizes = {r.n for r in members}
    if len(sizes) != 1:
        raise ValueError(f"group AHP: matrices have different sizes {sorted(sizes)}")
    if member_weights is None:
        mw = np.full(len(members), 1.0 / len(members))
    else:
        mw = direct_weights(member_weights)
        if mw.size != len(members):
            raise ValueError(
                f"group AHP: {mw.size} member weights given for {len(members)} matrices"
            )
    stack = np.stack([r.matrix for r in members])
    combined_matrix = np.exp(np.tensordot(mw, np.log(stack), axes=1))
    combined = ahp(combined_matrix, names=names, reciprocal_tol=1e-9)
    return GroupAHPResult(
        members=tuple(members),
        combined_matrix=combined.matrix,
        combined=combined,
        member_weights=mw,
        names=_check_names(names, combined.n),
    )


# ----------------------------------------------------------------------- direct weights


def direct_weights(values: Sequence[float] | np.ndarray) -> np.ndarray:
    """Scale typed importance values to weights that sum to 1.

    Planners often think "40, 30, 30" or "5, 3, 2"; only the proportions matter.

    Parameters
    ----------
    values : array_like, 1-D
        Non-negative, finite, not all zero.

    Returns
    -------
    numpy.ndarray
        ``values / values.sum()``.

    Raises
    ------
    ValueError
        If a value is negative or not finite (the message gives its position), or all are 0.

    Examples
    --------
    >>> direct_weights([40, 30, 30]).tolist()
    [0.4, 0.3, 0.3]
    """
    v = np.asarray(values, dtype=float)
    if v.ndim != 1 or v.size == 0:
        raise ValueError(f"weights must be a non-empty 1-D list, got shape {v.shape}")
    bad = ~np.isfinite(v)
    if bad.any():
        k = int(np.argmax(bad))
        raise ValueError(f"weight {k + 1} is {v[k]!r}; weights must be finite numbers")
    neg = v < 0
    if neg.any():
        k = int(np.argmax(neg))
        raise ValueError(
            f"weight {k + 1} is {v[k]:g}; weights cannot be negative (to favour low values, "
            "mark the criterion as a cost instead)"
        )
    total = v.sum()
    if total <= 0:
        raise ValueError("all weights are zero; give at least one criterion a positive weight")
    return v / total
