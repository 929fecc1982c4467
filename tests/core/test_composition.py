"""The composer's Qt-free state: extent choices resolve to boxes, edits announce themselves,
and layout templates are stored and removed undoably through the session."""

from __future__ import annotations

import geopandas as gpd
import pytest
from shapely.geometry import box

from hljgis.core.composition import (
    Composition,
    choice_city,
    city_choices,
    district_choices,
    resolve_extent,
    sites_choices,
)
from hljgis.core.errors import InputError
from hljgis.core.layer import VectorLayer
from hljgis.core.project import Project
from hljgis.core.session import Session


@pytest.fixture
def project():
    p = Project("t")
    p.set_bookmark("jixi", {"bounds": [130.4, 44.9, 133.9, 46.6], "crs": "EPSG:4490",
                            "title": "Jixi", "title_zh": "鸡西市"})
    districts = gpd.GeoDataFrame(
        {"code": ["230302", "230902"], "name": ["Jiguan", "Xinxing"],
         "name_zh": ["鸡冠区", "新兴区"], "city": ["Jixi", "Qitaihe"]},
        geometry=[box(130.8, 45.2, 131.1, 45.4), box(130.8, 45.7, 131.0, 45.9)], crs=4490)
    p.add_layer(VectorLayer(districts, "districts", theme="boundaries"))
    sites = gpd.GeoDataFrame({"score": [1.0]}, geometry=[box(131.0, 45.3, 131.01, 45.31)],
                             crs=4490)
    p.add_layer(VectorLayer(sites, "rank_a", theme="analysis"))
    return p


def test_choices_list_cities_districts_and_rankings(project):
    assert city_choices(project) == [("jixi", "Jixi", "鸡西市")]
    assert [d[0] for d in district_choices(project)] == ["230302", "230902"]
    assert [s[0] for s in sites_choices(project)] == ["rank_a"]


def test_extents_resolve_padded_and_sites_at_least_20_km(project):
    x0, y0, x1, y1 = resolve_extent(project, {"kind": "city", "key": "jixi"})
    assert x0 < 130.4 and x1 > 133.9 and y0 < 44.9 and y1 > 46.6
    assert (x1 - x0) == pytest.approx(3.5 * 1.08)
    d = resolve_extent(project, {"kind": "district", "key": "230302"})
    assert d[0] < 130.8 < 131.1 < d[2] and d[2] - d[0] == pytest.approx(0.3 * 1.08)
    s = resolve_extent(project, {"kind": "sites", "key": "rank_a"})
    assert s[0] < 131.0 and s[2] > 131.01
    # 20 km wide at 45.3 N is about 0.255 degrees of longitude
    assert s[2] - s[0] == pytest.approx(0.255, abs=0.01)
    assert resolve_extent(project, {"kind": "custom", "bbox": [1, 2, 3, 4]}) == (1, 2, 3, 4)
    assert resolve_extent(project, None) is None
    assert choice_city(project, {"kind": "district", "key": "230902"}) == "qitaihe"
    with pytest.raises(InputError, match="no ranking layer 'gone'"):
        resolve_extent(project, {"kind": "sites", "key": "gone"})
    with pytest.raises(InputError, match="no district"):
        resolve_extent(project, {"kind": "district", "key": "999"})


def test_composition_announces_only_real_changes():
    comp = Composition({"title": "a"})
    seen = []
    comp.events.changed.connect(seen.append)
    comp.set("title", "a")
    comp.set("title", "b")
    comp.set_legend(["x", "y"], ["y"])
    comp.set_legend(["x", "y"], ["y"])
    comp.set_extent("city", "jixi")
    assert seen == ["title", "legend", "extent_choice"]
    assert comp.to_layout_dict()["legend"] == {"order": ["x", "y"], "exclude": ["y"],
                                               "layers": None}
    with pytest.raises(InputError):
        comp.set_extent("view")  # a view needs its box


def test_store_and_remove_layout_are_undoable(project):
    session = Session(project)
    session.store_layout("a", {"title": "one"})
    session.store_layout("a", {"title": "two"})
    assert project.layouts["a"] == {"title": "two"}
    session.undo()
    assert project.layouts["a"] == {"title": "one"}
    session.undo()
    assert "a" not in project.layouts
    session.redo()
    session.remove_layout("a")
    assert "a" not in project.layouts
    assert session.undo_stack.undo_text == "Remove layout a"
    session.undo()
    assert project.layouts["a"] == {"title": "one"}
