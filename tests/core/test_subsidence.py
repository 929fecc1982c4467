"""The one subsidence status rule: the functions, the default style and a loaded project."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
import shapely

from hljgis.core.layer import VectorLayer
from hljgis.core.project import Project
from hljgis.core.style import default_style, symbol_classes
from hljgis.core.subsidence import (
    apply_planning_year,
    restyle,
    status_classes,
    subsidence_status,
)
from hljgis.io.project_file import load_project, save_project

BUNDLE = Path(__file__).resolve().parents[2] / "layers" / "east-heilongjiang.hljgis.gpkg"


def test_the_year_of_stable_from_year_counts_as_stable():
    end = np.array([2010, 2021, 2022, 2025, 2026, 2030])
    got = subsidence_status(end, end + 5, 2026)
    assert list(got) == ["stable", "stable", "settling", "settling", "mining", "mining"]
    # mining_end_year itself is still a mining year; the year after is settling
    assert list(subsidence_status([2026], [2031], 2027)) == ["settling"]
    assert list(subsidence_status([2026], [None], 2031)) == ["stable"]


def _zones(years):
    end = np.asarray(years)
    return gpd.GeoDataFrame(
        {"name": [f"z{y}" for y in years], "city": "Jixi", "mining_end_year": end,
         "stable_from_year": end + 5, "status": "stable"},
        geometry=[shapely.box(i, 0, i + 0.5, 0.5) for i in range(len(years))],
        crs="EPSG:4490")


@pytest.mark.parametrize("year", [2016, 2026, 2031, 2040])
def test_style_classes_agree_with_the_rule(year):
    z = _zones(range(2000, 2050))
    style = restyle(default_style("subsidence_zones"), year)
    layer = VectorLayer(z, name="subsidence_zones", schema="subsidence_zones", style=style)
    idx, _ = symbol_classes(layer.style["renderer"], z)
    order = [st for _, _, st in status_classes(year)]
    by_style = [order[i] for i in idx]
    assert by_style == list(subsidence_status(z["mining_end_year"], z["stable_from_year"],
                                              year))
    labels = [c["label"] for c in style["renderer"]["classes"]]
    assert all(str(year) in t for t in labels)


def test_apply_planning_year_sets_status_and_legend():
    p = Project()
    z = _zones([2010, 2024, 2030])
    p.add_layer(VectorLayer(z, name="subsidence_zones", schema="subsidence_zones",
                            style=default_style("subsidence_zones")))
    apply_planning_year(p, 2029)
    layer = p.layer("subsidence_zones")
    assert list(layer.gdf["status"]) == ["stable", "stable", "mining"]
    assert p.metadata["planning_year"] == 2029
    assert "2029" in layer.style["renderer"]["classes"][0]["label"]


def test_bundle_loads_with_status_for_its_planning_year(tmp_path):
    p = load_project(BUNDLE)
    z = p.layer("subsidence_zones").gdf
    year = p.metadata["planning_year"]
    assert list(z["status"]) == list(subsidence_status(z["mining_end_year"],
                                                       z["stable_from_year"], year))
    apply_planning_year(p, 2040)
    out = save_project(p, tmp_path / "p.hljgis.gpkg")
    again = load_project(out)
    assert set(again.layer("subsidence_zones").gdf["status"]) == {"stable"}
    labels = [c["label"] for c in again.layer("subsidence_zones").style["renderer"]["classes"]]
    assert labels[0] == "Stable by 2040"


@pytest.mark.parametrize("year", [2015, 2020, 2026, 2035])
def test_ranking_filters_are_the_same_rule(year):
    """The presets' constraints select exactly the zones the rule calls mining / not stable."""
    from hljgis.analysis import preset
    from hljgis.analysis.candidates import filter_mask
    from hljgis.core.subsidence import MINING_WHERE, UNSTABLE_WHERE

    z = _zones(range(2000, 2045))
    status = subsidence_status(z["mining_end_year"], z["stable_from_year"], year)
    assert list(filter_mask(z, list(MINING_WHERE), year=year)) == list(status == "mining")
    assert list(filter_mask(z, list(UNSTABLE_WHERE), year=year)) == list(status != "stable")
    from hljgis.analysis import preset_names

    wheres = {c.name: c.where for name in preset_names() for c in preset(name).constraints
              if c.layer == "subsidence_zones" and c.where}
    assert list(filter_mask(z, wheres["active_mining"], year=year)) == list(status == "mining")
    assert list(filter_mask(z, wheres["settling_ground"], year=year)) == \
        list(status != "stable")


def test_bundled_scenarios_plan_for_the_projects_year():
    p = load_project(BUNDLE)
    assert {s["planning_year"] for s in p.scenarios.values()} == {p.metadata["planning_year"]}
