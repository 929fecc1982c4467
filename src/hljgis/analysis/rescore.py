"""Re-score a finished ranking for new weights, transforms or constraint actions.

Measuring the criteria (distances, overlays, zonal statistics) is what takes a ranking its
seconds; turning measured values into scores and ranks is numpy arithmetic on a few
columns. A planner who moves a weight after a run wants the map to follow at once, so a
run keeps what it measured (:class:`RunInputs`: the raw values and which sites break which
constraint) and :class:`Rescorer` redoes only the arithmetic: the transforms whose
parameters changed, the weights, the aggregation, exclusions and penalties, and the ranks.
:func:`score_sites` and :func:`result_columns` are the code the full run uses too, so a
re-score equals a full run of the edited scenario exactly.

What a re-score cannot give (other candidate sites, city or planning year; a criterion or
constraint that measures something else or was not measured) raises :class:`NeedsFullRun`
naming it. Monte Carlo columns are only recomputed when asked (``monte_carlo=True``): at a
million sites they take longer than a full run's arithmetic.
"""

from __future__ import annotations

import json
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import numpy as np
import pandas as pd

from hljgis.analysis.aggregate import rank_order, rank_scores, topsis, weighted_sum, wlc
from hljgis.analysis.constraints import ConstraintOutcome, apply_penalties, outcome_of
from hljgis.analysis.scenario import Scenario
from hljgis.analysis.weights import direct_weights
from hljgis.core.errors import InputError

if TYPE_CHECKING:
    from hljgis.analysis.run import RankingResult

__all__ = ["IDENTITY_COLUMNS", "NeedsFullRun", "Rescorer", "RunInputs", "Scores", "frame_of",
           "result_columns", "score_sites"]

#: Criterion fields that decide what is measured; the others (transform, weight, texts)
#: only change how the measured value is scored.
MEASURED_FIELDS = ("kind", "layer", "where", "field", "measure", "stat", "agg", "fill", "mode")
#: Constraint fields that decide which sites break it; mode, penalty and texts do not.
RULE_FIELDS = ("kind", "layer", "where", "share")
#: Columns the Monte Carlo stage adds (``p_top_<k>`` too); a re-score without it drops them.
MC_COLUMNS = ("rank_min", "rank_max", "rank_median")


class NeedsFullRun(InputError):
    """The edit changes what was measured; only a full run gives the right result."""

    def __init__(self, what: str):
        super().__init__(what, "Run the ranking again.")


@dataclass(frozen=True, eq=False)
class RunInputs:
    """What a run measured, kept on its :class:`~hljgis.analysis.run.RankingResult`.

    Attributes
    ----------
    scenario : Scenario
        The scenario as run: its criteria and constraints define what ``raw`` and
        ``violated`` hold.
    city : str or None
    raw : mapping of str to numpy.ndarray
        Criterion name -> raw values as computed (the arrays the result frame shows, so
        keeping them costs no memory).
    violated : numpy.ndarray of bool, shape (n, k)
        Site i breaks constraint j of ``scenario.constraints`` (1 MB per rule at 1M sites).
    cells : CellGrid or None
        Where generated cells sit on their lattice (None for layer candidates): the
        project file stores such a result as this grid definition, not as polygons.
    """

    scenario: Scenario
    city: str | None
    raw: Mapping[str, np.ndarray]
    violated: np.ndarray
    cells: Any = None


@dataclass(eq=False)
class Scores:
    """Everything the aggregation stage decides for every site (see :func:`score_sites`).

    ``norm``, ``scores_in`` and ``contrib`` are (n, c) matrices, or (a re-score) lists of
    c columns; ``rank`` is None while a re-score defers it (:meth:`Rescorer.rescore`).
    """

    norm: np.ndarray | list[np.ndarray]
    scores_in: np.ndarray | list[np.ndarray]
    contrib: np.ndarray | list[np.ndarray]
    base: np.ndarray
    score: np.ndarray
    rank: np.ndarray | None
    excluded: np.ndarray
    reasons: np.ndarray
    outcome: ConstraintOutcome


def score_sites(norm: np.ndarray, weights: np.ndarray, outcome: ConstraintOutcome,
                sc: Scenario, isnan: np.ndarray | None = None) -> Scores:
    """Aggregate transformed scores, apply missing-data policy, constraints and rank.

    Parameters
    ----------
    norm : numpy.ndarray, shape (n, c)
        Transformed scores (0..1, NaN where the raw value is missing), columns in the
        order of ``sc.criteria``.
    weights : numpy.ndarray, shape (c,)
        Normalised weights (``sc.resolve_weights()[0]``).
    outcome : ConstraintOutcome
    sc : Scenario
        Gives ``aggregation``, ``nan_policy`` and the criterion names of the reasons.
    isnan : numpy.ndarray of bool, shape (n, c), optional
        ``np.isnan(norm)`` when the caller keeps it (a re-score of other weights).

    Returns
    -------
    Scores
    """
    names = [c.name for c in sc.criteria]
    nan = np.isnan(norm) if isnan is None else isnan
    used = weights > 0
    any_missing = nan[:, used].any(axis=1)
    # the outcome's arrays as they are unless missing values add to them (a re-score that
    # keeps the constraints then keeps the result's reason columns too)
    excluded = outcome.excluded
    reasons = outcome.reasons
    scores_in = norm
    if any_missing.any():
        if sc.nan_policy == "exclude":
            excluded = excluded | any_missing
            gap = _missing_reasons(nan & used, names)
            reasons = np.where(reasons == "", gap,
                               np.where(gap == "", reasons, reasons + "; " + gap))
        elif sc.nan_policy == "zero":
            scores_in = np.where(np.isnan(norm), 0.0, norm)
    if sc.aggregation == "topsis":
        base = topsis(np.where(np.isnan(scores_in), 0.0, scores_in), weights, True)
        base[np.isnan(scores_in[:, weights > 0]).any(axis=1)] = np.nan
    else:
        policy = "renormalize" if sc.nan_policy == "renormalize" else "propagate"
        if isnan is not None and not nan.any():
            # what wlc computes for a matrix without NaN, minus its scans for NaN and for
            # values outside 0..1, which transforms never give (17 ms at a million sites)
            base = weighted_sum(scores_in, direct_weights(weights))
        else:
            base = wlc(scores_in, weights, nan_policy=policy)
    contrib = norm * weights
    penalised = apply_penalties(base, outcome)
    score = np.where(excluded, np.nan, penalised)
    rank = rank_scores(score, excluded, method="min")
    return Scores(norm, scores_in, contrib, base, score, rank, excluded, reasons, outcome)


def _missing_reasons(missing: np.ndarray, names: list[str]) -> np.ndarray:
    """"no value for a, b" per row, coded per distinct combination (no loop over rows)."""
    from hljgis.analysis.constraints import join_flagged

    joined = join_flagged(missing, names)
    return np.where(joined == "", "", "no value for " + joined.astype(str).astype(object))


def _infers_str() -> Any:
    """The dtype pandas gives a column of Python strings when it is an Arrow string dtype
    (pandas 3), else None (the column stays object)."""
    dtype = pd.Series(np.array(["a"], dtype=object)).dtype
    return dtype if getattr(dtype, "storage", None) == "pyarrow" else None


_STR = _infers_str()


def _text_column(labels: np.ndarray, codes: np.ndarray) -> Any:
    """``labels[codes]`` as the results' string column, through an Arrow dictionary: the
    same column pandas would infer from the Python strings, a sixth of the time at a
    million rows (46 ms instead of 306 ms under load), most of which held the GIL and froze
    the GUI thread."""
    if _STR is None:
        return labels[codes]
    import pyarrow as pa

    dictionary = pa.DictionaryArray.from_arrays(
        pa.array(np.asarray(codes, dtype=np.int32)),
        pa.array(labels.tolist(), type=pa.large_string()))
    return pd.array(dictionary.cast(pa.large_string()), dtype=_STR)


# a result's identity columns, in the order a run writes them (before the scores)
IDENTITY_COLUMNS = ("site_id", "site_name", "site_name_zh", "name", "name_zh", "city",
                    "district", "district_zh", "site_type")


def result_columns(ids: Mapping[str, Any], sc: Scenario, raw: Mapping[str, Any], s: Scores,
                   mc_cols: Mapping[str, np.ndarray],
                   texts: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The result frame's columns in order: identity, score and rank, reasons, per criterion
    raw / norm / contrib, Monte Carlo (geometry is added by the caller). ``texts``: the
    reason or penalty column already built for these very texts, or the rank column when
    ``s.rank`` is deferred (a re-score)."""
    texts = texts or {}
    cols: dict[str, Any] = dict(ids)
    cols["score"] = s.score
    cols["rank"] = texts.get("rank")
    if cols["rank"] is None:
        rank = np.asarray(s.rank, dtype=float)
        unranked = np.isnan(rank)
        cols["rank"] = pd.arrays.IntegerArray(np.where(unranked, 0, rank).astype(np.int64),
                                              unranked)
    cols["excluded"] = s.excluded
    if "exclusion_reason" in texts:
        cols["exclusion_reason"] = texts["exclusion_reason"]
    elif s.reasons is s.outcome.reasons and s.outcome.reason_codes:
        cols["exclusion_reason"] = _text_column(*s.outcome.reason_codes)
    else:
        cols["exclusion_reason"] = np.asarray(s.reasons, dtype=object)
    if "penalty" in texts:
        cols["penalty"] = texts["penalty"]
    elif s.outcome.penalty_codes:
        cols["penalty"] = _text_column(*s.outcome.penalty_codes)
    else:
        cols["penalty"] = np.asarray(s.outcome.penalties, dtype=object)
    cols["base_score"] = s.base
    for j, c in enumerate(sc.criteria):
        values = raw[c.name]
        cols[f"raw_{c.name}"] = values if values.dtype != object else values.astype(str)
        cols[f"norm_{c.name}"] = _column(s.norm, j)
        cols[f"contrib_{c.name}"] = _column(s.contrib, j)
    cols.update(mc_cols)
    return cols


def _column(m: np.ndarray | list[np.ndarray], j: int) -> np.ndarray:
    return m[j] if isinstance(m, list) else m[:, j]


def frame_of(cols: Mapping[str, Any]) -> gpd.GeoDataFrame:
    """A GeoDataFrame over ``cols`` (with a ``geometry`` GeometryArray), no copies."""
    # copy=False keeps one block per column: consolidating 20 float columns of a million
    # rows into one 2-D block would copy 160 MB into fresh pages (0.3 s) for nothing.
    return gpd.GeoDataFrame(pd.DataFrame(cols, copy=False), geometry="geometry", copy=False)


def _measured(c) -> tuple:
    return tuple(json.dumps(getattr(c, f), sort_keys=True, default=str)
                 for f in MEASURED_FIELDS)


def _rule(c) -> tuple:
    return tuple(json.dumps(getattr(c, f), sort_keys=True, default=str) for f in RULE_FIELDS)


_SAME = object()


class Rescorer:
    """Re-scores one finished run for edited scenarios, keeping what it can between edits.

    Transformed columns are cached per (criterion, transform), constraint outcomes per set
    of actions, so moving a weight redoes only the aggregation and the ranks.

    Parameters
    ----------
    result : RankingResult
        A result of :func:`~hljgis.analysis.run.run_scenario` (or of an earlier re-score).

    Raises
    ------
    NeedsFullRun
        If the result carries no :class:`RunInputs` (made by an older version).

    Examples
    --------
    >>> rescorer = Rescorer(result)                       # doctest: +SKIP
    >>> sc = result.scenario.copy(); sc.criteria[0].weight = 5
    >>> rescorer.rescore(sc).gdf["rank"]                  # doctest: +SKIP
    """

    def __init__(self, result: RankingResult):
        if result.inputs is None:
            raise NeedsFullRun("this ranking did not keep its measured values")
        self.result = result
        self.inputs: RunInputs = result.inputs
        self._run_criteria = {c.name: c for c in self.inputs.scenario.criteria}
        self._run_rules = {c.name: j for j, c in enumerate(self.inputs.scenario.constraints)}
        self._norm: dict[str, list] = {}
        #: criterion -> ((transform key, weight), its contribution column)
        self._contrib: dict[str, tuple[tuple, np.ndarray]] = {}
        self._deferred: tuple | None = None
        #: (sites ranked, of them penalised) of the last :meth:`complete_ranks`
        self.counts: tuple[int, int] | None = None
        self._outcomes: dict[tuple, ConstraintOutcome] = {}
        self._norm_matrix: tuple[tuple, np.ndarray, np.ndarray] | None = None
        #: (column, id of the object array) -> (that array, the frame's string array): a
        #: million reasons take 50 ms to become pandas strings, and most edits keep them
        self._strings: dict[tuple[str, int], tuple[np.ndarray, Any]] = {}
        g = result.gdf
        for c in result.scenario.criteria:  # the columns the result already shows
            col = f"norm_{c.name}"
            if col in g.columns and c.name in self._run_criteria:
                self._norm[c.name] = [_spec_key(c), g[col].to_numpy(dtype=float), None]

    # -- checks --------------------------------------------------------------------------------
    def blocker(self, scenario: Scenario, city: Any = _SAME) -> str | None:
        """Why ``scenario`` needs a full run, or None when a re-score gives its result."""
        run = self.inputs.scenario
        if city is not _SAME and (city or None) != (self.inputs.city or None):
            return f"the city changed ({self.inputs.city or 'all'} -> {city or 'all'})"
        if scenario.candidates.__dict__ != run.candidates.__dict__:
            return "the candidate sites changed"
        if scenario.planning_year != run.planning_year:
            return (f"the planning year changed ({run.planning_year} -> "
                    f"{scenario.planning_year})")
        for c in scenario.criteria:
            done = self._run_criteria.get(c.name)
            if done is None:
                return f"criterion '{c.name}' was not measured by the run"
            if _measured(c) != _measured(done):
                return f"criterion '{c.name}' now measures something else"
        for c in scenario.constraints:
            j = self._run_rules.get(c.name)
            if j is None:
                return f"constraint '{c.name}' was not checked by the run"
            if _rule(c) != _rule(self.inputs.scenario.constraints[j]):
                return f"constraint '{c.name}' now tests something else"
        return None

    # -- re-scoring ----------------------------------------------------------------------------
    def scores(self, scenario: Scenario, *, ranks: bool = True
               ) -> tuple[Scores, np.ndarray, dict]:
        """Scores of ``scenario`` (checked with :meth:`blocker` first), its weights and
        the weight report; ``ranks=False`` leaves ``rank`` None where it can (WLC without
        missing values).

        Raises
        ------
        NeedsFullRun
        InconsistentMatrixError
            An AHP matrix above its CR limit, as a full run would.
        """
        why = self.blocker(scenario)
        if why:
            raise NeedsFullRun(why)
        weights, report = scenario.resolve_weights()
        outcome = self._outcome(scenario)
        cols = [self._transformed(c) for c in scenario.criteria]
        if scenario.aggregation == "topsis" or any(_has_nan(hit) for hit in cols):
            norm, isnan = self._matrix(scenario, cols)
            return score_sites(norm, weights, outcome, scenario, isnan), weights, report
        return self._wlc_scores(scenario, cols, weights, outcome, ranks), weights, report

    def _wlc_scores(self, sc: Scenario, cols: list[list], weights: np.ndarray,
                    outcome: ConstraintOutcome, ranks: bool) -> Scores:
        """:func:`score_sites` for WLC over columns without missing values, with the same
        arithmetic (so the same bits), from the cached columns: no (n, c) matrix is built,
        and the contributions of criteria whose transform and weight stayed are reused."""
        w = direct_weights(weights)
        norm = [hit[1] for hit in cols]
        base = np.zeros(len(self.inputs.violated))
        for j, col in enumerate(norm):  # weighted_sum's loop, for a list of columns
            if w[j]:
                base += w[j, None] * col
        contrib = []
        for c, hit, wj in zip(sc.criteria, cols, weights, strict=True):
            key = (hit[0], float(wj))
            done = self._contrib.get(c.name)
            if done is None or done[0] != key:
                done = self._contrib[c.name] = (key, hit[1] * wj)
            contrib.append(done[1])
        score = np.where(outcome.excluded, np.nan, apply_penalties(base, outcome))
        rank = rank_scores(score, outcome.excluded, method="min") if ranks else None
        return Scores(norm, norm, contrib, base, score, rank, outcome.excluded,
                      outcome.reasons, outcome)

    def _matrix(self, scenario: Scenario, cols: list[list]) -> tuple[np.ndarray, np.ndarray]:
        """The transformed scores (n, c) and where they are NaN (TOPSIS, missing values),
        kept while the criteria and transforms stay (nothing writes into them)."""
        key = tuple((c.name, hit[0]) for c, hit in zip(scenario.criteria, cols, strict=True))
        if self._norm_matrix is None or self._norm_matrix[0] != key:
            n = len(self.inputs.violated)
            # column-major: filling, weighting and the frame's per-criterion columns all go
            # column by column (1M x 6: weighted sum 8 ms instead of 20 ms)
            norm = np.empty((n, len(scenario.criteria)), order="F")
            for j, hit in enumerate(cols):
                norm[:, j] = hit[1]
            self._norm_matrix = (key, norm, np.isnan(norm))
        return self._norm_matrix[1], self._norm_matrix[2]

    def rescore(self, scenario: Scenario | Mapping, *, city: Any = _SAME,
                monte_carlo: bool = False, top: int | None = None) -> RankingResult:
        """The result a full run of ``scenario`` would give, without measuring anything.

        Parameters
        ----------
        scenario : Scenario or dict
            The edited scenario: other weights (direct or AHP), transforms, constraint
            actions (exclude / penalty and its value), aggregation or missing-data policy;
            criteria and constraints may be left out.
        city : str or None, optional
            Refused when it differs from the run's.
        monte_carlo : bool, default False
            Recompute the Monte Carlo columns when the scenario asks for them; otherwise
            they are left out (stale ranges would mislead).
        top : int, optional
            Defer the ranks (a live edit wants the map first): the frame's ``rank`` column
            holds the ranks of the ``top`` best sites (and of all tied with them, so the
            map's "#rank" labels are right) and is missing elsewhere until
            :meth:`complete_ranks` fills it in place. Sorting a million scores is most of
            a re-score; the ``top`` best come from a partition (5 ms).

        Returns
        -------
        RankingResult
            Its frame shares the geometry and identity columns with the run's, and the
            ``norm_`` / ``contrib_`` columns of the criteria an edit left alone with the
            previous re-score's.

        Raises
        ------
        NeedsFullRun
        InconsistentMatrixError
        """
        from hljgis.analysis.run import RankingResult, monte_carlo_columns

        t0 = time.perf_counter()
        sc = scenario if isinstance(scenario, Scenario) else Scenario.from_dict(scenario)
        why = self.blocker(sc, city)
        if why:
            raise NeedsFullRun(why)
        s, weights, report = self.scores(sc, ranks=top is None)
        deferred = None
        if s.rank is None:
            deferred = _top_ranks(s.score, s.excluded, top or 0)
        t1 = time.perf_counter()
        mc_cols: dict[str, np.ndarray] = {}
        if monte_carlo and sc.sensitivity is not None:
            scores_in = (np.column_stack(s.scores_in) if isinstance(s.scores_in, list)
                         else s.scores_in)
            mc_cols = monte_carlo_columns(scores_in, weights, s.excluded | np.isnan(s.score),
                                   s.outcome, sc.aggregation, dict(sc.sensitivity))
        t2 = time.perf_counter()
        gdf = self._frame(sc, s, mc_cols, None if deferred is None else deferred[0])
        timings = {"scores": t1 - t0, "sensitivity": t2 - t1,
                   "results": time.perf_counter() - t2}
        names = [c.name for c in sc.criteria]
        if deferred is not None:
            self._deferred = (gdf, s, deferred[1], deferred[2])
        return RankingResult(scenario=sc, gdf=gdf,
                             weights=dict(zip(names, map(float, weights), strict=True)),
                             weight_report=report, timings=timings, city=self.inputs.city,
                             inputs=self.inputs)

    def complete_ranks(self, result: RankingResult) -> np.ndarray:
        """Fill the ranks :meth:`rescore` deferred (in place: the frame and the map layer
        showing it get them without a copy) and return the sites in table order.

        Ranks are written before they are unmasked, and a rank once shown never changes,
        so a reader on another thread sees each site either still missing or right.

        Returns
        -------
        numpy.ndarray of int64
            Positions of the ranked sites best first (ties in site order), then the
            unranked ones (see :func:`~hljgis.analysis.aggregate.rank_order`).
            :attr:`counts` is then (sites ranked, of them penalised), or None when the
            ranks were not deferred.
        """
        hit, self._deferred = self._deferred, None
        self.counts = None
        if hit is None or hit[0] is not result.gdf:  # ranked already: only the order
            g = result.gdf
            return rank_order(g["score"].to_numpy(dtype=float),
                              g["excluded"].to_numpy(dtype=bool))[1]
        _gdf, s, values, mask = hit
        rank, order = rank_order(s.score, s.excluded)
        ranked = ~np.isnan(rank)
        np.copyto(values, rank, where=ranked, casting="unsafe")
        np.copyto(mask, ~ranked)
        s.rank = rank
        hits = s.outcome.violated[:, [c.mode == "penalty" for c in s.outcome.constraints]]
        self.counts = (int(ranked.sum()), int((hits.any(axis=1) & ranked).sum()))
        return order

    def _transformed(self, c) -> list:
        """[transform key, transformed column, whether it holds NaN (None: not looked)]."""
        key = _spec_key(c)
        hit = self._norm.get(c.name)
        if hit is None or hit[0] != key:
            hit = [key, np.asarray(c.transform.apply(self.inputs.raw[c.name]), dtype=float),
                   None]
            self._norm[c.name] = hit
        return hit

    def _outcome(self, sc: Scenario) -> ConstraintOutcome:
        key = tuple((c.name, c.mode, c.penalty, c.penalty_value, c.describe(),
                     c.penalty_text()) for c in sc.constraints)
        hit = self._outcomes.get(key)
        if hit is None:
            cols = [self._run_rules[c.name] for c in sc.constraints]
            if len(self._outcomes) >= 4:
                self._outcomes.clear()
            hit = self._outcomes[key] = outcome_of(self.inputs.violated[:, cols],
                                                   sc.constraints)
        return hit

    def _frame(self, sc: Scenario, s: Scores, mc_cols, rank: Any = None) -> gpd.GeoDataFrame:
        """The new result frame over the run's identity columns and geometry (no copies)."""
        g = self.result.gdf
        ids = {c: g[c].array for c in IDENTITY_COLUMNS if c in g.columns}
        raw = {c.name: (g[f"raw_{c.name}"].array if f"raw_{c.name}" in g.columns
                        else self.inputs.raw[c.name]) for c in sc.criteria}
        sources = {"exclusion_reason": s.reasons, "penalty": s.outcome.penalties}
        texts = {c: hit[1] for c, src in sources.items()
                 if (hit := self._strings.get((c, id(src)))) is not None and hit[0] is src}
        if rank is not None:
            texts["rank"] = rank
        cols = result_columns(ids, sc, raw, s, mc_cols, texts)
        cols["geometry"] = g.geometry.array
        schema = _schema_columns(g)
        for c in g.columns:  # what others added (labels of the map layer) stays
            if c not in schema and c not in cols:
                cols[c] = g[c].array
        frame = frame_of(cols)
        if len(self._strings) > 8:  # as many as the outcomes kept, and a few more
            self._strings.clear()
        # kept per outcome: switching a rule between exclude and penalty and back finds
        # both sets of texts (35 ms a switch at a million sites otherwise)
        self._strings.update({(c, id(src)): (src, frame[c].array)
                              for c, src in sources.items()})
        return frame


def _has_nan(hit: list) -> bool:
    if hit[2] is None:
        hit[2] = bool(np.isnan(hit[1]).any())
    return hit[2]


def _top_ranks(score: np.ndarray, excluded: np.ndarray, top: int) -> tuple[Any, ...]:
    """A rank column (and its value and mask buffers) holding the ranks of the sites that
    rank ``top`` or better, missing elsewhere; exact, since every site scoring above one
    of them is one of them too."""
    n = len(score)
    values = np.zeros(n, dtype=np.int64)
    mask = np.ones(n, dtype=bool)
    ranked = ~excluded & ~np.isnan(score)
    k = int(ranked.sum())
    if top > 0 and k:
        if top >= k:
            best = np.flatnonzero(ranked)
        else:
            v = np.where(ranked, score, -np.inf)
            bar = np.partition(v, n - top)[n - top]  # the top-th best score
            best = np.flatnonzero(ranked & (score >= bar))
        values[best] = rank_scores(score[best], method="min")
        mask[best] = False
    return pd.arrays.IntegerArray(values, mask), values, mask


def _spec_key(c) -> str:
    return json.dumps(c.transform.to_dict(), sort_keys=True, default=str)


def _schema_columns(g: gpd.GeoDataFrame) -> set[str]:
    """Columns a run writes, so a re-score drops the per-criterion columns of criteria left
    out and stale Monte Carlo columns, and keeps what others added."""
    out = {"site_id", "name", "name_zh", "city", "site_type", "score", "rank", "excluded",
           "exclusion_reason", "penalty", "base_score", "geometry", *MC_COLUMNS}
    out.update(c for c in g.columns if c.startswith(("p_top_", "raw_", "norm_", "contrib_")))
    return out
