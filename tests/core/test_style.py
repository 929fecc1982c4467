"""The style model: lossless dicts, classification, class assignment, defaults, legends."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from hljgis.core import style as S

BUNDLED = ("province", "country", "prefectures", "cities", "districts", "rivers", "towns",
           "subsidence_zones", "shanty_sites", "hsr_lines", "hsr_stations", "expressways",
           "airports", "border_crossings", "industrial_parks", "pillar_industries")


@pytest.mark.parametrize("schema", BUNDLED)
def test_default_styles_round_trip_and_are_json(schema):
    d = S.default_style(schema)
    assert S.Style.from_dict(d).to_dict() == d
    assert json.loads(json.dumps(d)) == d


def test_round_trip_of_every_renderer_kind():
    sym = S.make_symbol("marker", marker="star", size_mm=3.5, fill="#11223344",
                        dash=[2.0, 1.0], layers=[S.make_symbol("marker", marker="cross")])
    styles = [
        {"version": 1, "renderer": {"kind": "single", "symbol": sym},
         "labels": S.Labels(enabled=True, field="name_zh", field2="name", bold=True,
                            priority_field="population").to_dict()},
        {"version": 1, "renderer": S.categorized_renderer(["b", "a", "b"], "k"),
         "labels": S.Labels().to_dict()},
        {"version": 1, "renderer": S.graduated_renderer(np.arange(10.0), "v",
                                                        "natural_breaks", 3, "Blues"),
         "labels": S.Labels().to_dict()},
        S.default_style("subsidence_zones"),
    ]
    for d in styles:
        d = S.Style.from_dict(d).to_dict()
        assert S.Style.from_dict(json.loads(json.dumps(d))).to_dict() == d


def test_empty_style_is_single_default():
    assert S.Style.from_dict({}).renderer.kind == "single"


def test_bad_values_are_refused_with_the_choices():
    with pytest.raises(ValueError, match="marker must be one of"):
        S.make_symbol("marker", marker="heart")
    with pytest.raises(ValueError, match="not a colour"):
        S.make_symbol("fill", fill="red")
    with pytest.raises(ValueError, match="newer"):
        S.Style.from_dict({"version": 99})
    with pytest.raises(ValueError, match="unknown label settings"):
        S.Labels.from_dict({"font": "x"})


def test_classify_known_breaks():
    v = np.arange(1, 101, dtype=float)
    assert S.classify(v, "equal_interval", 4) == [25.75, 50.5, 75.25, 100.0]
    assert S.classify(v, "quantiles", 4) == [25.75, 50.5, 75.25, 100.0]
    clusters = [1, 2, 3, 10, 11, 12, 50, 51, 52]
    assert S.classify(clusters, "natural_breaks", 3) == [3.0, 12.0, 52.0]
    assert S.classify([np.nan, 1, 2], "quantiles", 5) == [1.0, 2.0]  # fewer distinct values


def test_natural_breaks_on_large_data_is_quick_and_sane():
    import time

    rng = np.random.default_rng(1)
    v = np.concatenate([rng.normal(0, 1, 50_000), rng.normal(20, 1, 50_000)])
    t = time.perf_counter()
    b = S.classify(v, "natural_breaks", 2)
    assert time.perf_counter() - t < 5
    assert 2 < b[0] < 18 and b[1] == pytest.approx(v.max())


def test_graduated_classes_assign_features():
    r = S.graduated_renderer([0, 10, 20, 30, 40], "v", "equal_interval", 4, "YlOrRd")
    idx, syms = S.symbol_classes(r, pd.DataFrame({"v": [0, 10, 11, 40, np.nan, 99]}))
    assert idx.tolist() == [0, 0, 1, 3, -1, -1]
    assert len(syms) == 4 and syms[0]["fill"] == "#ffffcc" and syms[-1]["fill"] == "#800026"


def test_categorized_with_multi_values_and_other():
    d = S.default_style("border_crossings")["renderer"]
    idx, syms = S.symbol_classes(d, pd.DataFrame({"mode": ["rail", "road;rail", "yak", None]}))
    codes = [c["value"] for c in d["categories"]]
    assert idx[0] == codes.index("rail") and idx[1] == codes.index("road")
    assert idx[2] == idx[3] == len(codes)  # "other"
    assert syms[idx[2]]["fill"] == d["other"]["symbol"]["fill"]


def test_subsidence_stability_relative_to_planning_year():
    r = S.default_style("subsidence_zones")["renderer"]
    assert r["field"] == "stable_from_year"
    idx, _ = S.symbol_classes(r, pd.DataFrame({"stable_from_year": [2013, 2026, 2027, 2035]}))
    assert idx.tolist() == [0, 0, 1, 2]
    labels = [lab for lab, _ in S.legend_entries(S.default_style("subsidence_zones"))]
    assert labels[1] == f"Still settling in {S.PLANNING_YEAR}"
    settling = r["classes"][1]["symbol"]
    assert settling["hatch"] and S.hex_to_rgba(settling["fill"])[0] > 200  # red, hatched


def test_hsr_status_dashes():
    cats = {c["value"]: c["symbol"] for c in S.default_style("hsr_lines")["renderer"][
        "categories"]}
    assert cats["opened"]["layers"][0]["dash"] == "solid"
    assert cats["under_construction"]["dash"] == "dash"
    assert cats["planned"]["dash"] == "dot"


def test_default_style_matches_schema_fields():
    from hljgis.core.schemas import SCHEMAS

    for name in BUNDLED:
        d = S.default_style(name)
        fields = {f.name for f in SCHEMAS[name].fields}
        if d["renderer"].get("field"):
            assert d["renderer"]["field"] in fields, name
        lab = d["labels"]
        if lab["enabled"]:
            assert lab["field"] in fields, name


def test_default_style_for_layer_without_the_field_falls_back():
    import geopandas as gpd
    from shapely.geometry import Point

    from hljgis.core.layer import VectorLayer

    layer = VectorLayer(gpd.GeoDataFrame({"x": [1]}, geometry=[Point(0, 0)], crs=4490), "p",
                        schema="hsr_stations")
    d = S.default_style(layer)
    assert d["renderer"]["kind"] == "single" and not d["labels"]["enabled"]
    plain = VectorLayer(gpd.GeoDataFrame(geometry=[Point(0, 0)], crs=4490), "q")
    assert S.default_style(plain)["renderer"]["symbol"]["type"] == "marker"
    assert S.default_style("city_boundaries") == S.default_style("cities")


def test_legend_entries_languages():
    en = S.legend_entries(S.default_style("shanty_sites"))
    zh = S.legend_entries(S.default_style("shanty_sites"), lang="zh_CN")
    assert [e[0] for e in en] == ["Cleared", "Under redevelopment", "Planned"]
    assert zh[0][0] == "已完成改造"
    assert all(sym["type"] == "fill" for _, sym in en)


def test_ramps():
    assert S.ramp_colors("Blues", 2) == ["#f7fbff", "#08306b"]
    assert len(S.ramp_colors("Set2", 10)) == 10
    assert S.ramp_lut("terrain").shape == (256, 4)
    with pytest.raises(ValueError, match="unknown colour ramp"):
        S.ramp_colors("Nope", 3)


def test_style_module_has_no_qt():
    import subprocess
    import sys

    code = ("import sys, hljgis.core.style; "
            "sys.exit(any(m.startswith('PySide6') for m in sys.modules))")
    assert subprocess.run([sys.executable, "-c", code]).returncode == 0
