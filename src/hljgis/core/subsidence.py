"""The one rule for the state of a coal-mining subsidence zone at a planning year.

A zone is *mining* while the planning year is at or before ``mining_end_year``, *settling*
after that and *stable* from ``stable_from_year`` (= ``mining_end_year + 5``: the seed
statistics take subsidence to stop about five years after mining ends) — the year
``stable_from_year`` itself counts as stable. Nothing stores a status for a past year: the
map style, the legend, the attribute table, the ranking and the exports all ask this module
for the planning year the user chose (``project.metadata["planning_year"]``).
"""

from __future__ import annotations

import copy

import numpy as np
import pandas as pd

#: Years between the end of mining and stable ground (the seed's rule).
SETTLING_YEARS = 5
#: Planning year used when the project names none.
DEFAULT_PLANNING_YEAR = 2026
#: Schema of the layers the rule applies to.
SCHEMA = "subsidence_zones"
STATUSES = ("mining", "settling", "stable")


#: The rule as ranking filters (``$year`` = the scenario's planning year): a zone still mined,
#: and a zone not yet stable (mining or settling). Tests check they agree with the function.
MINING_WHERE = ({"field": "mining_end_year", "op": ">=", "value": "$year"},)
UNSTABLE_WHERE = ({"field": "stable_from_year", "op": ">", "value": "$year"},)


def subsidence_status(mining_end_year, stable_from_year, year: int) -> np.ndarray:
    """Status of each zone at ``year``: "mining", "settling" or "stable" (object array).

    ``stable_from_year`` may be missing; it is then ``mining_end_year + 5``. A zone with
    neither year gets None.
    """
    end = pd.to_numeric(pd.Series(mining_end_year), errors="coerce").to_numpy(dtype=float)
    stable = pd.to_numeric(pd.Series(stable_from_year), errors="coerce").to_numpy(dtype=float)
    stable = np.where(np.isfinite(stable), stable, end + SETTLING_YEARS)
    out = np.where(year >= stable, "stable",
                   np.where(year <= end, "mining", "settling")).astype(object)
    out[~np.isfinite(stable)] = None
    return out


def status_classes(year: int) -> list[tuple[float, float, str]]:
    """Graduated classes of ``stable_from_year`` that give the same answer as
    :func:`subsidence_status` at ``year``: (lower, upper, status), bounds on half years so a
    whole year never sits on a class edge."""
    y = float(year)
    return [(1900.0, y + 0.5, "stable"),
            (y + 0.5, y + SETTLING_YEARS - 0.5, "settling"),
            (y + SETTLING_YEARS - 0.5, 2100.0, "mining")]


def status_labels(year: int) -> dict[str, tuple[str, str]]:
    """Legend labels (English, Chinese) of each status at ``year``."""
    return {"stable": (f"Stable by {year}", f"{year}年已稳定"),
            "settling": (f"Still settling in {year}", f"{year}年仍在沉降"),
            "mining": (f"Still mined in {year}", f"{year}年仍在开采")}


def planning_year(project) -> int:
    """The project's planning year (metadata ``planning_year``), else the default."""
    meta = getattr(project, "metadata", None) or {}
    try:
        return int(meta.get("planning_year") or DEFAULT_PLANNING_YEAR)
    except (TypeError, ValueError):
        return DEFAULT_PLANNING_YEAR


def with_status(gdf: pd.DataFrame, year: int) -> pd.DataFrame:
    """A copy of a subsidence table whose ``status`` is the status at ``year``."""
    out = gdf.copy()
    out["status"] = subsidence_status(out["mining_end_year"], out.get("stable_from_year"),
                                      year)
    return out


def restyle(style: dict, year: int) -> dict:
    """``style`` with its ``stable_from_year`` classes and labels set for ``year``.

    Only a graduated renderer on ``stable_from_year`` with three classes is changed (the
    default style and copies of it); symbols are kept, so a planner's colours survive.
    """
    r = (style or {}).get("renderer") or {}
    if r.get("kind") != "graduated" or r.get("field") != "stable_from_year" \
            or len(r.get("classes") or ()) != 3:
        return style
    out = copy.deepcopy(style)
    labels = status_labels(year)
    for cls, (lo, hi, status) in zip(out["renderer"]["classes"], status_classes(year),
                                     strict=True):
        cls["lower"], cls["upper"] = lo, hi
        cls["label"], cls["label_zh"] = labels[status]
    return out


def apply_planning_year(project, year: int | None = None) -> int:
    """Bring every subsidence layer in line with a planning year: its ``status`` column and
    its style's classes. ``year`` None uses the project's (or the default) and leaves the
    metadata alone; a given year is stored as the project's planning year. Returns it."""
    if year is None:
        year = planning_year(project)
    else:
        year = int(year)
        project.metadata["planning_year"] = year
    for layer in getattr(project, "layers", ()):
        if getattr(layer, "schema", None) != SCHEMA or getattr(layer, "kind", "") != "vector":
            continue
        gdf = layer.gdf
        if "mining_end_year" in gdf.columns:
            gdf["status"] = subsidence_status(gdf["mining_end_year"],
                                              gdf.get("stable_from_year"), year)
        if layer.style:
            layer.style = restyle(layer.style, year)
    return year
