"""Rankings on an exported page: opacity, one legend block each, pre-flight warnings."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
import shapely

from hljgis.core.layer import VectorLayer
from hljgis.core.project import Project
from hljgis.core.text import Text

CRS = "EPSG:4553"  # CGCS2000 / 3-degree Gauss-Kruger CM 132E
X0, Y0 = 500_000.0, 5_100_000.0


def ranking(name, dx=0.0, n=12, labelled=10, opacity=1.0):
    """A ranking layer as the ranking dock makes it: cells graduated by score, top labelled."""
    from hljgis.analysis.ranking_vocab import ranking_style

    xs, ys = np.meshgrid(np.arange(n) * 1000.0, np.arange(n) * 1000.0)
    cells = shapely.box(X0 + dx + xs.ravel(), Y0 + ys.ravel(), X0 + dx + xs.ravel() + 1000,
                        Y0 + ys.ravel() + 1000)
    score = np.linspace(1.0, 0.0, cells.size)
    rank = np.arange(1, cells.size + 1)
    gdf = gpd.GeoDataFrame({"site_id": rank, "score": score, "rank": rank,
                            "label": np.where(rank <= labelled, np.char.add("#", rank.astype(str)),
                                              ""),
                            "label_priority": np.maximum(labelled + 1 - rank, 0)},
                           geometry=cells, crs=CRS)
    style = ranking_style()
    style["labels"] = {"enabled": True, "field": "label", "priority_field": "label_priority",
                       "bold": True, "size_pt": 9.0, "priority": 8, "callout": True}
    return VectorLayer(gdf, name, title=f"Ranking: {name}", title_zh=f"选址排序：{name}",
                       theme="analysis", style=style, opacity=opacity)


def page_of(*layers, extent=None):
    from hljgis.export.layout import resolve_layout
    from hljgis.export.page import page_for

    project = Project(crs=CRS)
    for layer in layers:
        project.add_layer(layer)
    extent = extent or (X0 - 2000, Y0 - 2000, X0 + 16_000, Y0 + 14_000)
    return page_for(project, resolve_layout("dfr-annex-a4"), extent=extent)


def test_new_ranking_layers_are_see_through():
    from hljgis.analysis.run import RESULT_OPACITY, RankingResult

    assert 0.5 <= RESULT_OPACITY < 1.0
    result = RankingResult.__new__(RankingResult)  # only what .layer() reads
    result.gdf = ranking("x").gdf
    result.city = "Jixi"

    class Sc:
        name, title = "sme-space", Text("SME space", "中小企业")
        planning_year = 2026
        criteria = ()

        class candidates:  # noqa: N801 - stands for the scenario's candidate spec
            kind, layer = "cells", None
    result.scenario = Sc()
    result.inputs = None
    result.weight_report = {"method": "direct"}
    result.aggregation = "wlc"
    Sc.aggregation = "wlc"
    assert result.layer().opacity == RESULT_OPACITY


def test_opaque_ranking_over_another_is_reported(app):
    from hljgis.export.preflight_rankings import ranking_overlaps

    lower, upper = ranking("sme"), ranking("parks", dx=4000.0)
    warnings = ranking_overlaps([page_of(lower, upper)])
    assert len(warnings) == 1
    assert "'parks' is opaque and hides 'sme'" in warnings[0]
    upper.opacity = 0.75
    assert ranking_overlaps([page_of(lower, upper)]) == []
    upper.opacity = 1.0
    upper.visible = False
    assert ranking_overlaps([page_of(lower, upper)]) == []


def test_rankings_side_by_side_are_not_an_overlap(app):
    from hljgis.export.preflight_rankings import ranking_overlaps

    left, right = ranking("a", n=4), ranking("b", dx=4000.0, n=4)  # edges touch only
    assert ranking_overlaps([page_of(left, right)]) == []


def test_colliding_labels_of_two_rankings_are_reported(app):
    from hljgis.export.preflight_rankings import label_collisions

    alone = label_collisions([page_of(ranking("a", dx=0.0))])
    assert alone == []
    # the same top cells labelled twice, on a page zoomed out so numbers crowd
    far = (X0 - 400_000, Y0 - 300_000, X0 + 400_000, Y0 + 300_000)
    warnings = label_collisions([page_of(ranking("a"), ranking("b"), extent=far)])
    assert warnings and any("'b'" in w or "'a'" in w for w in warnings)
    assert "collide" in warnings[0]


def test_dropped_labels_skip_hidden_layers(app):
    from hljgis.render.label_check import dropped_labels

    a, b = ranking("a"), ranking("b")
    extent = (X0 - 2000, Y0 - 2000, X0 + 16_000, Y0 + 14_000)
    both = dropped_labels([a, b], extent, (800, 600), 96.0, CRS)
    assert set(both) == {"a", "b"}
    assert both["a"][0] == 10
    b.visible = False
    assert set(dropped_labels([a, b], extent, (800, 600), 96.0, CRS)) == {"a"}


def test_preflight_includes_the_ranking_checks(app, tmp_path):
    from hljgis.export.preflight import preflight

    page = page_of(ranking("sme"), ranking("parks", dx=4000.0))
    warnings = preflight(page.project, [page], tmp_path / "map.pdf", 150)
    assert any(w.startswith("rankings:") for w in warnings)


def test_each_ranking_gets_its_own_legend_block():
    from hljgis.export.legend import legend_rows

    rows = legend_rows([ranking("sme"), ranking("parks")], lang="en")
    titles = [r.text for r in rows if r.symbol is None]
    assert titles == ["Ranking: parks", "Ranking: sme"]
    assert not any("·" in r.text for r in rows)
    assert sum(r.text.startswith("score") for r in rows) == 10  # five classes each


def test_hidden_ranking_draws_no_labels(app):
    """A hidden ranking's numbers must not draw: render both, then with one hidden."""
    from PySide6.QtGui import QColor

    from hljgis.render.renderer import render_image

    a, b = ranking("a", dx=0.0), ranking("b", dx=30_000.0)
    for layer in (a, b):
        layer.style = {**layer.style, "labels": {**layer.style["labels"], "color": "#ff0000",
                                                 "halo_color": None}}
    extent = (X0 - 2000, Y0 - 2000, X0 + 44_000, Y0 + 14_000)

    def red_pixels_right_half(img):
        red = QColor("#ff0000").rgb()
        w, h = img.width(), img.height()
        return sum(img.pixel(x, y) == red for x in range(w // 2 + 40, w, 2) for y in range(0, h, 2))

    shown = render_image([a, b], extent, size=(600, 220), crs=CRS)
    assert red_pixels_right_half(shown) > 0
    b.visible = False
    hidden = render_image([a, b], extent, size=(600, 220), crs=CRS)
    assert red_pixels_right_half(hidden) == 0


@pytest.fixture
def app(qapp):
    from hljgis.render import ensure_fonts

    ensure_fonts()
    return qapp
