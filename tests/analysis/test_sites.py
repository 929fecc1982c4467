"""Sites' city and district by spatial join, and their display names in the results."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import box

from hljgis.analysis import run_scenario
from hljgis.analysis.criteria import LayerStore
from hljgis.analysis.sites import Boundaries, locate, site_names
from hljgis.core.errors import InputError
from tests.analysis.test_run import CRS, X0, Y0, tiny_layers, tiny_scenario


def districts() -> gpd.GeoDataFrame:
    """Two districts side by side (Taoshan west of x0+400, Boli east) and a city around."""
    return gpd.GeoDataFrame(
        {"name": ["Taoshan", "Boli"], "name_zh": ["桃山区", "勃利县"],
         "city": ["Qitaihe", "Qitaihe"], "kind": ["district", "county"]},
        geometry=[box(X0 - 1000, Y0 - 1000, X0 + 400, Y0 + 1000),
                  box(X0 + 400, Y0 - 1000, X0 + 2000, Y0 + 1000)], crs=CRS)


def cities() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame({"city": ["Qitaihe"]},
                            geometry=[box(X0 - 5000, Y0 - 5000, X0 + 5000, Y0 + 5000)], crs=CRS)


def _boundaries(**layers) -> Boundaries | None:
    return Boundaries.from_store(LayerStore(layers, CRS))


def test_locate_fills_city_and_district_keeps_own_city():
    b = _boundaries(districts=districts(), cities=cities())
    attrs = pd.DataFrame({"city": ["", "", "Jixi", "", None]})
    xy = np.array([[X0, Y0], [X0 + 900, Y0], [X0 + 900, Y0],
                   [X0 + 3000, Y0],  # inside the city, outside both districts
                   [X0 + 9000, Y0]])  # outside everything
    out = locate(attrs, xy, b)
    assert out["city"].tolist() == ["Qitaihe", "Qitaihe", "Jixi", "Qitaihe", ""]
    assert out["district"].tolist() == ["Taoshan District", "Boli County", "Boli County",
                                        "", ""]
    assert out["district_zh"].tolist() == ["桃山区", "勃利县", "勃利县", "", ""]


def test_own_district_field_shown_in_the_boundaries_form():
    b = _boundaries(districts=districts())
    attrs = pd.DataFrame({"city": ["Qitaihe"] * 3, "district": ["Boli", "新区", None]})
    out = locate(attrs, np.array([[X0, Y0]] * 3), b)
    # "Boli" names a boundary: its full form; an unknown name as given; none: the join
    assert out["district"].tolist() == ["Boli County", "新区", "Taoshan District"]
    assert out["district_zh"].tolist() == ["勃利县", "新区", "桃山区"]


def test_no_boundaries_gives_none():
    assert _boundaries(parks=districts().drop(columns="city")) is None


def test_site_names_forms():
    en, zh = site_names(pd.Series(["Parcel 17", "P2"]), pd.Series(["17号地块", "P2"]),
                        pd.Series(["Taoshan District", ""]), pd.Series(["桃山区", ""]))
    assert en.tolist() == ["Parcel 17, Taoshan District", "P2"]
    assert zh.tolist() == ["17号地块（桃山区）", "P2"]


def _sites_without_city() -> dict:
    layers = tiny_layers()
    sites = layers["sites"].drop(columns="city")
    sites["parcel_no"] = np.array([11, 12, 13, 14], dtype=np.int32)
    layers["sites"] = sites
    return layers


def test_run_joins_city_names_sites_and_keeps_own_fields():
    layers = {**_sites_without_city(), "districts": districts()}
    sc = tiny_scenario(candidates={"kind": "layer", "layer": "sites", "id_field": "parcel_no",
                                   "name_field": "name"})
    res = run_scenario(layers, sc, city="qitaihe")
    g = res.gdf
    assert g["city"].tolist() == ["Qitaihe"] * 4
    # centres at x0+50, 250 (Taoshan), 450, 650 (Boli)
    assert g["site_name"].tolist() == ["a, Taoshan District", "b, Taoshan District",
                                       "c, Boli County", "d, Boli County"]
    assert g["site_name_zh"].tolist()[2] == "c（勃利县）"
    assert g["site_id"].tolist() == ["11", "12", "13", "14"]
    assert g["parcel_no"].dtype == np.int32 and g["parcel_no"].tolist() == [11, 12, 13, 14]
    assert g["area_ha"].tolist() == [1.0] * 4


def test_own_field_named_like_a_result_column_is_renamed():
    layers = tiny_layers()
    layers["sites"]["score"] = ["x", "y", "z", "w"]
    g = run_scenario(layers, tiny_scenario()).gdf
    assert g["score_input"].tolist() == ["x", "y", "z", "w"]
    assert g["score"].dtype.kind == "f"


def test_names_default_to_id_and_grid_cells_are_named():
    layers = {**_sites_without_city(), "districts": districts()}
    sc = tiny_scenario(candidates={"kind": "layer", "layer": "sites", "id_field": "parcel_no"})
    layers["sites"] = layers["sites"].drop(columns="name")
    g = run_scenario(layers, sc).gdf
    assert g["site_name"].iloc[0] == "11, Taoshan District"
    grid = tiny_scenario(candidates={"kind": "grid", "layer": "districts", "size_m": 500})
    g = run_scenario(layers, grid).gdf
    assert g["site_name"].str.match(r"^Cell \d+, (Taoshan District|Boli County)$").all()
    assert g["site_name_zh"].str.match(r"^网格 \d+（(桃山区|勃利县)）$").all()


def test_city_without_city_field_or_boundaries_says_what_to_do():
    with pytest.raises(InputError) as err:
        run_scenario(_sites_without_city(), tiny_scenario(), city="Qitaihe")
    assert "no city field 'city'" in err.value.what
    assert "no boundaries" in err.value.what
    assert "candidates.city_field" in err.value.todo


def test_unknown_name_field_names_the_fields():
    sc = tiny_scenario(candidates={"kind": "layer", "layer": "sites", "name_field": "mc"})
    with pytest.raises(InputError, match="candidates.name_field .*'mc'.*Fields: name"):
        run_scenario(tiny_layers(), sc)


def test_point_sites_rank_and_overlap_means_inside():
    layers = tiny_layers()
    sites = layers["sites"].copy()
    sites["geometry"] = sites.geometry.centroid  # x0+50, 250, 450, 650
    layers["sites"] = sites
    g = run_scenario(layers, tiny_scenario()).gdf
    # the park covers x0+200..250: the point of b at x0+250 touches its edge
    assert g["raw_park"].tolist() == [0.0, 1.0, 0.0, 0.0]
    assert g["raw_station"].tolist() == pytest.approx([50, 250, 450, 650])
