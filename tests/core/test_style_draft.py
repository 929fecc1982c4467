"""The style being edited (Qt-free): each edit on the typed model, events, the dict it hands on."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
import shapely

from hljgis.core.layer import VectorLayer
from hljgis.core.style import Style, StyleDraft, default_style, ramp_colors


@pytest.fixture
def layer():
    n = 40
    rng = np.random.default_rng(3)
    gdf = gpd.GeoDataFrame(
        {"name_zh": [f"地块{i}" for i in range(n)],
         "status": rng.choice(["cleared", "planned", "under_redevelopment"], n),
         "area_ha": np.arange(n, dtype=float)},
        geometry=shapely.box(np.arange(n), 0, np.arange(n) + 0.9, 1), crs="EPSG:4490")
    return VectorLayer(gdf, "shanty_sites", schema="shanty_sites",
                       style=default_style("shanty_sites"))


def test_untouched_draft_gives_back_the_stored_style_and_leaves_the_layer(layer):
    draft = StyleDraft(layer)
    assert draft.to_dict() == layer.style
    draft.set_opacity(0.3)
    draft.set_class_color(0, "#123456")
    assert layer.opacity == 1.0
    assert layer.style["renderer"]["categories"][0]["symbol"]["fill"] != "#123456"


def test_kinds_are_remembered_and_each_edit_is_announced(layer):
    draft = StyleDraft(layer)
    seen = []
    draft.events.changed.connect(seen.append)
    draft.set_kind("graduated", ramp="Blues")
    r = draft.renderer
    assert (r.kind, r.field, r.ramp, len(r.classes)) == ("graduated", "area_ha", "Blues", 5)
    assert [c.symbol["fill"] for c in r.classes] == ramp_colors("Blues", 5)
    draft.set_kind("categorized")
    assert draft.renderer.field == "status" and len(draft.renderer.categories) == 3
    draft.set_kind("graduated")
    assert draft.renderer is r
    assert seen == ["renderer"] * 3
    Style.from_dict(draft.to_dict())


def test_shared_symbol_reaches_every_class_but_not_their_colours(layer):
    draft = StyleDraft(layer)
    colours = [c.symbol["fill"] for c in draft.renderer.categories]
    draft.set_symbol_value("stroke_width_mm", 1.2)
    draft.set_symbol_value("hatch", "cross")
    for c, colour in zip(draft.renderer.categories, colours, strict=True):
        assert (c.symbol["stroke_width_mm"], c.symbol["hatch"], c.symbol["fill"]) == (
            1.2, "cross", colour)
        assert c.symbol["hatch_color"] == draft.renderer.symbol["hatch_color"]
    with pytest.raises(ValueError, match="dash must be"):
        draft.set_symbol_value("dash", "wavy")
    assert draft.renderer.symbol["dash"] == "solid"


def test_categories_other_and_labels(layer):
    draft = StyleDraft(layer)
    draft.categorize("status", "Dark2")
    assert [c.symbol["fill"] for c in draft.renderer.categories] == ramp_colors("Dark2", 3)
    assert draft.renderer.other is None  # none before: none after reclassifying
    draft.set_other(True)
    assert draft.renderer.other["symbol"]["fill"] == "#bdbdbd"
    draft.set_other_color("#ff00ff")
    draft.delete_categories([0])
    assert [c.value for c in draft.renderer.categories] == ["planned", "under_redevelopment"]
    draft.set_class_label(1, "改造中", zh=True)
    d = draft.to_dict()["renderer"]
    assert d["other"]["symbol"]["fill"] == "#ff00ff"
    assert d["categories"][1]["label_zh"] == "改造中"
    counts = draft.category_counts()
    assert sum(counts.values()) == len(layer.gdf)


def test_graduate_and_counts(layer):
    draft = StyleDraft(layer)
    draft.set_kind("graduated")
    draft.graduate("area_ha", "equal_interval", 4, "Greens")
    assert [c.upper for c in draft.renderer.classes] == pytest.approx([9.75, 19.5, 29.25, 39])
    assert draft.class_counts() == [10, 10, 10, 10] and draft.missing_count() == 0
    draft.set_ramp("Reds")
    assert draft.to_dict()["renderer"]["ramp"] == "Reds"
    with pytest.raises(ValueError, match="no field"):
        draft.graduate("nope")


def test_labels_pick_a_name_field_when_switched_on(layer):
    draft = StyleDraft(layer)
    draft.set_label("field", None)
    draft.set_label("enabled", True)
    assert draft.labels.field == "name_zh"
    with pytest.raises(KeyError):
        draft.set_label("font", "x")
    with pytest.raises(ValueError):
        draft.set_opacity(1.5)
