"""Run a scenario: candidates -> raw values -> scores -> weights -> constraints -> ranks.

:func:`run_scenario` is the one entry point the GUI worker, the CLI and notebooks call. It
reports progress through a plain ``progress(fraction, message)`` callback and checks a
``cancel()`` callable between stages and between chunks of the long ones, raising
:class:`Cancelled` so a worker can stop cleanly.

The result (:class:`RankingResult`) holds one row per candidate with everything a planner
needs to defend a rank: ``score``, ``rank`` (ties share the best rank of their group),
``raw_<c>`` (the measured value, in the criterion's unit), ``norm_<c>`` (0..1 after the
transform), ``contrib_<c>`` (weight x normalised score; for WLC these add up to
``base_score``), ``excluded`` and ``exclusion_reason``, ``penalty`` and, when asked for,
Monte Carlo rank range and ``p_top_<k>``.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from contextlib import suppress
from dataclasses import dataclass, field, replace
from functools import partial
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
from pyproj import CRS

from hljgis.analysis.aggregate import topsis, weighted_sum
from hljgis.analysis.candidates import GridCells, grid_cells, layer_candidates
from hljgis.analysis.constraints import Constraint, apply_penalties, evaluate_constraints
from hljgis.analysis.context import LayerStore, SiteContext, centroid_xy, crs_name
from hljgis.analysis.criteria import Criterion, compute_criterion
from hljgis.analysis.kernels import workers
from hljgis.analysis.parallel import Stages
from hljgis.analysis.rescore import (
    RunInputs,
    frame_of,
    result_columns,
    score_sites,
)
from hljgis.analysis.scenario import Scenario, ScenarioError, load_scenario
from hljgis.analysis.sensitivity import monte_carlo_weights
from hljgis.analysis.sites import Boundaries, locate, site_names
from hljgis.core.errors import InputError
from hljgis.core.hugepages import batch_memory

__all__ = ["Cancelled", "RankingResult", "monte_carlo_columns", "resolve_scenario",
           "run_scenario"]

Progress = Callable[[float, str], None]


class Cancelled(Exception):  # noqa: N818 - the name a worker expects
    """The run was cancelled by the caller's ``cancel()`` callable; nothing was returned."""


#: Opacity of a new ranking layer: the context (outlines, roads, a second ranking) reads
#: through it; a planner can still make it opaque in the layer panel.
RESULT_OPACITY = 0.75


@dataclass(eq=False)
class RankingResult:
    """Ranked candidate sites of one scenario run.

    Attributes
    ----------
    scenario : Scenario
        The scenario as run (with the planning year actually used).
    gdf : geopandas.GeoDataFrame
        One row per candidate, in the metric CRS of the run (see module docstring).
    weights : dict
        Criterion name -> normalised weight.
    weight_report : dict
        Method and consistency ratios (AHP / group AHP).
    timings : dict
        Stage -> seconds; they add up to the run's time. The criteria and constraints
        are measured side by side on a machine with several cores: the figure of each is
        then the time the run waited for it after the stage before it.
    city : str or None
    inputs : RunInputs or None
        The raw values and constraint hits the run measured, so an edited scenario can be
        re-scored without measuring again (:class:`~hljgis.analysis.rescore.Rescorer`).
    """

    scenario: Scenario
    gdf: gpd.GeoDataFrame
    weights: dict[str, float]
    weight_report: dict
    timings: dict[str, float] = field(default_factory=dict)
    city: str | None = None
    inputs: RunInputs | None = None

    def ranked(self) -> gpd.GeoDataFrame:
        """Ranked sites only, best first (ties in input order)."""
        g = self.gdf[self.gdf["rank"].notna()]
        return g.sort_values("rank", kind="stable")

    def top(self, k: int = 10) -> gpd.GeoDataFrame:
        """The ``k`` best-ranked sites: ``ranked().head(k)``, without sorting them all (a
        million sites: 0.01 s instead of 1.35 s): the rows up to the k-th best rank
        (ties included) sorted alone."""
        rank = self.gdf["rank"].to_numpy(dtype=float, na_value=np.nan)
        ok = np.flatnonzero(~np.isnan(rank))
        if k <= 0 or len(ok) <= k:
            return self.ranked().head(max(k, 0))
        worst = np.partition(rank[ok], k - 1)[k - 1]
        rows = ok[rank[ok] <= worst]
        g = self.gdf.iloc[rows]
        return g.sort_values("rank", kind="stable").head(k)

    def contributions(self, row: int) -> pd.DataFrame:
        """One site's explanation: per criterion raw value, unit, score, weight, contribution.

        Parameters
        ----------
        row : int
            Positional row in :attr:`gdf`.
        """
        rec = self.gdf.iloc[row]
        rows = []
        for c in self.scenario.criteria:
            rows.append({
                "criterion": c.name,
                "title": c.title.en or c.name,
                "raw": rec[f"raw_{c.name}"],
                "unit": c.unit,
                "score": rec[f"norm_{c.name}"],
                "weight": self.weights[c.name],
                "contribution": rec[f"contrib_{c.name}"],
                "rationale": c.rationale.en,
            })
        return pd.DataFrame(rows).sort_values("contribution", ascending=False)

    def layer(self, name: str | None = None, gdf: gpd.GeoDataFrame | None = None):
        """The results as a :class:`~hljgis.core.layer.VectorLayer` for the project (over
        ``gdf`` instead of :attr:`gdf` when given; the map's styled layer comes from
        :func:`~hljgis.analysis.ranking_layer.ranking_layer`)."""
        from hljgis.core.layer import VectorLayer

        sc = self.scenario
        suffix = f"_{self.city.lower()}" if self.city else ""
        layer = VectorLayer(
            self.gdf if gdf is None else gdf,
            name or f"rank_{sc.name.replace('-', '_')}{suffix}",
            title=f"Ranking: {sc.title.en or sc.name}" + (f" ({self.city})" if self.city else ""),
            title_zh=f"选址排序：{sc.title.zh or sc.name}",
            theme="analysis",
            # see-through over its context (city outlines, roads, another ranking)
            opacity=RESULT_OPACITY,
            provenance={
                "source": f"hljgis ranking, scenario '{sc.name}'",
                "as_of": str(sc.planning_year or ""),
                "note": f"weights {self.weight_report.get('method')}; aggregation "
                        f"{sc.aggregation}" + distance_note(sc),
            },
        )
        # what the polygons were made from: the project file then stores the grid
        # definition, or a reference to the candidate layer, when the geometry still is it
        cells = getattr(self.inputs, "cells", None)
        layer.geometry_source = cells if cells is not None else (
            sc.candidates.layer if sc.candidates.kind == "layer" else None)
        # normalised scores the file can recompute from the raw values (it checks first)
        layer.column_recipes = {f"norm_{c.name}": {"from": f"raw_{c.name}",
                                                   "transform": c.transform.to_dict()}
                                for c in sc.criteria}
        return layer


def distance_note(sc: Scenario) -> str:
    """Where the scenario's distances are measured from, for the result's provenance:
    ``"; distances from outlines: a, b; from centroids: c"`` ("" without distances)."""
    parts = []
    for measure, label in (("edge", "outlines"), ("centroid", "centroids")):
        names = [c.name for c in sc.criteria if c.kind == "distance" and c.measure == measure]
        if names:
            parts.append(f"from {label}: {', '.join(names)}")
    return f"; distances {'; '.join(parts)}" if parts else ""


# ------------------------------------------------------------------------------ scenario


def resolve_scenario(ref: Scenario | Mapping | str, project: Any = None) -> Scenario:
    """Turn a scenario reference into a :class:`Scenario`.

    A string is looked up in ``project.scenarios`` first, then among the presets, then read
    as a JSON file path, so a project can override a preset of the same name.

    Raises
    ------
    ScenarioError
        If the name is unknown (listing the names there are) or the data is bad.
    """
    if isinstance(ref, Scenario):
        return ref
    if isinstance(ref, Mapping):
        return Scenario.from_dict(ref)
    from pathlib import Path

    from hljgis.analysis.presets import PRESETS, preset

    scenarios = getattr(project, "scenarios", {}) or {}
    if ref in scenarios:
        return Scenario.from_dict(scenarios[ref], name=ref)
    if ref in PRESETS:
        return preset(ref)
    if ref.endswith(".json") or Path(ref).is_file():
        return load_scenario(ref)
    known = sorted(set(scenarios) | set(PRESETS))
    raise ScenarioError(ref, "", "is neither a scenario of the project, a preset, nor a file",
                        f"Known scenarios: {', '.join(known)}.")


# -------------------------------------------------------------------------------- layers


def _store_for(source: Any, crs: CRS | None) -> LayerStore:
    """A LayerStore for a Project (reprojecting) or a mapping of raw frames (strict CRS)."""
    if hasattr(source, "layers") and hasattr(source, "metric_crs"):
        return LayerStore({layer.name: layer for layer in source.layers},
                          crs or source.metric_crs())
    if not isinstance(source, Mapping):
        raise TypeError("run_scenario needs a Project or a mapping of layer name -> frame")
    frames = {k: v for k, v in source.items() if isinstance(getattr(v, "gdf", v),
                                                             gpd.GeoDataFrame)}
    crss = {k: getattr(v, "gdf", v).crs for k, v in frames.items()}
    if any(c is None for c in crss.values()):
        missing = [k for k, c in crss.items() if c is None]
        raise InputError(f"frame '{missing[0]}' has no CRS.", "Set one with gdf.set_crs(...).")
    ref_name, ref_crs = (None, crs) if crs is not None else next(iter(crss.items()),
                                                                (None, None))
    if ref_crs is None:
        raise InputError("no vector frames were given.")
    for k, c in crss.items():
        if not c.equals(ref_crs):
            first = f"frame '{ref_name}'" if ref_name else "the analysis CRS"
            raise InputError(
                f"frame '{k}' is in {crs_name(c)} but {first} is in {crs_name(ref_crs)}.",
                "Reproject all frames to one metric CRS before ranking (gdf.to_crs(...)).",
            )
    ref_crs = CRS.from_user_input(ref_crs)
    if not ref_crs.is_projected:
        raise InputError(
            f"the frames are in {crs_name(ref_crs)}, which is not a projected (metric) CRS; "
            "distances and areas would be in degrees.",
            "Reproject them with hljgis.core.crs.metric_crs_for(...) first.",
        )
    return LayerStore(source, ref_crs, strict_crs=True)


def _candidates(sc: Scenario, store: LayerStore,
                city: str | None) -> tuple[GridCells | gpd.GeoDataFrame, np.ndarray | None]:
    """The candidate sites of a scenario and their centroids (None when nothing needed
    them yet: the run computes them on demand), restricted to ``city``.

    Generated cells come back as :class:`GridCells`, whose polygons the run builds in the
    background; layer candidates as a GeoDataFrame. Sites get their city (where they have
    none) and district from the boundaries they lie in (:mod:`hljgis.analysis.sites`).
    """
    src = sc.candidates
    try:
        if src.kind == "grid":
            boundary = store.vector(src.layer)
            if city and src.city_field in boundary.columns:
                boundary = boundary[_city_match(boundary[src.city_field], city)]
                if len(boundary) == 0:
                    raise _no_city(city, store.vector(src.layer)[src.city_field])
            sites = grid_cells(boundary, src.size_m, crs=store.crs, shape=src.shape,
                               city_field=src.city_field, where=src.where)
        else:
            sites = layer_candidates(store.vector(src.layer), crs=store.crs, source=src.layer,
                                     where=src.where, id_field=src.id_field,
                                     city_field=src.city_field, year=sc.planning_year)
    except ValueError as exc:
        raise ScenarioError(sc.name, "candidates.where", str(exc)) from exc
    if src.name_field and src.name_field not in getattr(sites, "columns", ()):
        fields: list[str] = [] if isinstance(sites, GridCells) else [
            c for c in sites.columns if c not in (sites.geometry.name, "site_id", "site_type")]
        raise ScenarioError(sc.name, "candidates.name_field",
                            f"({src.name_field!r}) is not a field of layer '{src.layer}'.",
                            f"Fields: {', '.join(map(str, fields)) or 'none'}.")
    boundaries = Boundaries.from_store(store)
    if isinstance(sites, GridCells):
        xy = sites.centroids()
        xy = sites.centres if xy is None else xy
        sites = replace(sites, attrs=locate(sites.attrs, xy, boundaries))
    elif boundaries is not None:
        xy = centroid_xy(sites.geometry.values)
        sites = locate(sites, xy, boundaries)
    else:  # no boundary to look the sites up in: centroids only if a criterion asks
        xy = None
        sites = locate(sites, np.zeros((0, 2)), None)
    if city:
        cities = (sites.attrs if isinstance(sites, GridCells) else sites)["city"]
        keep = _city_match(cities, city)
        if not keep.any():
            if boundaries is None and not (cities != "").any():
                raise InputError(
                    f"only sites in city '{city}' were asked for, but the candidates "
                    f"('{src.layer}') have no city field '{src.city_field}' and there are no "
                    "boundaries (a 'districts' or 'cities' layer) to find their city.",
                    "Name the field that holds the city (candidates.city_field), add the "
                    "boundaries (the bundled layers or your own 'districts' layer), or rank "
                    "without a city.")
            raise _no_city(city, cities)
        sites = sites.subset(keep) if isinstance(sites, GridCells) else \
            sites[keep].reset_index(drop=True)
        xy = None if xy is None else xy[keep]
    return sites, xy


def _site_context(sites: GridCells | gpd.GeoDataFrame, xy: np.ndarray | None, store: LayerStore,
                  sc: Scenario, check: Callable[[], None]) -> SiteContext:
    """The run's SiteContext; generated cells get their polygons built on another thread.

    Distance criteria only need the centroids (known in numpy for squares), so the GEOS
    polygons of a million cells are made while the distances are measured; the first
    criterion that needs a polygon waits for them.
    """
    if not isinstance(sites, GridCells):
        return SiteContext(sites, store, year=sc.planning_year, check=check, xy=xy)
    from concurrent.futures import ThreadPoolExecutor

    pool = ThreadPoolExecutor(1, thread_name_prefix="hljgis-cells")
    polygons = pool.submit(sites.polygons)
    pool.shutdown(wait=False)
    return SiteContext(sites.attrs, store, year=sc.planning_year, check=check,
                       geoms=polygons, xy=sites.centroids(), grid=sites)


def _reproject_here(sc: Scenario, store: LayerStore) -> None:
    """Reproject the scenario's vector layers on the caller's thread, as a serial run did:
    pyproj's transformers (cached by the libraries) then belong to a thread that outlives
    the run, not to a stage thread. A layer that cannot be had is left for its stage to
    refuse, in the serial order."""
    refs: list[Criterion | Constraint] = [*sc.criteria, *sc.constraints]
    for ref in refs:
        if ref.layer is not None and ref.layer in store:
            with suppress(Exception):  # the stage raises it in its turn
                store.vector(ref.layer)


def _measure(crit, ctx: SiteContext, column: np.ndarray) -> np.ndarray:
    """One criterion's raw values; its normalised scores written to ``column``. A site
    without geometry (NULL or empty in the candidates' file) has no value: NaN, which
    the scenario's ``nan_policy`` handles (by default it excludes the site)."""
    raw = compute_criterion(crit, ctx)
    blank = ctx.blank
    if blank is not None:
        raw = np.array(raw, dtype=float)
        raw[blank] = np.nan
    column[:] = np.asarray(crit.transform.apply(raw), dtype=float)
    return raw


def _city_match(col: pd.Series, city: str) -> np.ndarray:
    return (col.astype(str).str.lower() == city.lower()).to_numpy()


def _no_city(city: str, col: pd.Series) -> InputError:
    names = sorted(set(col.dropna().astype(str)))
    return InputError(f"no candidate site lies in city '{city}'.",
                      f"Cities in the data: {', '.join(names) or 'none'}.")


# ----------------------------------------------------------------------------------- run


@batch_memory()
def run_scenario(
    source: Any,
    scenario: Scenario | Mapping | str,
    *,
    city: str | None = None,
    year: int | None = None,
    crs: Any = None,
    sensitivity: Mapping[str, Any] | None = None,
    progress: Progress | None = None,
    cancel: Callable[[], bool] | None = None,
) -> RankingResult:
    """Rank the candidate sites of a scenario.

    Parameters
    ----------
    source : Project or mapping
        A :class:`~hljgis.core.project.Project` (layers are reprojected once into
        ``project.metric_crs()``), or a mapping of layer name -> GeoDataFrame /
        RasterLayer / raster path, all in one projected CRS (mismatches are refused with a
        message naming both CRS).
    scenario : Scenario, dict or str
        A str is resolved by :func:`resolve_scenario`.
    city : str, optional
        Only sites in this city (case-insensitive).
    year : int, optional
        Planning year, overriding the scenario's.
    crs : CRS-like, optional
        Metric CRS to use instead of the project's.
    sensitivity : dict, optional
        Monte Carlo settings (``runs``, ``perturb``, ``top_k``, ``seed``), overriding the
        scenario's; ``{}`` uses defaults, None the scenario's (if any).
    progress : callable(fraction, message), optional
    cancel : callable() -> bool, optional
        Polled between stages and chunks; True stops the run with :class:`Cancelled`.

    Returns
    -------
    RankingResult

    Raises
    ------
    ScenarioError, InputError
        Bad scenario or data, naming the field or layer.
    InconsistentMatrixError
        AHP matrix with CR above the limit.
    Cancelled
        When ``cancel()`` returned True.
    """
    timings: dict[str, float] = {}
    report = progress or (lambda f, m: None)
    stop = cancel or (lambda: False)

    def check() -> None:
        if stop():
            raise Cancelled("ranking cancelled")

    clock = [time.perf_counter()]

    def stage(name: str) -> None:
        now = time.perf_counter()
        timings[name] = timings.get(name, 0.0) + now - clock[0]
        clock[0] = now

    sc = resolve_scenario(scenario, source)
    if year is not None:
        sc = sc.copy(planning_year=int(year))
    names = [c.name for c in sc.criteria]
    weights, weight_report = sc.resolve_weights()  # fail fast on an inconsistent matrix
    store = _store_for(source, CRS.from_user_input(crs) if crs is not None else None)
    stage("setup")

    check()
    report(0.0, "building candidate sites")
    with Stages(check, workers()) as stages:  # the cores, at most 4 (1: serial)
        ctx = _site_context(*_candidates(sc, store, city), store, sc, stages.check)
        n = ctx.n
        stage("candidates")

        # the criteria and the constraints measure side by side (numpy and GEOS release
        # the GIL); results, progress, cancel and errors come in the serial order
        _reproject_here(sc, store)
        norm = np.empty((n, len(names)), order="F")  # filled column by column
        stages.start([partial(_measure, crit, ctx, norm[:, j])
                      for j, crit in enumerate(sc.criteria)]
                     + [partial(evaluate_constraints, sc.constraints, ctx)])
        raw: dict[str, np.ndarray] = {}
        for j, crit in enumerate(sc.criteria):
            stages.check()
            report(0.1 + 0.6 * j / len(names), f"criterion {crit.title.en or crit.name}")
            raw[crit.name] = stages.result(j)
            stage(f"criterion:{crit.name}")

        stages.check()
        report(0.7, "checking constraints")
        outcome = stages.result(len(names))
        stage("constraints")

    check()
    report(0.8, "aggregating scores")
    s = score_sites(norm, weights, outcome, sc)
    stage("aggregate")

    mc_cols: dict[str, np.ndarray] = {}
    settings = sc.sensitivity if sensitivity is None else sensitivity
    if settings is not None:
        check()
        report(0.85, "Monte Carlo weight sensitivity")
        mc_cols = monte_carlo_columns(s.scores_in, weights, s.excluded | np.isnan(s.score),
                                      outcome, sc.aggregation, dict(settings))
        stage("sensitivity")

    check()
    report(0.95, "assembling results")
    gdf = _assemble(ctx, sc, raw, s, mc_cols)
    stage("results")
    report(1.0, f"ranked {int(np.isfinite(np.asarray(s.rank, dtype=float)).sum())} of {n} sites")
    return RankingResult(
        scenario=sc,
        gdf=gdf,
        weights=dict(zip(names, map(float, weights), strict=True)),
        weight_report=weight_report,
        timings=timings,
        city=city,
        inputs=RunInputs(sc, city, raw, outcome.violated,
                         cells=ctx.grid.lattice if ctx.grid is not None else None),
    )


def monte_carlo_columns(scores: np.ndarray | list[np.ndarray], weights: np.ndarray,
                        excluded: np.ndarray, outcome,
                        aggregation: str, settings: dict) -> dict[str, np.ndarray]:
    """Rank range and p_top_k under perturbed weights, penalties included."""
    has_penalty = any(c.mode == "penalty" for c in outcome.constraints)
    clean = np.where(np.isnan(scores), 0.0, scores)
    method: Callable[[np.ndarray, np.ndarray], np.ndarray] | str
    if aggregation == "topsis":
        def method(s: np.ndarray, w: np.ndarray) -> np.ndarray:
            return apply_penalties(topsis(s, w, True), outcome)
    elif has_penalty:
        def method(s: np.ndarray, w: np.ndarray) -> np.ndarray:
            return apply_penalties(weighted_sum(s, w), outcome)
    else:
        method = "wlc"
    top_k = int(settings.get("top_k", 10))
    mc = monte_carlo_weights(
        clean, weights,
        perturb=float(settings.get("perturb", 0.2)),
        runs=int(settings.get("runs", 200)),
        seed=settings.get("seed", 0),
        top_k=top_k,
        excluded=excluded,
        method=method,
    )
    return {
        "rank_min": mc.min_rank,
        "rank_max": mc.max_rank,
        "rank_median": mc.median_rank,
        f"p_top_{top_k}": mc.p_top_k,
    }




def _own_names(sites: pd.DataFrame, sc: Scenario, *, grid: bool) -> tuple[pd.Series, pd.Series]:
    """Each site's own name in English and Chinese: its name field, else its id."""
    ids = pd.Series(sites["site_id"].array).astype(str)
    if grid:
        return "Cell " + ids, "网格 " + ids

    def field(col: str | None) -> pd.Series | None:
        if col is None or col not in sites.columns:
            return None
        text = pd.Series(sites[col].array).fillna("").astype(str)
        return text.where(text != "", None)

    name_field = sc.candidates.name_field
    own = field(name_field) if name_field else None  # the field was checked to exist
    if own is not None:
        own = own.fillna(ids)
        return own, own
    en, zh = field("name"), field("name_zh")
    en_first = en if en is not None else zh
    zh_first = zh if zh is not None else en
    if en_first is None or zh_first is None:
        return ids, ids
    return en_first.fillna(zh_first).fillna(ids), zh_first.fillna(en_first).fillna(ids)


def _assemble(ctx: SiteContext, sc, raw, s, mc_cols) -> gpd.GeoDataFrame:
    """Build the results frame: identity, score and rank first, then per-criterion columns."""
    sites = ctx.sites
    # ``.array`` keeps the columns' own arrays (no round trip of a million strings through
    # Python objects and back to the string dtype)
    ids: dict[str, Any] = {"site_id": sites["site_id"].array}
    own, own_zh = _own_names(sites, sc, grid=ctx.grid is not None)
    ids["site_name"], ids["site_name_zh"] = (
        n.array for n in site_names(own, own_zh, sites["district"], sites["district_zh"]))
    for extra in ("name", "name_zh"):
        if extra in sites.columns:
            ids[extra] = sites[extra].array
    for extra in ("city", "district", "district_zh", "site_type"):
        ids[extra] = sites[extra].array
    cols = result_columns(ids, sc, raw, s, mc_cols)
    # the candidates' own fields, in their own types (a clash with a result column is
    # renamed <field>_input, also one in case only: a Shapefile's RANK is rank to SQLite,
    # so to a GeoPackage): a planner's parcel ids and attributes travel with the scores
    taken = {"site_id", "site_type", "city", "district", "district_zh", "name", "name_zh",
             getattr(sites, "_geometry_column_name", None)}
    results = {str(c).lower() for c in cols} | {"geometry"}
    for col in sites.columns:
        if col not in taken:
            cols[col if str(col).lower() not in results else f"{col}_input"] = \
                sites[col].array
    cols["geometry"] = gpd.array.from_shapely(ctx.geoms, crs=ctx.store.crs)
    return frame_of(cols)
