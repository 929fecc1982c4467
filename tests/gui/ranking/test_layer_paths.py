"""The dock, ``hljgis rank --out project``, the atlas and the web map draw a ranking with
one builder (analysis/ranking_layer.py): the same score classes, the same label fields and
label style, the same columns where they keep the same rows (issue #14)."""

from __future__ import annotations

import pytest

from hljgis.analysis import ranking_layer as builder
from hljgis.analysis import run_scenario
from hljgis.analysis.ranking_layer import LABEL_COLUMNS, MAP_FIELDS
from hljgis.analysis.ranking_vocab import ranking_renderer
from tests.analysis.test_presets import synthetic_project
from tests.gui.ranking_support import open_panel


@pytest.fixture
def panel(qtbot):
    yield from open_panel(qtbot)


def test_four_paths_build_equal_layers_from_one_result(panel, tmp_path, monkeypatch):
    from hljgis import cli_rank
    from hljgis.export.atlas import ranking_layers
    from hljgis.export.webmap import build_webmap

    project = panel.session.project
    result = run_scenario(project, "sme-space", city="Jixi")
    columns = list(result.gdf.columns)
    built: dict[str, object] = {}
    real = builder.ranking_layer

    def spy(path):
        def build(*args, **kw):
            built[path] = layer = real(*args, **kw)
            return layer
        monkeypatch.setattr(builder, "ranking_layer", build)

    spy("dock")
    panel.label_box.setValue(10)
    panel.show_result(result)
    assert project.layer(built["dock"].name) is built["dock"]  # what the map shows
    spy("cli")
    cli_rank._into_project(synthetic_project(), result, str(tmp_path / "r.hljgis.gpkg"))
    spy("atlas")
    cells = ranking_layers(result, "Map A.1", top_k=10)[0]
    assert cells is built["atlas"]
    spy("web")
    build_webmap(synthetic_project(), tmp_path / "m.html", result=result, embed_font=False)
    assert set(built) == {"dock", "cli", "atlas", "web"}

    renderer = ranking_renderer()
    labels = {path: dict(layer.style["labels"]) for path, layer in built.items()}
    for path, layer in built.items():
        assert layer.style["renderer"] == renderer, path
        assert set(LABEL_COLUMNS) <= set(layer.gdf.columns), path
        assert labels[path].pop("enabled") == (path in ("dock", "cli")), path
    assert all(v == labels["dock"] for v in labels.values())  # same fields, size, priority
    dock, cli, atlas, web = (built[p].gdf for p in ("dock", "cli", "atlas", "web"))
    # the project's layer (dock, CLI): every column of the result and the labels
    assert list(dock.columns) == list(cli.columns) == [*columns, *LABEL_COLUMNS]
    assert dock["label"].equals(cli["label"]) and (dock["label"] != "").sum() == 10
    # printed and web pages: the ranked sites with the map fields
    assert list(atlas.columns) == list(web.columns)
    assert [c for c in atlas.columns if c in MAP_FIELDS] == [
        f for f in MAP_FIELDS if f in columns]
    assert len(atlas) == len(web) == int(result.gdf["rank"].notna().sum())
    # none of them wrote into the result
    assert list(result.gdf.columns) == columns
