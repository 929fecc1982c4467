"""Constraints: rules that remove a site from the ranking, or keep it with a penalty.

Some sites must not be proposed whatever their scores: ground still subsiding at the
planning year, land outside the city. A hard exclusion removes the site from the ranking
and records the reason, so a planner can answer "why is this site not on the list?". The
same rule can instead be a soft penalty (e.g. subsidence still settling: keep the site but
multiply its score by 0.5), because whether a risk rules a site out is a policy choice the
scenario should make visible, not bury in code.

Kinds (:data:`CONSTRAINT_KINDS`):

``outside``
    The site must not overlap the (filtered) features of a layer by more than ``share`` of
    its area (default 0: any overlap violates). Example: subsidence zones whose
    ``stable_from_year`` is after the planning year.
``inside``
    At least ``share`` of the site (default 0.5) must lie within the features of a layer.
    Example: inside the city's urban districts.
``attribute``
    The site's own attributes must pass a filter (e.g. ``area_ha >= 1``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from hljgis.analysis.candidates import filter_mask
from hljgis.analysis.criteria import SiteContext, _features, overlap_share
from hljgis.core.errors import InputError

__all__ = [
    "CONSTRAINT_KINDS",
    "CONSTRAINT_MODES",
    "PENALTY_KINDS",
    "Constraint",
    "ConstraintOutcome",
    "apply_penalties",
    "evaluate_constraints",
]

CONSTRAINT_KINDS = ("outside", "inside", "attribute")
CONSTRAINT_MODES = ("exclude", "penalty")
#: ``multiply``: score * value (value in 0..1); ``subtract``: max(score - value, 0).
PENALTY_KINDS = ("multiply", "subtract")


@dataclass
class Constraint:
    """One constraint of a scenario, as plain data.

    Attributes
    ----------
    name : str
        Identifier.
    kind : {"outside", "inside", "attribute"}
    reason : str
        Text recorded for each site the rule hits ("active subsidence at the planning year").
    layer : str, optional
        Layer for ``outside`` / ``inside``.
    where : filter, optional
        Filter on the layer (``outside`` / ``inside``) or on the site (``attribute``).
    share : float, optional
        Overlap threshold; defaults 0 (outside) and 0.5 (inside).
    mode : {"exclude", "penalty"}, default "exclude"
    penalty : {"multiply", "subtract"}, default "multiply"
    penalty_value : float, default 0.5
    rationale : str
    """

    name: str
    kind: str
    reason: str = ""
    layer: str | None = None
    where: Any = None
    share: float | None = None
    mode: str = "exclude"
    penalty: str = "multiply"
    penalty_value: float = 0.5
    rationale: str = ""

    @property
    def threshold(self) -> float:
        if self.share is not None:
            return float(self.share)
        return 0.5 if self.kind == "inside" else 0.0

    def describe(self) -> str:
        """Reason text, defaulting to a description of the rule."""
        if self.reason:
            return self.reason
        if self.kind == "attribute":
            return f"fails {self.name}"
        return f"{self.kind} {self.layer}"

    def penalty_text(self) -> str:
        op = "x" if self.penalty == "multiply" else "-"
        return f"{self.describe()} ({op}{self.penalty_value:g})"


@dataclass(frozen=True, eq=False)
class ConstraintOutcome:
    """What the constraints decided for every site.

    Attributes
    ----------
    violated : numpy.ndarray of bool, shape (n, k)
        Site i breaks constraint j.
    excluded : numpy.ndarray of bool, shape (n,)
        Broken by at least one constraint in ``exclude`` mode.
    reasons : numpy.ndarray of str, shape (n,)
        ``"; "``-joined reasons of the exclusions ("" when kept).
    penalties : numpy.ndarray of str, shape (n,)
        ``"; "``-joined penalties applied ("" when none).
    """

    violated: np.ndarray
    excluded: np.ndarray
    reasons: np.ndarray
    penalties: np.ndarray
    constraints: tuple[Constraint, ...]


def _violations(c: Constraint, ctx: SiteContext) -> np.ndarray:
    """Boolean mask of the sites that break one constraint."""
    if c.kind == "attribute":
        try:
            return ~filter_mask(ctx.sites, c.where, year=ctx.year)
        except ValueError as exc:
            raise InputError(f"constraint '{c.name}': {exc}") from exc
    feats = _features(ctx.store, c, ctx.year)
    share = overlap_share(ctx, np.asarray(feats.geometry.values))
    if c.kind == "outside":
        return share > c.threshold + 1e-12
    return share < c.threshold - 1e-12


def _joined(flags: np.ndarray, texts: Sequence[str]) -> np.ndarray:
    """Join the texts of the flagged columns per row, without a loop over rows.

    Each row's combination of flags is coded as an integer; each distinct code (at most
    2**k, usually a handful) is turned into text once.
    """
    n, k = flags.shape
    if k == 0:
        return np.full(n, "", dtype=object)
    codes = (flags.astype(np.int64) << np.arange(k, dtype=np.int64)).sum(axis=1)
    unique, inverse = np.unique(codes, return_inverse=True)
    labels = np.array(
        ["; ".join(t for j, t in enumerate(texts) if code >> j & 1) for code in unique],
        dtype=object,
    )
    return labels[inverse]


def evaluate_constraints(constraints: Sequence[Constraint], ctx: SiteContext) -> ConstraintOutcome:
    """Check every constraint for every site.

    Parameters
    ----------
    constraints : sequence of Constraint
    ctx : SiteContext

    Returns
    -------
    ConstraintOutcome
    """
    cons = tuple(constraints)
    violated = np.zeros((ctx.n, len(cons)), dtype=bool)
    for j, c in enumerate(cons):  # a handful of constraints, each vectorised over sites
        ctx.check()
        violated[:, j] = _violations(c, ctx)
    hard = np.array([c.mode == "exclude" for c in cons], dtype=bool)
    excluded = violated[:, hard].any(axis=1) if hard.any() else np.zeros(ctx.n, dtype=bool)
    reasons = _joined(violated & hard, [c.describe() for c in cons])
    penalties = _joined(violated & ~hard, [c.penalty_text() for c in cons])
    return ConstraintOutcome(violated, excluded, reasons, penalties, cons)


def apply_penalties(scores: np.ndarray, outcome: ConstraintOutcome) -> np.ndarray:
    """Lower the scores of sites that break a constraint in ``penalty`` mode.

    Penalties apply in the order the constraints are listed: ``multiply`` scales the score
    by ``penalty_value``, ``subtract`` removes ``penalty_value`` (not below 0).

    Returns
    -------
    numpy.ndarray
        A new array.
    """
    out = np.array(scores, dtype=float, copy=True)
    for j, c in enumerate(outcome.constraints):
        if c.mode != "penalty":
            continue
        hit = outcome.violated[:, j]
        if c.penalty == "multiply":
            out[hit] *= c.penalty_value
        else:
            out[hit] = np.maximum(out[hit] - c.penalty_value, 0.0)
    return out
