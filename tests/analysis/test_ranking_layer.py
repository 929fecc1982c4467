"""The one builder of a ranking's map layer (analysis/ranking_layer.py), without Qt."""

from __future__ import annotations

import numpy as np
import pytest

from hljgis.analysis import run_scenario
from hljgis.analysis.ranking_layer import (
    LABEL_COLUMNS,
    MAP_FIELDS,
    labelled_frame,
    ranking_labels,
    ranking_layer,
    top_labels,
)
from hljgis.analysis.ranking_vocab import RANK_BREAKS, ranking_style
from hljgis.analysis.run import RESULT_OPACITY
from hljgis.core.text import Text
from tests.analysis.test_presets import synthetic_project


@pytest.fixture(scope="module")
def result():
    return run_scenario(synthetic_project(), "sme-space", city="Jixi",
                        sensitivity={"runs": 20, "seed": 0})


def test_layer_is_new_and_leaves_the_result_as_it_ran(result):
    columns = list(result.gdf.columns)
    layer = ranking_layer(result, label_top=3)
    assert list(result.gdf.columns) == columns  # no label columns written into the result
    assert layer.gdf is not result.gdf
    assert list(layer.gdf.columns) == [*columns, *LABEL_COLUMNS]
    assert layer.opacity == RESULT_OPACITY
    assert layer.name == result.layer().name and layer.title == result.layer().title
    assert layer.geometry_source is not None  # the project file can still store the grid


def test_best_sites_labelled_and_style_graduated_with_labels(result):
    layer = ranking_layer(result, label_top=3)
    g = layer.gdf
    labelled = g[g["label"] != ""]
    assert len(labelled) == 3
    assert sorted(labelled["label"]) == sorted(f"#{int(r)}" for r in labelled["rank"])
    assert (labelled["label_priority"] > 0).all() and (g.loc[g["label"] == "",
                                                            "label_priority"] == 0).all()
    style = layer.style
    assert style["version"] == 1
    assert style["renderer"] == ranking_style()["renderer"]
    assert [c["lower"] for c in style["renderer"]["classes"]] == list(RANK_BREAKS[:-1])
    assert style["labels"] == ranking_labels(3)
    assert style["labels"]["enabled"] and style["labels"]["field"] == "label"
    assert style["labels"]["priority_field"] == "label_priority"


def test_no_labels_when_none_asked(result):
    layer = ranking_layer(result, label_top=0)
    assert not layer.style["labels"]["enabled"]
    assert (layer.gdf["label"] == "").all()


def test_ranked_only_with_map_fields(result):
    layer = ranking_layer(result, label_top=0, ranked_only=True, fields=MAP_FIELDS,
                          name="ranking", title=Text("Ranked", "排序"), opacity=1.0)
    g = layer.gdf
    assert g["rank"].notna().all() and g["rank"].is_monotonic_increasing
    assert len(g) == int(result.gdf["rank"].notna().sum())
    kept = [f for f in MAP_FIELDS if f in result.gdf.columns]
    assert list(g.columns) == [*kept, "geometry", *LABEL_COLUMNS]
    assert (layer.name, layer.title, layer.title_zh, layer.opacity) == (
        "ranking", "Ranked", "排序", 1.0)
    assert layer.geometry_source is None and layer.column_recipes == {}


def test_labelled_frame_shares_the_columns():
    import geopandas as gpd
    from shapely.geometry import Point

    gdf = gpd.GeoDataFrame({"rank": [2.0, 1.0, np.nan]},
                           geometry=[Point(0, 0), Point(1, 1), Point(2, 2)], crs="EPSG:4547")
    out = labelled_frame(gdf, 1)
    assert "label" not in gdf.columns
    assert list(out["label"]) == ["", "#1", ""]
    assert np.shares_memory(out["rank"].to_numpy(), gdf["rank"].to_numpy())


def test_top_labels_ties_best_first():
    label, priority = top_labels(np.array([1.0, 1.0, 3.0, np.nan]), 1)
    assert list(label) == ["#1", "", "", ""]
    assert list(priority) == [1.0, 0.0, 0.0, 0.0]
