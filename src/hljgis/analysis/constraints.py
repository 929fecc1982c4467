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
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from hljgis.analysis.candidates import filter_mask
from hljgis.analysis.context import SiteContext, layer_features
from hljgis.analysis.overlay import overlap_share
from hljgis.core.errors import InputError
from hljgis.core.text import Text, is_zh

__all__ = [
    "CONSTRAINT_KINDS",
    "CONSTRAINT_MODES",
    "PENALTY_KINDS",
    "Constraint",
    "ConstraintOutcome",
    "apply_penalties",
    "evaluate_constraints",
    "join_flagged",
    "localized_reasons",
    "outcome_of",
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
    reason : Text
        Text recorded for each site the rule hits ("active subsidence at the planning year"),
        in English and Chinese; the Chinese is shown when the interface is Chinese (results
        keep the English text; see :func:`localized_reasons`). Files keep the ``reason`` /
        ``reason_zh`` keys.
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
    title : Text
        Optional short label ("Active mining" / "在采沉陷区") naming the rule in tables,
        where ``reason`` (what a hit site is told) would repeat the reason column. Empty
        when not given; the interface then shows ``name``.
    """

    name: str
    kind: str
    reason: Text = field(default_factory=Text)
    layer: str | None = None
    where: Any = None
    share: float | None = None
    mode: str = "exclude"
    penalty: str = "multiply"
    penalty_value: float = 0.5
    rationale: str = ""
    title: Text = field(default_factory=Text)

    @property
    def threshold(self) -> float:
        if self.share is not None:
            return float(self.share)
        return 0.5 if self.kind == "inside" else 0.0

    def describe(self, lang: str = "en") -> str:
        """Reason text, defaulting to a description of the rule.

        ``lang="zh"`` gives the Chinese reason; without one, the English (a planner's own
        words beat a generic phrase), and only for a rule with no reason at all a Chinese
        description of it.
        """
        zh = is_zh(lang)
        reason = self.reason.get(lang)
        if reason:
            return reason
        if self.kind == "attribute":
            return f"不满足条件 {self.name}" if zh else f"fails {self.name}"
        if zh:
            return f"位于 {self.layer} 内" if self.kind == "outside" else f"不在 {self.layer} 内"
        return f"{self.kind} {self.layer}"

    def penalty_text(self, lang: str = "en") -> str:
        """``"<reason> (x0.7)"``; in Chinese ``"<理由>（×0.7）"``."""
        if is_zh(lang):
            op = "×" if self.penalty == "multiply" else "−"
            return f"{self.describe(lang)}（{op}{self.penalty_value:g}）"
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
    reason_codes, penalty_codes : (labels, codes), optional
        The same texts as distinct labels and one code per site (``labels[codes]``), so a
        results column can be built without a million Python strings.
    """

    violated: np.ndarray
    excluded: np.ndarray
    reasons: np.ndarray
    penalties: np.ndarray
    constraints: tuple[Constraint, ...]
    reason_codes: tuple[np.ndarray, np.ndarray] | None = None
    penalty_codes: tuple[np.ndarray, np.ndarray] | None = None


def _violations(c: Constraint, ctx: SiteContext) -> np.ndarray:
    """Boolean mask of the sites that break one constraint."""
    if c.kind == "attribute":
        try:
            return ~filter_mask(ctx.sites, c.where, year=ctx.year)
        except ValueError as exc:
            raise InputError(f"constraint '{c.name}': {exc}") from exc
    feats = layer_features(ctx.store, c, ctx.year)
    share = overlap_share(ctx, np.asarray(feats.geometry.values))
    if c.kind == "outside":
        return share > c.threshold + 1e-12
    return share < c.threshold - 1e-12


def join_flagged(flags: np.ndarray, texts: Sequence[str]) -> np.ndarray:
    """Join the texts of the flagged columns per row, without a loop over rows.

    ``flags`` is (n, k) bool, ``texts`` the k column texts; returns an object array of
    n strings joined with "; " ("" where no column is flagged).
    """
    labels, codes = _joined_codes(flags, texts)
    return labels[codes]




def _joined_codes(flags: np.ndarray, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """The distinct joined texts (object array) and each row's index into them.

    Each row's combination of flags is coded as an integer; each distinct code (at most
    2**k, usually a handful) is turned into text once. With few columns the codes present
    are found by counting (1 ms at a million rows) instead of sorting them (40 ms), which
    matters when a planner switches a constraint and the reasons are joined again live.
    """
    n, k = flags.shape
    if k == 0:
        return np.array([""], dtype=object), np.zeros(n, dtype=np.intp)
    codes = (flags.astype(np.int64) << np.arange(k, dtype=np.int64)).sum(axis=1)
    if k <= 16:
        unique = np.flatnonzero(np.bincount(codes, minlength=1 << k))
        lookup = np.zeros(1 << k, dtype=np.int64)
        lookup[unique] = np.arange(len(unique))
        inverse = lookup[codes]
    else:
        unique, inverse = np.unique(codes, return_inverse=True)
    labels = np.array(
        ["; ".join(t for j, t in enumerate(texts) if code >> j & 1) for code in unique],
        dtype=object,
    )
    return labels, inverse


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
    return outcome_of(violated, cons)


def outcome_of(violated: np.ndarray, constraints: Sequence[Constraint]) -> ConstraintOutcome:
    """What the constraints decide, from which sites break which rule.

    The geometry work is in ``violated``; whether a rule excludes or penalises is decided
    here, so switching a rule between the two needs no new overlay
    (:mod:`hljgis.analysis.rescore`).

    Parameters
    ----------
    violated : numpy.ndarray of bool, shape (n, k)
        Site i breaks constraint j.
    constraints : sequence of Constraint, length k

    Returns
    -------
    ConstraintOutcome
    """
    cons = tuple(constraints)
    n = violated.shape[0]
    hard = np.array([c.mode == "exclude" for c in cons], dtype=bool)
    excluded = (np.asarray(violated[:, hard].any(axis=1)) if hard.any()
                else np.zeros(n, dtype=bool))
    reason_codes = _joined_codes(violated & hard, [c.describe() for c in cons])
    penalty_codes = _joined_codes(violated & ~hard, [c.penalty_text() for c in cons])
    return ConstraintOutcome(violated, excluded, reason_codes[0][reason_codes[1]],
                             penalty_codes[0][penalty_codes[1]], cons, reason_codes,
                             penalty_codes)


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


#: Start of the reason :func:`hljgis.analysis.run.run_scenario` records for a site missing a
#: criterion value ("no value for hsr_access").
NO_VALUE = "no value for "
_NO_VALUE_ZH = "缺少数值："


def localized_reasons(reasons, scenario, lang: str = "zh"):
    """The exclusion reasons (or penalties) of a results column in the interface language.

    Results keep one English text column, so writing a million rows stays fast; this maps
    its ``"; "``-joined parts to the Chinese reasons of the scenario's constraints when
    shown. Parts it does not know stay as they are, except "no value for a; b", which
    becomes "缺少数值：a、b". Each distinct text is translated once, so a million rows cost
    one hashing pass.

    Parameters
    ----------
    reasons : str or array-like of str
        One text, or a column (``result.gdf["exclusion_reason"]``, ``["penalty"]``);
        None / NaN count as "".
    scenario : Scenario or sequence of Constraint
        The scenario that was run (its constraints name the reasons, its criteria the
        "no value" parts).
    lang : str, default "zh"
        "en" returns the texts unchanged.

    Returns
    -------
    str or numpy.ndarray of object
        Same shape as ``reasons``.

    Examples
    --------
    >>> c = Constraint("unstable", "outside",
    ...                reason=Text("ground still settling", "仍在沉降的采煤沉陷区"), layer="zones")
    >>> localized_reasons("ground still settling; no value for hsr", [c])
    '仍在沉降的采煤沉陷区；缺少数值：hsr'
    """
    single = isinstance(reasons, str)
    if not is_zh(lang):
        return reasons if single else np.asarray(reasons, dtype=object)
    constraints = getattr(scenario, "constraints", scenario) or ()
    criteria = {c.name for c in getattr(scenario, "criteria", ())}
    known: dict[str, str] = {}
    for c in constraints:
        known.setdefault(c.describe(), c.describe("zh"))
        known.setdefault(c.penalty_text(), c.penalty_text("zh"))
    if single:
        return _localize_one(reasons, known, criteria)
    values = pd.Series(np.asarray(reasons, dtype=object)).fillna("").astype(str)
    codes, uniques = pd.factorize(values)
    out = np.array([_localize_one(u, known, criteria) for u in uniques], dtype=object)
    return out[codes] if len(codes) else np.zeros(0, dtype=object)


def _localize_one(text: str, known: dict[str, str], criteria: set[str]) -> str:
    """One "; "-joined reason text in Chinese (see :func:`localized_reasons`)."""
    if not text:
        return text
    out: list[str] = []
    missing: list[str] | None = None  # criterion names after "no value for"
    for part in text.split("; "):
        if part in known:
            out.append(known[part])
            missing = None
        elif part.startswith(NO_VALUE):
            missing = [n.strip() for n in part[len(NO_VALUE):].split(",") if n.strip()]
            out.append(_NO_VALUE_ZH + "、".join(missing))
        elif missing is not None and (part in criteria or not criteria):
            # run_scenario joins the missing criteria with "; " too: "no value for a; b"
            missing.append(part)
            out[-1] = _NO_VALUE_ZH + "、".join(missing)
        else:
            out.append(part)
            missing = None
    return "；".join(out)
