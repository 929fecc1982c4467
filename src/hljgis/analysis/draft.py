"""A scenario being built: the editable, evented state behind the ranking dock.

The dock's tabs only bind widgets to a :class:`ScenarioDraft`; every rule of editing lives
here, without Qt, so tests drive it directly: which criteria are in use, how the AHP
matrices follow when a criterion is added, duplicated, moved or removed, where a matrix
starts from the typed weights (rounded to Saaty's scale), how a constraint switches between
excluding and penalising, and the normalised weights (shares) with their consistency report.

Each edit is one call that checks its input first (a bad value raises
:class:`~hljgis.analysis.scenario.ScenarioError` naming the field, and nothing changes),
applies it, and emits two events:

Events (``draft.events``)
-------------------------
changed(what) : ``"criteria"``, ``"constraints"``, ``"weights"``, ``"candidates"``,
    ``"settings"`` or ``"all"`` (after :meth:`ScenarioDraft.load` or
    :meth:`ScenarioDraft.restore`); views redraw that part.
edited(text, before, after) : one user edit, with :meth:`ScenarioDraft.snapshot` states
    before and after it; the session records it so it can be undone (restoring a snapshot
    emits ``changed("all")`` only, so an undo is never recorded as an edit).

Examples
--------
>>> from hljgis.analysis.presets import preset
>>> draft = ScenarioDraft.from_scenario(preset("sme-space"))
>>> draft.set_weight(0, 3.0)
>>> draft.to_scenario().criteria[0].weight
3.0
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from psygnal import Signal, SignalGroup

from hljgis.analysis.criteria import CRITERION_KINDS
from hljgis.analysis.scenario import (
    AGGREGATIONS,
    NAN_POLICIES,
    SCENARIO_VERSION,
    WEIGHT_METHODS,
    Scenario,
    ScenarioError,
    ScenarioReader,
)
from hljgis.analysis.transforms import TRANSFORMS
from hljgis.analysis.weights import DEFAULT_MAX_CR, AHPResult, GroupAHPResult, ahp, group_ahp
from hljgis.core.text import Text

__all__ = [
    "CONSTRAINT_ACTIONS",
    "CRITERION_TEMPLATES",
    "SAATY_VALUES",
    "TRANSFORM_TEMPLATES",
    "ScenarioDraft",
    "WeightsState",
    "matrix_from_weights",
    "nearest_saaty",
]

#: Saaty's judgement values 1/9 .. 9.
SAATY_VALUES = np.array([1.0 / k for k in range(9, 1, -1)] + [float(k) for k in range(1, 10)])

#: A starting parameter set for each transform kind, so switching kind gives a valid spec.
TRANSFORM_TEMPLATES: dict[str, dict] = {
    "linear": {"lo": 0, "hi": 1, "benefit": True},
    "minmax": {"benefit": True},
    "threshold": {"breaks": [0.5], "scores": [0, 1]},
    "fuzzy_increasing": {"a": 0, "b": 1, "shape": "linear"},
    "fuzzy_decreasing": {"a": 0, "b": 1, "shape": "linear"},
    "fuzzy_symmetric": {"a": 0, "b": 1, "c": 2, "d": 3, "shape": "linear"},
    "categorical": {"mapping": {"yes": 1}, "default": 0},
}

#: A new criterion of each kind: what the builder's "Add" starts from (min-max scaled, so it
#: needs no range before the planner has seen the values).
CRITERION_TEMPLATES: dict[str, dict] = {
    "distance": {"kind": "distance", "layer": "", "measure": "centroid", "unit": "m",
                 "direction": "cost", "transform": {"kind": "minmax", "benefit": False}},
    "overlap": {"kind": "overlap", "layer": "", "unit": "share", "direction": "benefit",
                "transform": {"kind": "linear", "lo": 0, "hi": 1, "benefit": True}},
    "attribute": {"kind": "attribute", "field": "", "unit": "", "direction": "benefit",
                  "transform": {"kind": "minmax", "benefit": True}},
    "raster": {"kind": "raster", "layer": "", "stat": "mean", "unit": "",
               "direction": "benefit", "transform": {"kind": "minmax", "benefit": True}},
    "years": {"kind": "years", "field": "", "mode": "since", "unit": "years",
              "direction": "benefit", "transform": {"kind": "minmax", "benefit": True}},
}

#: What a constraint does to the sites it hits: exclude them, or keep them with a score
#: multiplied by a factor (0..1) or reduced by an amount.
CONSTRAINT_ACTIONS = ("exclude", "multiply", "subtract")

_SUFFIX = re.compile(r"^(.*?)(?:_(\d+))?$")


def nearest_saaty(value: float) -> float:
    """The Saaty scale value closest (in log ratio) to ``value``: a start for a matrix."""
    return float(SAATY_VALUES[np.argmin(np.abs(np.log(SAATY_VALUES) - np.log(value)))])


def matrix_from_weights(weights: Sequence[float]) -> np.ndarray:
    """A reciprocal pairwise matrix whose judgements are the weight ratios on Saaty's scale.

    Examples
    --------
    >>> matrix_from_weights([3, 1]).tolist()
    [[1.0, 3.0], [0.3333333333333333, 1.0]]
    """
    w = np.maximum(np.asarray(weights, dtype=float), 1e-6)
    ratio = w[:, None] / w[None, :]
    a = np.vectorize(nearest_saaty, otypes=[float])(ratio)
    upper = np.triu(a, 1)
    return np.eye(len(w)) + upper + np.triu(1.0 / np.where(upper > 0, upper, 1.0), 1).T


@dataclass
class WeightsState:
    """The weights a draft resolves to right now, for views to show.

    Attributes
    ----------
    method : str
    shares : numpy.ndarray
        Normalised weight of every criterion of the draft (0 for criteria not in use; all
        0 when the weights cannot be resolved).
    cr : float or None
        Consistency ratio (AHP, or the group's combined matrix).
    ok : bool
        False when a matrix is invalid or too inconsistent (``cr > max_cr``).
    error : str
        Why the weights cannot be resolved ("" when they can).
    result : AHPResult or GroupAHPResult or None
    flagged : list of str
        Group members whose own CR is above ``max_cr``.
    """

    method: str
    shares: np.ndarray
    cr: float | None = None
    ok: bool = True
    error: str = ""
    result: AHPResult | GroupAHPResult | None = None
    flagged: list[str] = field(default_factory=list)
    max_cr: float = DEFAULT_MAX_CR


class DraftEvents(SignalGroup):
    changed = Signal(str)
    edited = Signal(str, object, object)


class ScenarioDraft:
    """The editable state of a scenario (see the module docstring).

    Criteria and constraints are plain dicts in the scenario's own form
    (``Scenario.to_dict()``); criteria carry an ``enabled`` flag outside the scenario (a
    criterion switched off is left out of :meth:`to_scenario` but keeps its settings and
    its judgements). AHP matrices cover all criteria, in order.

    Attributes
    ----------
    modified : bool
        True after an edit since the last :meth:`load` or :meth:`mark_stored`.
    """

    def __init__(self, scenario: Scenario | Mapping[str, Any] | None = None) -> None:
        self.events = DraftEvents(self)
        self.name = "scenario"
        self.texts = {"title": "", "title_zh": "", "purpose": "", "purpose_zh": ""}
        self.candidates: dict[str, Any] = {"kind": "grid", "layer": "cities"}
        self.criteria: list[dict] = []
        self.enabled: list[bool] = []
        self.method = "direct"
        self.matrix: np.ndarray | None = None
        self.members: list[dict] = []  # {"name": str, "matrix": ndarray over all criteria}
        self.member_weights: list[float] | None = None
        self.max_cr = DEFAULT_MAX_CR
        self.constraints: list[dict] = []
        self.aggregation = "wlc"
        self.planning_year: int | None = None
        self.nan_policy = "exclude"
        self.sensitivity: dict | None = None
        self.modified = False
        if scenario is not None:
            self.load(scenario)

    # ================================================================ load and give back
    @classmethod
    def from_scenario(cls, scenario: Scenario | Mapping[str, Any]) -> ScenarioDraft:
        """A draft holding ``scenario`` (a Scenario or its dict form, validated)."""
        return cls(scenario)

    def load(self, scenario: Scenario | Mapping[str, Any]) -> None:
        """Replace the whole state by ``scenario``; not an edit (nothing to undo)."""
        self._set_from(scenario)
        self.modified = False
        self.events.changed.emit("all")

    def replace(self, scenario: Scenario | Mapping[str, Any],
                text: str = "Replace scenario") -> None:
        """Replace the whole state by ``scenario`` as one edit (an import, a revert), so it
        can be undone."""
        sc = scenario if isinstance(scenario, Scenario) else Scenario.from_dict(scenario)
        self._edit(text, "all", lambda: self._set_from(sc))

    def _set_from(self, scenario: Scenario | Mapping[str, Any]) -> None:
        sc = scenario if isinstance(scenario, Scenario) else Scenario.from_dict(scenario)
        d = sc.to_dict()
        self.name = sc.name
        self.texts = {k: d.get(k) or "" for k in self.texts}
        self.candidates = d["candidates"]
        self.criteria = d["criteria"]
        self.enabled = [True] * len(self.criteria)
        w = sc.weights
        self.method, self.max_cr = w.method, float(w.max_cr)
        self.matrix, self.members, self.member_weights = None, [], None
        if w.method == "ahp":
            self.matrix = np.array(w.matrix, dtype=float)
        elif w.method == "group_ahp":
            mats = w.matrices or []
            names = w.members or [f"member {i + 1}" for i in range(len(mats))]
            self.members = [{"name": str(n), "matrix": np.array(m, dtype=float)}
                            for n, m in zip(names, mats, strict=True)]
            self.member_weights = list(w.member_weights) if w.member_weights else None
            self.matrix = np.array(group_ahp(mats).combined_matrix)
        self.constraints = d["constraints"]
        self.aggregation = sc.aggregation
        self.planning_year = sc.planning_year
        self.nan_policy = sc.nan_policy
        self.sensitivity = copy.deepcopy(sc.sensitivity)

    def to_dict(self) -> dict[str, Any]:
        """The scenario's plain data: criteria in use, their sub-matrices (not validated)."""
        idx = self.used()
        weights: dict[str, Any] = {"method": self.method, "max_cr": self.max_cr}
        if self.method == "ahp" and self.matrix is not None:
            weights["matrix"] = self.matrix[np.ix_(idx, idx)].tolist()
        elif self.method == "group_ahp" and self.members:
            weights["matrices"] = [m["matrix"][np.ix_(idx, idx)].tolist() for m in self.members]
            weights["members"] = [m["name"] for m in self.members]
            if self.member_weights is not None:
                weights["member_weights"] = list(self.member_weights)
        else:
            weights = {"method": "direct", "max_cr": self.max_cr}
        return {
            "version": SCENARIO_VERSION, "name": self.name, **copy.deepcopy(self.texts),
            "planning_year": self.planning_year, "aggregation": self.aggregation,
            "nan_policy": self.nan_policy, "candidates": copy.deepcopy(self.candidates),
            "criteria": copy.deepcopy([self.criteria[i] for i in idx]),
            "weights": weights, "constraints": copy.deepcopy(self.constraints),
            "sensitivity": copy.deepcopy(self.sensitivity),
        }

    def to_scenario(self) -> Scenario:
        """The scenario as edited (criteria in use only).

        Raises
        ------
        ScenarioError
            Naming the field, with the criterion's position in the draft, e.g.
            ``criteria[3].layer is required for a 'distance' criterion``.
        """
        self.validate()
        return Scenario.from_dict(self.to_dict())

    def validate(self) -> None:
        """Check every criterion (at its place in the draft), constraint and setting.

        Raises
        ------
        ScenarioError
            For the first bad field.
        """
        reader = ScenarioReader(self.name)
        if not any(self.enabled):
            raise ScenarioError(self.name, "criteria", "has none in use",
                                "Tick at least one criterion.")
        names: set[str] = set()
        for k, c in enumerate(self.criteria):
            reader.criterion(c, k, names)
        for k, c in enumerate(self.constraints):
            reader.constraint(c, k)
        reader.candidates(self.candidates)
        Scenario.from_dict(self.to_dict())

    def probe(self, k: int) -> Scenario:
        """A scenario that measures criterion ``k`` alone at every candidate site (no
        constraints, no sensitivity): its run gives the raw values the transform editor
        draws its histogram from.

        Raises
        ------
        ScenarioError
            If the criterion or the candidates are not complete yet.
        """
        self._row(self.criteria, k, "criteria")
        ScenarioReader(self.name).criterion(self.criteria[k], k, set())
        d = self.to_dict()
        d.update(criteria=[{**copy.deepcopy(self.criteria[k]), "weight": 1.0}],
                 weights={"method": "direct"}, constraints=[], sensitivity=None,
                 nan_policy="zero")
        return Scenario.from_dict(d)

    @staticmethod
    def measure_key(c: Mapping[str, Any]) -> str:
        """What a criterion measures (kind, layer, filter, field...), as text: two criteria
        with the same key have the same raw values, whatever their transform, weight or
        texts."""
        keep = ("kind", "layer", "where", "field", "measure", "stat", "agg", "fill", "mode")
        return repr([(key, c.get(key)) for key in keep])

    def snapshot(self) -> dict[str, Any]:
        """The whole state as plain data (for undo); :meth:`restore` puts it back."""
        return copy.deepcopy({
            "name": self.name, "texts": self.texts, "candidates": self.candidates,
            "criteria": self.criteria, "enabled": self.enabled, "method": self.method,
            "matrix": None if self.matrix is None else self.matrix.tolist(),
            "members": [{"name": m["name"], "matrix": m["matrix"].tolist()}
                        for m in self.members],
            "member_weights": self.member_weights, "max_cr": self.max_cr,
            "constraints": self.constraints, "aggregation": self.aggregation,
            "planning_year": self.planning_year, "nan_policy": self.nan_policy,
            "sensitivity": self.sensitivity, "modified": self.modified,
        })

    def restore(self, state: Mapping[str, Any]) -> None:
        """Put back a :meth:`snapshot` (undo/redo); emits ``changed("all")``, not ``edited``."""
        s = copy.deepcopy(dict(state))
        self.name, self.texts, self.candidates = s["name"], s["texts"], s["candidates"]
        self.criteria, self.enabled, self.method = s["criteria"], s["enabled"], s["method"]
        self.matrix = None if s["matrix"] is None else np.array(s["matrix"], dtype=float)
        self.members = [{"name": m["name"], "matrix": np.array(m["matrix"], dtype=float)}
                        for m in s["members"]]
        self.member_weights, self.max_cr = s["member_weights"], s["max_cr"]
        self.constraints, self.aggregation = s["constraints"], s["aggregation"]
        self.planning_year, self.nan_policy = s["planning_year"], s["nan_policy"]
        self.sensitivity, self.modified = s["sensitivity"], s["modified"]
        self.events.changed.emit("all")

    def mark_stored(self) -> None:
        """The draft now matches what the project holds (after a save into the project)."""
        self.modified = False

    # ================================================================ the edit machinery
    def _edit(self, text: str, what: str, apply: Callable[[], None]) -> None:
        """Apply one checked edit; emit ``changed`` and ``edited`` if anything changed."""
        before = self.snapshot()
        apply()
        after = self.snapshot()
        after["modified"] = before["modified"]
        if after == before:
            return
        self.modified = True
        after["modified"] = True
        self.events.changed.emit(what)
        self.events.edited.emit(text, before, after)

    def _fail(self, path: str, problem: str, todo: str = "") -> None:
        raise ScenarioError(self.name, path, problem, todo)

    def _row(self, items: list, k: int, what: str) -> None:
        if not 0 <= k < len(items):
            self._fail(f"{what}[{k}]", f"does not exist (there are {len(items)})")

    def used(self) -> np.ndarray:
        """Positions of the criteria in use."""
        return np.flatnonzero(np.array(self.enabled, dtype=bool))

    def _matrices(self) -> list[np.ndarray]:
        """Every matrix that spans the criteria (the AHP one and each member's)."""
        return ([self.matrix] if self.matrix is not None else []) + [
            m["matrix"] for m in self.members]

    def _reshape(self, fn: Callable[[np.ndarray], np.ndarray]) -> None:
        """Apply the same row/column change to every matrix, so judgements follow."""
        if self.matrix is not None:
            self.matrix = fn(self.matrix)
        for m in self.members:
            m["matrix"] = fn(m["matrix"])

    def _check_criterion(self, c: Mapping[str, Any], k: int, skip: int | None = None,
                         partial: bool = False) -> None:
        """Check a criterion; ``partial`` lets a layer or field still be empty (a criterion
        being built: the planner picks the layer first, then the field), everything
        given is checked all the same and :meth:`validate` names what is missing."""
        names = {x["name"] for i, x in enumerate(self.criteria) if i != skip}
        if partial:
            c = {**c, **{key: "-" for key in ("layer", "field") if c.get(key) == ""}}
        ScenarioReader(self.name).criterion(c, k, names)

    def unique_criterion_name(self, base: str) -> str:
        """``base``, else ``base_2``, ``base_3``... (criterion names name result columns)."""
        taken = {c["name"] for c in self.criteria}
        if base not in taken:
            return base
        match = _SUFFIX.match(base)  # the pattern matches any text
        stem = (match.group(1) if match else "") or "criterion"
        i = 2
        while f"{stem}_{i}" in taken:
            i += 1
        return f"{stem}_{i}"

    # ================================================================ criteria
    def add_criterion(self, data: Mapping[str, Any] | None = None, *, kind: str = "distance",
                      index: int | None = None) -> int:
        """Insert a criterion (``data``, or the template of ``kind``); returns its position.

        A template criterion has an empty layer or field: the draft holds it, and
        :meth:`validate` names what is still missing. In every AHP matrix the new criterion
        starts judged equal to all others.
        """
        given = data is not None
        if data is None:
            if kind not in CRITERION_TEMPLATES:
                self._fail("kind", f"must be one of {', '.join(CRITERION_KINDS)}, got {kind!r}")
            data = {"name": self.unique_criterion_name(kind), "weight": 1.0,
                    **copy.deepcopy(CRITERION_TEMPLATES[kind])}
        c = copy.deepcopy(dict(data))
        c.setdefault("weight", 1.0)
        if c.get("name") in {x["name"] for x in self.criteria}:
            c["name"] = self.unique_criterion_name(str(c["name"]))
        k = len(self.criteria) if index is None else max(0, min(index, len(self.criteria)))
        if given:
            self._check_criterion(c, k)

        def apply() -> None:
            self.criteria.insert(k, c)
            self.enabled.insert(k, True)
            self._reshape(lambda a: _insert(a, k, None))

        self._edit(f"Add criterion {c['name']}", "criteria", apply)
        return k

    def duplicate_criterion(self, k: int) -> int:
        """Copy criterion ``k`` just below it under a new name; judged like the original."""
        self._row(self.criteria, k, "criteria")
        c = copy.deepcopy(self.criteria[k])
        c["name"] = self.unique_criterion_name(c["name"])

        def apply() -> None:
            self.criteria.insert(k + 1, c)
            self.enabled.insert(k + 1, self.enabled[k])
            self._reshape(lambda a: _insert(a, k + 1, k))

        self._edit(f"Duplicate criterion {self.criteria[k]['name']}", "criteria", apply)
        return k + 1

    def remove_criterion(self, k: int) -> None:
        """Remove criterion ``k`` (and its row and column of every matrix); one stays."""
        self._row(self.criteria, k, "criteria")
        if sum(self.enabled) <= 1 and self.enabled[k]:
            self._fail("criteria", "must keep at least one criterion in use")
        name = self.criteria[k]["name"]

        def apply() -> None:
            del self.criteria[k]
            del self.enabled[k]
            self._reshape(lambda a: np.delete(np.delete(a, k, 0), k, 1))

        self._edit(f"Remove criterion {name}", "criteria", apply)

    def move_criterion(self, k: int, to: int) -> None:
        """Move criterion ``k`` to position ``to``; matrices are permuted alike."""
        self._row(self.criteria, k, "criteria")
        to = max(0, min(to, len(self.criteria) - 1))
        if to == k:
            return
        order = list(range(len(self.criteria)))
        order.insert(to, order.pop(k))

        def apply() -> None:
            self.criteria = [self.criteria[i] for i in order]
            self.enabled = [self.enabled[i] for i in order]
            self._reshape(lambda a: a[np.ix_(order, order)])

        self._edit(f"Move criterion {self.criteria[k]['name']}", "criteria", apply)

    def set_enabled(self, k: int, on: bool) -> None:
        """Use criterion ``k`` or leave it out; at least one stays in use."""
        self._row(self.criteria, k, "criteria")
        if not on and self.enabled[k] and sum(self.enabled) <= 1:
            self._fail("criteria", "must keep at least one criterion in use")
        self._edit(f"{'Use' if on else 'Leave out'} {self.criteria[k]['name']}", "criteria",
                   lambda: self.enabled.__setitem__(k, bool(on)))

    def set_weight(self, k: int, weight: float) -> None:
        """Direct weight of criterion ``k`` (zero or more; only proportions matter)."""
        self._row(self.criteria, k, "criteria")
        try:
            w = float(str(weight).replace(",", ".")) if isinstance(weight, str) else float(weight)
        except (TypeError, ValueError):
            self._fail(f"criteria[{k}].weight", f"must be a number, got {weight!r}")
        if not np.isfinite(w) or w < 0:
            self._fail(f"criteria[{k}].weight", f"must be zero or more, got {weight!r}")
        self._edit(f"Weight of {self.criteria[k]['name']}", "weights",
                   lambda: self.criteria[k].__setitem__("weight", w))

    def set_criterion(self, k: int, **fields: Any) -> None:
        """Change fields of criterion ``k`` (``layer``, ``where``, ``measure``, ``unit``,
        ``rationale_zh``...); a value of None removes the field. Checked as a whole."""
        self._row(self.criteria, k, "criteria")
        c = copy.deepcopy(self.criteria[k])
        for key, value in fields.items():
            if value is None:
                c.pop(key, None)
            else:
                c[key] = copy.deepcopy(value)
        self._check_criterion(c, k, skip=k, partial=True)
        self._edit(f"Edit criterion {c['name']}", "criteria",
                   lambda: self.criteria.__setitem__(k, c))

    def set_transform(self, k: int, spec: Mapping[str, Any]) -> None:
        """Transform of criterion ``k`` in the scenario's flat form ``{"kind", ...params}``."""
        self.set_criterion(k, transform=dict(spec))

    def set_transform_kind(self, k: int, kind: str) -> None:
        """Switch the transform kind, starting from that kind's template and keeping the
        range of the old transform where the new one has a range."""
        self._row(self.criteria, k, "criteria")
        if kind not in TRANSFORM_TEMPLATES:
            self._fail(f"criteria[{k}].transform.kind",
                       f"must be one of {', '.join(TRANSFORMS)}, got {kind!r}")
        old = self.criteria[k]["transform"]
        if kind == old.get("kind"):
            return
        params = copy.deepcopy(TRANSFORM_TEMPLATES[kind])
        nums = [old[p] for p in ("lo", "a", "b", "hi") if isinstance(old.get(p), int | float)
                and not isinstance(old.get(p), bool)]
        if len(nums) >= 2 and kind in ("linear", "fuzzy_increasing", "fuzzy_decreasing"):
            lo, hi = min(nums), max(nums)
            params.update({"lo": lo, "hi": hi} if kind == "linear" else {"a": lo, "b": hi})
        if "benefit" in params:  # keep the direction the old curve had
            if isinstance(old.get("benefit"), bool):
                params["benefit"] = old["benefit"]
            elif old.get("kind") in ("fuzzy_increasing", "fuzzy_decreasing"):
                params["benefit"] = old["kind"] == "fuzzy_increasing"
            else:
                params["benefit"] = self.criteria[k].get("direction") != "cost"
        self.set_transform(k, {"kind": kind, **params})

    # ================================================================ weights
    def set_method(self, method: str, member_name: str = "member 1") -> None:
        """Direct, AHP or group AHP. Switching to a matrix method with no matrix yet starts
        it from the direct weights rounded to Saaty's scale; a group starts with one member
        (``member_name``) holding those judgements."""
        if method not in WEIGHT_METHODS:
            self._fail("weights.method", f"must be one of {', '.join(WEIGHT_METHODS)}, "
                       f"got {method!r}")

        def apply() -> None:
            self.method = method
            if method != "direct" and self.matrix is None:
                self.matrix = matrix_from_weights([c.get("weight", 1.0) for c in self.criteria])
            if method == "group_ahp" and not self.members and self.matrix is not None:
                self.members = [{"name": member_name, "matrix": self.matrix.copy()}]

        self._edit("Weighting method", "weights", apply)

    def matrix_in_use(self, member: int | None = None) -> np.ndarray:
        """The AHP matrix (or member ``member``'s) over the criteria in use."""
        if member is None:
            if self.matrix is None:
                self.matrix = matrix_from_weights([c.get("weight", 1.0) for c in self.criteria])
            a = self.matrix
        else:
            self._row(self.members, member, "weights.members")
            a = self.members[member]["matrix"]
        idx = self.used()
        return a[np.ix_(idx, idx)].copy()

    def _checked_sub(self, sub: Any, path: str) -> np.ndarray:
        idx = self.used()
        n = len(idx)
        a = np.asarray(sub, dtype=float)
        if a.shape != (n, n):
            self._fail(path, f"must be a {n}x{n} matrix over the criteria in use, got "
                       f"shape {a.shape}")
        try:
            ahp(a)
        except ValueError as exc:
            self._fail(path, str(exc))
        return a

    def set_matrix(self, sub: Any) -> None:
        """AHP judgements over the criteria in use (the others keep theirs); method AHP."""
        a = self._checked_sub(sub, "weights.matrix")
        idx = self.used()

        def apply() -> None:
            if self.matrix is None:
                self.matrix = matrix_from_weights([c.get("weight", 1.0) for c in self.criteria])
            self.matrix[np.ix_(idx, idx)] = a
            self.method = "ahp"

        self._edit("AHP judgements", "weights", apply)

    def set_member_matrix(self, k: int, sub: Any) -> None:
        """Member ``k``'s judgements over the criteria in use."""
        self._row(self.members, k, "weights.members")
        a = self._checked_sub(sub, f"weights.matrices[{k}]")
        idx = self.used()

        def apply() -> None:
            self.members[k]["matrix"][np.ix_(idx, idx)] = a

        self._edit(f"Judgements of {self.members[k]['name']}", "weights", apply)

    def member_names(self) -> list[str]:
        return [m["name"] for m in self.members]

    def _check_member_name(self, name: str, k: int | None) -> str:
        name = str(name).strip()
        path = "weights.members" if k is None else f"weights.members[{k}]"
        if not name:
            self._fail(path, "must be a non-empty name")
        others = [n for i, n in enumerate(self.member_names()) if i != k]
        if name in others:
            self._fail(path, f"({name!r}) is used by another member")
        return name

    def add_member(self, name: str, sub: Any = None) -> int:
        """Add a group member judging all criteria equal (or ``sub`` over the criteria in
        use); the method becomes group AHP. Returns the member's position."""
        name = self._check_member_name(name, None)
        n = len(self.criteria)
        full = np.ones((n, n))
        if sub is not None:
            idx = self.used()
            full[np.ix_(idx, idx)] = self._checked_sub(sub, "weights.matrices")

        def apply() -> None:
            self.members.append({"name": name, "matrix": full})
            if self.member_weights is not None:
                self.member_weights.append(float(np.mean(self.member_weights)))
            if self.matrix is None:
                self.matrix = full.copy()
            self.method = "group_ahp"

        self._edit(f"Add member {name}", "weights", apply)
        return len(self.members) - 1

    def remove_member(self, k: int) -> None:
        """Remove member ``k``; a group keeps at least one."""
        self._row(self.members, k, "weights.members")
        if len(self.members) <= 1:
            self._fail("weights.members", "a group keeps at least one member")
        name = self.members[k]["name"]

        def apply() -> None:
            del self.members[k]
            if self.member_weights is not None:
                del self.member_weights[k]

        self._edit(f"Remove member {name}", "weights", apply)

    def rename_member(self, k: int, name: str) -> None:
        """Rename member ``k`` (non-empty, not another member's name)."""
        self._row(self.members, k, "weights.members")
        name = self._check_member_name(name, k)
        self._edit(f"Rename member {self.members[k]['name']}", "weights",
                   lambda: self.members[k].__setitem__("name", name))

    def weights(self) -> WeightsState:
        """Resolve the weights of the criteria in use (never raises; see ``error``)."""
        n = len(self.criteria)
        idx = self.used()
        shares = np.zeros(n)
        if self.method == "direct":
            raw = np.array([float(c.get("weight", 1.0)) for c in self.criteria])
            raw[~np.array(self.enabled, dtype=bool)] = 0.0
            total = raw.sum()
            if total <= 0:
                return WeightsState("direct", shares, ok=False, max_cr=self.max_cr,
                                    error="the weights of the criteria in use add up to 0")
            return WeightsState("direct", raw / total, max_cr=self.max_cr)
        result: AHPResult | GroupAHPResult
        try:
            if self.method == "ahp":
                result = ahp(self.matrix_in_use())
                flagged: list[str] = []
            else:
                result = group_ahp([self.matrix_in_use(k) for k in range(len(self.members))],
                                   member_weights=self.member_weights)
                flagged = [m["name"] for m, r in zip(self.members, result.members, strict=True)
                           if r.cr > self.max_cr]
        except ValueError as exc:
            return WeightsState(self.method, shares, ok=False, error=str(exc),
                                max_cr=self.max_cr)
        shares[idx] = result.weights
        cr = float(result.cr)
        return WeightsState(self.method, shares, cr=cr, ok=cr <= self.max_cr, result=result,
                            flagged=flagged, max_cr=self.max_cr)

    # ================================================================ constraints
    def _check_constraint(self, c: Mapping[str, Any], k: int, partial: bool = False) -> None:
        """Check a constraint; ``partial`` lets the layer (or, for a condition on the
        site, the filter) wait when the rule's kind was just switched."""
        if partial and "kind" in c:
            fill = {"where": [{"field": "-", "in": []}]} if c["kind"] == "attribute" else \
                {"layer": "-"}
            c = {**c, **{key: v for key, v in fill.items() if not c.get(key)}}
        ScenarioReader(self.name).constraint(c, k)

    def add_constraint(self, data: Mapping[str, Any], index: int | None = None) -> int:
        """Insert a constraint (checked); returns its position."""
        c = copy.deepcopy(dict(data))
        k = len(self.constraints) if index is None else max(0, min(index,
                                                                   len(self.constraints)))
        names = {x.get("name") for x in self.constraints}
        if c.get("name") in names:
            stem, i = str(c["name"]), 2
            while f"{stem}_{i}" in names:
                i += 1
            c["name"] = f"{stem}_{i}"
        self._check_constraint(c, k)
        self._edit(f"Add constraint {c.get('name')}", "constraints",
                   lambda: self.constraints.insert(k, c))
        return k

    def remove_constraint(self, k: int) -> None:
        self._row(self.constraints, k, "constraints")
        name = self.constraints[k].get("name")
        self._edit(f"Remove constraint {name}", "constraints",
                   lambda: self.constraints.__delitem__(k))

    def set_constraint(self, k: int, **fields: Any) -> None:
        """Change fields of constraint ``k`` (None removes a field); checked as a whole."""
        self._row(self.constraints, k, "constraints")
        c = copy.deepcopy(self.constraints[k])
        for key, value in fields.items():
            if value is None:
                c.pop(key, None)
            else:
                c[key] = copy.deepcopy(value)
        self._check_constraint(c, k, partial=True)
        self._edit(f"Edit constraint {c.get('name')}", "constraints",
                   lambda: self.constraints.__setitem__(k, c))

    @staticmethod
    def constraint_action(c: Mapping[str, Any]) -> str:
        """``"exclude"``, ``"multiply"`` or ``"subtract"``."""
        return "exclude" if c.get("mode", "exclude") == "exclude" else c.get("penalty",
                                                                             "multiply")

    def set_constraint_action(self, k: int, action: str, value: float | None = None) -> None:
        """Exclude the sites constraint ``k`` hits, or keep them with a penalty (a factor
        0..1 the score is multiplied by, or an amount subtracted); a factor above 1 left
        from a subtraction is brought down to 1."""
        self._row(self.constraints, k, "constraints")
        if action not in CONSTRAINT_ACTIONS:
            self._fail(f"constraints[{k}].mode", f"must be one of "
                       f"{', '.join(CONSTRAINT_ACTIONS)}, got {action!r}")
        c = self.constraints[k]
        if action == "exclude":
            fields: dict[str, Any] = {"mode": "exclude"}
        else:
            v = float(c.get("penalty_value", 0.5)) if value is None else value
            if action == "multiply" and value is None:
                v = min(v, 1.0)
            fields = {"mode": "penalty", "penalty": action, "penalty_value": v}
        if value is not None and action == "exclude":
            fields["penalty_value"] = value
        self.set_constraint(k, **fields)

    def set_constraint_reason(self, k: int, text: str, lang: str = "en") -> None:
        """The reason recorded for hit sites, in English or Chinese (``lang="zh"``)."""
        self._row(self.constraints, k, "constraints")
        reason = Text.of(self.constraints[k], "reason").edited(lang, str(text).strip())
        fields: dict[str, Any] = {}
        reason.put(fields, "reason")
        self.set_constraint(k, **fields)

    # ================================================================ the rest
    def set_candidates(self, **fields: Any) -> None:
        """Change where candidate sites come from (None removes a field); checked."""
        c = copy.deepcopy(self.candidates)
        for key, value in fields.items():
            if value is None:
                c.pop(key, None)
            else:
                c[key] = copy.deepcopy(value)
        ScenarioReader(self.name).candidates(c)
        self._edit("Candidate sites", "candidates", lambda: setattr(self, "candidates", c))

    def set_planning_year(self, year: int | None) -> None:
        if year is not None:
            ScenarioReader(self.name).number({"planning_year": year}, "planning_year", "", lo=1900,
                                      hi=2100)
            year = int(year)
        self._edit("Planning year", "settings", lambda: setattr(self, "planning_year", year))

    def set_aggregation(self, rule: str) -> None:
        ScenarioReader(self.name).choice({"aggregation": rule}, "aggregation", "", AGGREGATIONS)
        self._edit("Aggregation rule", "settings", lambda: setattr(self, "aggregation", rule))

    def set_nan_policy(self, policy: str) -> None:
        ScenarioReader(self.name).choice({"nan_policy": policy}, "nan_policy", "", NAN_POLICIES)
        self._edit("Missing values", "settings", lambda: setattr(self, "nan_policy", policy))

    def set_sensitivity(self, settings: Mapping[str, Any] | None) -> None:
        """Monte Carlo settings (``runs``, ``perturb``, ``top_k``, ``seed``) or None."""
        s = None if settings is None else dict(settings)
        self._edit("Monte Carlo settings", "settings",
                   lambda: setattr(self, "sensitivity", copy.deepcopy(s)))

    def set_texts(self, **texts: str) -> None:
        """Title and purpose, in English and Chinese (``title``, ``title_zh``, ...)."""
        unknown = sorted(set(texts) - set(self.texts))
        if unknown:
            self._fail(unknown[0], f"is not a scenario text; known: {', '.join(self.texts)}")
        new = {**self.texts, **{k: str(v) for k, v in texts.items()}}
        self._edit("Scenario texts", "settings", lambda: setattr(self, "texts", new))

    def rename(self, name: str) -> None:
        """The scenario's name (its key in the project)."""
        name = str(name).strip()
        if not name:
            self._fail("name", "must not be empty")
        self._edit("Scenario name", "settings", lambda: setattr(self, "name", name))


def _insert(a: np.ndarray, k: int, like: int | None) -> np.ndarray:
    """Insert row and column ``k``: a copy of criterion ``like``'s, or all 1 (equal)."""
    if like is None:
        out = np.insert(a, k, 1.0, axis=0)
        return np.insert(out, k, 1.0, axis=1)
    out = np.insert(a, k, a[like], axis=0)
    src = like if like < k else like + 1
    out = np.insert(out, k, out[:, src], axis=1)
    out[k, k] = out[k, src] = out[src, k] = 1.0
    return out
