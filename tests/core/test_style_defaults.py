"""Default styles read from resources/styles/ are the dicts the code built before the split."""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace

import pandas as pd
import pytest

from hljgis.core import style as S
from hljgis.core.style import defaults

#: Written from core/style.py at c647562, when the default styles were still code.
SNAPSHOT = json.loads((Path(__file__).parent / "data" / "default_styles_before_split.json")
                      .read_text(encoding="utf-8"))


def _layer(schema, geom, columns):
    gdf = None if columns is None else pd.DataFrame({c: [] for c in columns})
    return SimpleNamespace(kind="vector", schema=schema, geometry_type=geom, gdf=gdf)


def test_every_bundled_schema_has_a_file_and_nothing_else():
    assert sorted(defaults.bundled_styles()) == sorted(SNAPSHOT["schemas"])
    assert sorted(p.stem for p in defaults.styles_dir().glob("*.json")) == sorted(
        SNAPSHOT["schemas"])


@pytest.mark.parametrize("schema", sorted(SNAPSHOT["schemas"]))
def test_loaded_style_equals_the_one_built_in_code(schema):
    assert S.default_style(schema) == SNAPSHOT["schemas"][schema]


@pytest.mark.parametrize("schema", sorted(SNAPSHOT["without_fields"]))
def test_layer_lacking_the_field_falls_back_as_before(schema):
    assert S.default_style(_layer(schema, "Point", ["x"])) == SNAPSHOT["without_fields"][schema]


def test_aliases_fallbacks_raster_and_industry_colours_as_before():
    for alias, style in SNAPSHOT["aliases"].items():
        assert S.default_style(alias) == style
    for geom, style in SNAPSHOT["fallback"].items():
        assert S.default_style(_layer(None, None if geom == "None" else geom, None)) == style
    assert S.default_style(SimpleNamespace(kind="raster")) == SNAPSHOT["raster"]
    assert SNAPSHOT["industry_colors"] == S.INDUSTRY_COLORS


def test_each_call_is_a_fresh_copy():
    a = S.default_style("towns")
    a["renderer"]["categories"][0]["symbol"]["fill"] = "#000000"
    assert S.default_style("towns") == SNAPSHOT["schemas"]["towns"]


def test_a_broken_file_is_named_in_the_error(tmp_path):
    bad = tmp_path / "parks.json"
    bad.write_text('{"renderer": {"kind": "single", "symbol": {"type": "fill", '
                   '"fill": "green"}}}', encoding="utf-8")
    with pytest.raises(ValueError, match=r"parks\.json.*not a colour"):
        defaults.load_style_file(bad)
    bad.write_text("{not json", encoding="utf-8")
    with pytest.raises(ValueError, match=r"parks\.json"):
        defaults.load_style_file(bad)


def test_short_form_is_filled_in(tmp_path):
    path = tmp_path / "pts.json"
    path.write_text(json.dumps({"renderer": {"kind": "categorized", "field": "k", "categories": [
        {"value": "a", "label": "A", "symbol": {"type": "marker", "fill": "#ff0000"}}]}}),
        encoding="utf-8")
    style = defaults.load_style_file(path)
    r = style["renderer"]
    assert r["symbol"] == r["categories"][0]["symbol"] == S.make_symbol("marker", fill="#ff0000")
    assert style["labels"] == S.Labels().to_dict() and style["version"] == S.STYLE_VERSION
