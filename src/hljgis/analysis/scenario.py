"""Scenarios: everything a ranking needs, as plain data a planner can read and edit.

A scenario names the candidate sites, the criteria (with transforms, units and
rationales), the weights (direct, AHP or group AHP), the constraints, the aggregation rule
and the planning year. It is stored as a plain dict in ``project.scenarios[name]`` and can
be exported to a readable JSON file for a report annex or another bureau.

:meth:`Scenario.from_dict` checks every field and names the bad one in the message, e.g.
``scenario 'sme-space': criteria[2].transform.lo must be a number``, because these files are
edited by hand.

Example of the dict form (abridged)::

    {
      "name": "sme-space", "planning_year": 2025, "aggregation": "wlc",
      "candidates": {"kind": "grid", "boundary": "districts", "size_m": 500},
      "criteria": [
        {"name": "hsr_access", "kind": "distance", "layer": "hsr_stations",
         "where": [{"field": "status", "in": ["opened"]}], "unit": "m", "direction": "cost",
         "transform": {"kind": "linear", "lo": 0, "hi": 15000, "benefit": false},
         "weight": 2, "rationale": "..."}
      ],
      "weights": {"method": "direct"},
      "constraints": [{"name": "active_subsidence", "kind": "outside", ...}]
    }
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NoReturn, overload

import numpy as np

from hljgis.analysis.candidates import CELL_SHAPES, FILTER_OPS
from hljgis.analysis.constraints import (
    CONSTRAINT_KINDS,
    CONSTRAINT_MODES,
    PENALTY_KINDS,
    Constraint,
)
from hljgis.analysis.criteria import (
    AGGS,
    CRITERION_KINDS,
    DIRECTIONS,
    MEASURES,
    STATS,
    YEAR_MODES,
    Criterion,
)
from hljgis.analysis.transforms import TRANSFORMS, TransformSpec
from hljgis.analysis.weights import (
    DEFAULT_MAX_CR,
    ahp,
    direct_weights,
    group_ahp,
    require_consistent,
)
from hljgis.core.errors import InputError
from hljgis.core.text import Text

__all__ = [
    "AGGREGATIONS",
    "SCENARIO_VERSION",
    "CandidateSource",
    "Scenario",
    "ScenarioError",
    "ScenarioReader",
    "WeightSpec",
    "load_scenario",
    "save_scenario",
]

SCENARIO_VERSION = 1
AGGREGATIONS = ("wlc", "topsis")
NAN_POLICIES = ("exclude", "zero", "renormalize")
WEIGHT_METHODS = ("direct", "ahp", "group_ahp")
_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
_NUMERIC_PARAMS = {"lo", "hi", "a", "b", "c", "d", "default"}


class ScenarioError(InputError):
    """A scenario that cannot be used; the message names the scenario and the field."""

    def __init__(self, scenario: str, path: str, problem: str, todo: str = ""):
        where = f"{path} " if path else ""
        super().__init__(f"scenario '{scenario}': {where}{problem}", todo)
        self.scenario = scenario
        self.path = path


# --------------------------------------------------------------------------- plain data


@dataclass
class CandidateSource:
    """Where the candidate sites come from.

    Attributes
    ----------
    kind : {"layer", "grid"}
    layer : str
        Polygon layer of sites (``kind="layer"``) or boundary layer for cells (``"grid"``).
    where : filter, optional
        Filter on that layer (sites, or boundary polygons such as urban districts).
    id_field : str, optional
        Field with site ids (layer candidates).
    name_field : str, optional
        Field with site names (layer candidates); by default ``name`` / ``name_zh`` when
        the layer has them, else the id. Results call a site "<name>, <district>".
    city_field : str, default "city"
    size_m : float, default 500
        Cell size (grid).
    shape : {"square", "hex"}, default "square"
    """

    kind: str = "grid"
    layer: str = "cities"
    where: Any = None
    id_field: str | None = None
    city_field: str = "city"
    name_field: str | None = None
    size_m: float = 500.0
    shape: str = "square"


@dataclass
class WeightSpec:
    """How criterion weights are set.

    Attributes
    ----------
    method : {"direct", "ahp", "group_ahp"}
        ``direct`` uses each criterion's ``weight``; ``ahp`` a pairwise ``matrix`` over the
        criteria in order; ``group_ahp`` several ``matrices`` (one per bureau or expert,
        named in ``members``) combined by the geometric mean.
    max_cr : float, default 0.10
        Matrices (and the combined group matrix) above this CR are refused.
    """

    method: str = "direct"
    matrix: list | None = None
    matrices: list | None = None
    members: list | None = None
    member_weights: list | None = None
    max_cr: float = DEFAULT_MAX_CR


@dataclass
class Scenario:
    """A ranking scenario (see the module docstring for the dict form).

    Attributes
    ----------
    name : str
    title, purpose : Text
        The title and purpose in English and Simplified Chinese (the Chinese is optional;
        the interface shows it when it is Chinese and falls back to the English). Files
        keep the ``title`` / ``title_zh`` and ``purpose`` / ``purpose_zh`` keys.
    candidates : CandidateSource
    criteria : list of Criterion
    weights : WeightSpec
    constraints : list of Constraint
    aggregation : {"wlc", "topsis"}
        TOPSIS runs on the transformed 0..1 scores (all benefit), so both rules see the same
        value functions and differ only in how they combine them.
    planning_year : int, optional
    nan_policy : {"exclude", "zero", "renormalize"}, default "exclude"
        A site missing a criterion value is excluded with the reason "no value for ...",
        scored as 0 on it, or scored on its remaining criteria.
    sensitivity : dict, optional
        ``{"runs": 500, "perturb": 0.2, "top_k": 10, "seed": 0}`` adds Monte Carlo rank
        range and ``p_top_k`` columns to the results.
    """

    name: str
    title: Text = field(default_factory=Text)
    purpose: Text = field(default_factory=Text)
    candidates: CandidateSource = field(default_factory=CandidateSource)
    criteria: list[Criterion] = field(default_factory=list)
    weights: WeightSpec = field(default_factory=WeightSpec)
    constraints: list[Constraint] = field(default_factory=list)
    aggregation: str = "wlc"
    planning_year: int | None = None
    nan_policy: str = "exclude"
    sensitivity: dict | None = None

    # -- weights ---------------------------------------------------------------------------
    def resolve_weights(self) -> tuple[np.ndarray, dict]:
        """Return the normalised weights and a report (method, CR, member CRs).

        Raises
        ------
        InconsistentMatrixError
            If an AHP matrix (or the group's combined matrix) has CR above ``max_cr``.
        ScenarioError
            If the matrix size does not match the criteria.
        """
        names = [c.name for c in self.criteria]
        w = self.weights
        if w.method == "direct":
            values = direct_weights([c.weight for c in self.criteria])
            return values, {"method": "direct"}
        if w.method == "ahp":
            result = ahp(w.matrix, names=names)
            require_consistent(result, max_cr=w.max_cr, names=names)
            return np.asarray(result.weights), {"method": "ahp", "cr": result.cr}
        if w.matrices is None:
            raise ValueError("group AHP weights need their matrices (weights.matrices)")
        group = group_ahp(w.matrices, names=names, member_weights=w.member_weights)
        require_consistent(group.combined, max_cr=w.max_cr, names=names)
        members = w.members or [f"member {i + 1}" for i in range(len(group.members))]
        return np.asarray(group.weights), {
            "method": "group_ahp",
            "cr": group.cr,
            "member_cr": {m: r.cr for m, r in zip(members, group.members, strict=True)},
        }

    # -- plain data ------------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-able data (what ``project.scenarios[name]`` holds)."""
        return {
            "version": SCENARIO_VERSION,
            "name": self.name,
            "title": self.title.en,
            "title_zh": self.title.zh,
            "purpose": self.purpose.en,
            "purpose_zh": self.purpose.zh,
            "planning_year": self.planning_year,
            "aggregation": self.aggregation,
            "nan_policy": self.nan_policy,
            "candidates": _drop_none(self.candidates.__dict__),
            "criteria": [_criterion_dict(c) for c in self.criteria],
            "weights": _drop_none(self.weights.__dict__),
            "constraints": [_constraint_dict(c) for c in self.constraints],
            "sensitivity": copy.deepcopy(self.sensitivity),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], name: str | None = None) -> Scenario:
        """Build and validate a scenario from plain data.

        Parameters
        ----------
        data : mapping
            As written by :meth:`to_dict` (or by hand).
        name : str, optional
            Name to use when ``data`` has none (e.g. the key in ``project.scenarios``).

        Raises
        ------
        ScenarioError
            Naming the scenario and the bad field, e.g. ``criteria[2].transform.lo must be a
            number``.
        """
        label = str(data.get("name") or name or "?") if isinstance(data, Mapping) else "?"
        return ScenarioReader(label).scenario(data, name)

    def copy(self, **changes) -> Scenario:
        """A deep copy with some top-level fields replaced (e.g. ``planning_year=2030``)."""
        out = Scenario.from_dict(self.to_dict())
        for key, value in changes.items():
            setattr(out, key, value)
        return out


def _drop_none(d: Mapping[str, Any]) -> dict[str, Any]:
    return {k: copy.deepcopy(v) for k, v in d.items() if v is not None}


def _put_optional(out: dict[str, Any], key: str, value: str) -> None:
    if value:  # only written when a text is given
        out[key] = value


def _constraint_dict(c: Constraint) -> dict[str, Any]:
    # key order as files have always had it: ..., rationale, reason_zh, title, title_zh
    out = _drop_none({k: v for k, v in c.__dict__.items() if k != "title"})
    out["reason"] = c.reason.en
    _put_optional(out, "reason_zh", c.reason.zh)
    _put_optional(out, "title", c.title.en)
    _put_optional(out, "title_zh", c.title.zh)
    return out


def _criterion_dict(c: Criterion) -> dict[str, Any]:
    # key order as files have always had it: ..., title, rationale, direction, title_zh,
    # rationale_zh, transform
    out = _drop_none({k: v for k, v in c.__dict__.items() if k != "transform"})
    out["title"], out["rationale"] = c.title.en, c.rationale.en
    _put_optional(out, "title_zh", c.title.zh)
    _put_optional(out, "rationale_zh", c.rationale.zh)
    spec = c.transform.to_dict()
    out["transform"] = {"kind": spec["kind"], **spec["params"]}
    return out


# ------------------------------------------------------------------------------- reading


class ScenarioReader:
    """Validating reader; every error names the scenario and the field path.

    :meth:`Scenario.from_dict` reads a whole scenario with it; the scenario builder
    (:mod:`hljgis.analysis.draft`) checks one part at a time (``criterion``,
    ``constraint``, ``candidates``, ``number``, ``choice``) before each edit.
    """

    def __init__(self, label: str):
        self.label = label

    def fail(self, path: str, problem: str, todo: str = "") -> NoReturn:
        raise ScenarioError(self.label, path, problem, todo)

    def mapping(self, value: Any, path: str) -> Mapping[str, Any]:
        if not isinstance(value, Mapping):
            self.fail(path, f"must be an object ({{...}}), got {type(value).__name__}")
        return value

    def unknown(self, d: Mapping[str, Any], allowed: set[str], path: str) -> None:
        extra = sorted(set(d) - allowed)
        if extra:
            where = f"{path}." if path else ""
            self.fail(f"{where}{extra[0]}", f"is not a known field; known: "
                      f"{', '.join(sorted(allowed))}")

    @overload
    def text(self, d: Any, key: str, path: str, default: str = "",
             required: bool = False) -> str: ...

    @overload
    def text(self, d: Any, key: str, path: str, default: str | None,
             required: bool = False) -> str | None: ...

    def text(self, d, key, path, default: str | None = "", required=False) -> str | None:
        if key not in d or d[key] is None:
            if required:
                self.fail(f"{path}{key}", "is required")
            return default
        if not isinstance(d[key], str):
            self.fail(f"{path}{key}", f"must be text, got {d[key]!r}")
        return d[key]

    def bilingual(self, d: Any, key: str, path: str) -> Text:
        """The ``key`` / ``key_zh`` pair as a :class:`Text`, each checked to be text."""
        return Text(self.text(d, key, path), self.text(d, f"{key}_zh", path))

    def number(self, d, key, path, default=None, required=False, lo=None, hi=None):
        if key not in d or d[key] is None:
            if required:
                self.fail(f"{path}{key}", "is required")
            return default
        v = d[key]
        if isinstance(v, bool) or not isinstance(v, int | float) or not np.isfinite(v):
            self.fail(f"{path}{key}", f"must be a number, got {v!r}")
        if lo is not None and v < lo:
            self.fail(f"{path}{key}", f"must be at least {lo:g}, got {v!r}")
        if hi is not None and v > hi:
            self.fail(f"{path}{key}", f"must be at most {hi:g}, got {v!r}")
        return v

    def choice(self, d, key, path, choices, default=None):
        if key not in d or d[key] is None:
            if default is None:
                self.fail(f"{path}{key}", f"is required (one of {', '.join(choices)})")
            return default
        if d[key] not in choices:
            self.fail(f"{path}{key}", f"must be one of {', '.join(choices)}, got {d[key]!r}")
        return d[key]

    def where(self, d, path):
        value = d.get("where")
        if value is None:
            return None
        clauses = [value] if isinstance(value, Mapping) else value
        if not isinstance(clauses, list):
            self.fail(f"{path}where", "must be a clause {\"field\": ...} or a list of clauses")
        for k, clause in enumerate(clauses):
            p = f"{path}where[{k}]"
            clause = self.mapping(clause, p)
            self.unknown(clause, {"field", "in", "not_in", "contains", "op", "value"}, p)
            self.text(clause, "field", f"{p}.", required=True)
            ops = [o for o in ("in", "not_in", "contains", "op") if o in clause]
            if len(ops) != 1:
                self.fail(p, "needs exactly one of 'in', 'not_in', 'contains' or 'op'")
            if ops[0] in ("in", "not_in") and not isinstance(clause[ops[0]], list):
                self.fail(f"{p}.{ops[0]}", "must be a list of values")
            if ops[0] == "op":
                self.choice(clause, "op", f"{p}.", FILTER_OPS)
                if "value" not in clause:
                    self.fail(f"{p}.value", "is required with 'op'")
        return copy.deepcopy(value)

    # -- parts -----------------------------------------------------------------------------
    def candidates(self, value: Any) -> CandidateSource:
        p = "candidates."
        d = self.mapping(value, "candidates")
        self.unknown(d, set(CandidateSource.__dataclass_fields__), "candidates")
        kind = self.choice(d, "kind", p, ("layer", "grid"))
        return CandidateSource(
            kind=kind,
            layer=self.text(d, "layer", p, required=True),
            where=self.where(d, p),
            id_field=self.text(d, "id_field", p, default=None),
            name_field=self.text(d, "name_field", p, default=None),
            city_field=self.text(d, "city_field", p, default="city"),
            size_m=float(self.number(d, "size_m", p, default=500.0, lo=1.0)),
            shape=self.choice(d, "shape", p, CELL_SHAPES, default="square"),
        )

    def transform(self, value: Any, path: str) -> TransformSpec:
        d = dict(self.mapping(value, path))
        p = f"{path}."
        kind = self.choice(d, "kind", p, tuple(TRANSFORMS))
        params = {k: v for k, v in d.items() if k != "kind"}
        spec = TRANSFORMS[kind]
        allowed = set(spec.required) | set(spec.optional)
        self.unknown(params, allowed | {"kind"}, path)
        for req in spec.required:
            if req not in params:
                self.fail(f"{p}{req}", f"is required for a '{kind}' transform")
        for key in sorted(_NUMERIC_PARAMS & set(params)):
            if params[key] is None and key != "default":
                self.fail(f"{p}{key}", "must be a number, got null")
            self.number(params, key, p)
        if "benefit" in params and not isinstance(params["benefit"], bool):
            self.fail(f"{p}benefit", f"must be true or false, got {params['benefit']!r}")
        for key in ("breaks", "scores"):
            if key in params:
                v = params[key]
                if not isinstance(v, list) or not all(
                    isinstance(x, int | float) and not isinstance(x, bool) for x in v
                ):
                    self.fail(f"{p}{key}", "must be a list of numbers")
        if "mapping" in params and not isinstance(params["mapping"], Mapping):
            self.fail(f"{p}mapping", "must be an object {category: score}")
        try:
            return TransformSpec(kind, params)
        except ValueError as exc:
            self.fail(path, str(exc))
        raise AssertionError  # pragma: no cover

    def criterion(self, value: Any, k: int, names: set[str]) -> Criterion:
        path = f"criteria[{k}]"
        p = f"{path}."
        d = self.mapping(value, path)
        self.unknown(d, set(Criterion.__dataclass_fields__) | {"title_zh", "rationale_zh"},
                     path)
        name = self.text(d, "name", p, required=True)
        if not _NAME.match(name):
            self.fail(f"{p}name", f"({name!r}) must start with a lowercase letter and use only "
                      "a-z, 0-9 and _ (it names result columns)")
        if name in names:
            self.fail(f"{p}name", f"({name!r}) is used by another criterion")
        names.add(name)
        kind = self.choice(d, "kind", p, CRITERION_KINDS)
        if "transform" not in d:
            self.fail(f"{p}transform", "is required")
        layer = self.text(d, "layer", p, default=None)
        fld = self.text(d, "field", p, default=None)
        if kind in ("distance", "overlap", "raster") and not layer:
            self.fail(f"{p}layer", f"is required for a '{kind}' criterion")
        if kind in ("attribute", "years") and not fld:
            self.fail(f"{p}field", f"is required for a '{kind}' criterion")
        return Criterion(
            name=name,
            kind=kind,
            transform=self.transform(d["transform"], f"{p}transform"),
            weight=float(self.number(d, "weight", p, default=1.0, lo=0.0)),
            layer=layer,
            where=self.where(d, p),
            field=fld,
            measure=self.choice(d, "measure", p, MEASURES, default="centroid"),
            stat=self.choice(d, "stat", p, STATS, default="mean"),
            agg=self.choice(d, "agg", p, AGGS, default="max"),
            fill=self.number(d, "fill", p, default=None),
            mode=self.choice(d, "mode", p, YEAR_MODES, default="since"),
            unit=self.text(d, "unit", p),
            title=self.bilingual(d, "title", p),
            rationale=self.bilingual(d, "rationale", p),
            direction=self.choice(d, "direction", p, DIRECTIONS, default="benefit"),
        )

    def constraint(self, value: Any, k: int) -> Constraint:
        path = f"constraints[{k}]"
        p = f"{path}."
        d = self.mapping(value, path)
        self.unknown(d, set(Constraint.__dataclass_fields__) | {"reason_zh", "title_zh"},
                     path)
        kind = self.choice(d, "kind", p, CONSTRAINT_KINDS)
        layer = self.text(d, "layer", p, default=None)
        if kind != "attribute" and not layer:
            self.fail(f"{p}layer", f"is required for an '{kind}' constraint")
        if kind == "attribute" and not d.get("where"):
            self.fail(f"{p}where", "is required for an 'attribute' constraint")
        penalty = self.choice(d, "penalty", p, PENALTY_KINDS, default="multiply")
        value_hi = 1.0 if penalty == "multiply" else None
        return Constraint(
            name=self.text(d, "name", p, required=True),
            kind=kind,
            reason=self.bilingual(d, "reason", p),
            layer=layer,
            where=self.where(d, p),
            share=self.number(d, "share", p, default=None, lo=0.0, hi=1.0),
            mode=self.choice(d, "mode", p, CONSTRAINT_MODES, default="exclude"),
            penalty=penalty,
            penalty_value=float(self.number(d, "penalty_value", p, default=0.5, lo=0.0,
                                            hi=value_hi)),
            rationale=self.text(d, "rationale", p),
            title=self.bilingual(d, "title", p),
        )

    def weights(self, value: Any, n: int) -> WeightSpec:
        p = "weights."
        d = self.mapping(value, "weights")
        self.unknown(d, set(WeightSpec.__dataclass_fields__), "weights")
        method = self.choice(d, "method", p, WEIGHT_METHODS, default="direct")
        spec = WeightSpec(method=method, max_cr=float(self.number(
            d, "max_cr", p, default=DEFAULT_MAX_CR, lo=0.0)))
        if method == "ahp":
            spec.matrix = self.matrix(d.get("matrix"), "weights.matrix", n)
        elif method == "group_ahp":
            mats = d.get("matrices")
            if not isinstance(mats, list) or not mats:
                self.fail("weights.matrices", "must be a non-empty list of matrices")
            spec.matrices = [self.matrix(m, f"weights.matrices[{i}]", n)
                             for i, m in enumerate(mats)]
            members = d.get("members")
            if members is not None and (not isinstance(members, list)
                                        or len(members) != len(mats)):
                self.fail("weights.members", f"must list one name per matrix ({len(mats)})")
            listed = members or []
            for i, member in enumerate(listed):
                # the report keys each member's CR by name: names must tell them apart
                if not isinstance(member, str) or not member.strip():
                    self.fail(f"weights.members[{i}]", f"must be a non-empty name, got "
                              f"{member!r}")
                if member in listed[:i]:
                    self.fail(f"weights.members[{i}]", f"({member!r}) is used by another "
                              "member")
            spec.members = copy.deepcopy(members)
            mw = d.get("member_weights")
            if mw is not None:
                if not isinstance(mw, list) or len(mw) != len(mats):
                    self.fail("weights.member_weights",
                              f"must list one number per matrix ({len(mats)})")
                for i in range(len(mw)):
                    self.number({"v": mw[i]}, "v", f"weights.member_weights[{i}]")
            spec.member_weights = mw
        return spec

    def matrix(self, value: Any, path: str, n: int) -> list:
        if not isinstance(value, list) or len(value) != n:
            self.fail(path, f"must be a {n}x{n} list of rows (one per criterion)")
        for i, row in enumerate(value):
            if not isinstance(row, list) or len(row) != n:
                self.fail(f"{path}[{i}]", f"must be a row of {n} numbers")
            for j, x in enumerate(row):
                if isinstance(x, bool) or not isinstance(x, int | float) or not x > 0:
                    self.fail(f"{path}[{i}][{j}]", f"must be a positive number, got {x!r}")
        try:
            ahp(value)
        except ValueError as exc:
            self.fail(path, str(exc))
        return copy.deepcopy(value)

    def scenario(self, data: Any, name: str | None) -> Scenario:
        d = self.mapping(data, "")
        self.unknown(d, set(Scenario.__dataclass_fields__)
                     | {"version", "title_zh", "purpose_zh"}, "")
        version = d.get("version", SCENARIO_VERSION)
        if version != SCENARIO_VERSION:
            self.fail("version", f"is {version!r}; this hljgis reads version "
                      f"{SCENARIO_VERSION}", "Upgrade hljgis.")
        crit = d.get("criteria")
        if not isinstance(crit, list) or not crit:
            self.fail("criteria", "must be a non-empty list")
        names: set[str] = set()
        criteria = [self.criterion(c, k, names) for k, c in enumerate(crit)]
        cons = d.get("constraints") or []
        if not isinstance(cons, list):
            self.fail("constraints", "must be a list")
        sens = d.get("sensitivity")
        if sens is not None:
            sens = dict(self.mapping(sens, "sensitivity"))
            self.unknown(sens, {"runs", "perturb", "top_k", "seed"}, "sensitivity")
            self.number(sens, "runs", "sensitivity.", lo=1)
            self.number(sens, "perturb", "sensitivity.", lo=0.0, hi=0.99)
            self.number(sens, "top_k", "sensitivity.", lo=1)
        year = self.number(d, "planning_year", "", default=None, lo=1900, hi=2100)
        return Scenario(
            name=self.text(d, "name", "", default=name) or self.label,
            title=self.bilingual(d, "title", ""),
            purpose=self.bilingual(d, "purpose", ""),
            candidates=self.candidates(d.get("candidates", {"kind": "grid"})),
            criteria=criteria,
            weights=self.weights(d.get("weights") or {}, len(criteria)),
            constraints=[self.constraint(c, k) for k, c in enumerate(cons)],
            aggregation=self.choice(d, "aggregation", "", AGGREGATIONS, default="wlc"),
            planning_year=int(year) if year is not None else None,
            nan_policy=self.choice(d, "nan_policy", "", NAN_POLICIES, default="exclude"),
            sensitivity=sens,
        )


# ---------------------------------------------------------------------------------- files


def save_scenario(scenario: Scenario, path: str | Path) -> Path:
    """Write a scenario as indented UTF-8 JSON (Chinese text kept readable)."""
    path = Path(path)
    text = json.dumps(scenario.to_dict(), indent=2, ensure_ascii=False)
    path.write_text(text + "\n", encoding="utf-8")
    return path


def load_scenario(path: str | Path) -> Scenario:
    """Read a scenario JSON file.

    Raises
    ------
    ScenarioError
        If the file is not valid JSON (with line and column) or a field is bad.
    InputError
        If the file cannot be read.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise InputError(f"cannot read scenario file {path} ({exc}).") from exc
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ScenarioError(path.stem, "", f"file {path} is not valid JSON: {exc.msg} at "
                            f"line {exc.lineno}, column {exc.colno}") from exc
    return Scenario.from_dict(data, name=path.stem)
