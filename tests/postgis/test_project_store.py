"""The shared project store against a real server: round trip, two planners saving at once,
merge and copy on conflict, a server that goes away mid-save, and offline GeoPackage copies."""

from __future__ import annotations

import threading

import geopandas as gpd
import numpy as np
import pandas as pd
import psycopg
import pytest
import rasterio
import shapely
from rasterio.transform import from_origin

from hljgis.core.errors import InputError
from hljgis.core.layer import RasterLayer, VectorLayer
from hljgis.core.project import Project
from hljgis.io import load_project, save_project
from hljgis.io.project_store import LINK_KEY, ProjectStore, StaleProjectError, push_file


@pytest.fixture
def user_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("HLJGIS_USER_DIR", str(tmp_path / "user"))


def make_project(tmp_path) -> Project:
    dem = tmp_path / "dem.tif"
    with rasterio.open(dem, "w", driver="GTiff", width=8, height=6, count=1, dtype="float32",
                       crs="EPSG:4490", transform=from_origin(130.8, 45.8, 0.05, 0.05)) as dst:
        dst.write(np.arange(48, dtype="float32").reshape(6, 8), 1)
    sites = gpd.GeoDataFrame(
        {"site_id": ["QTH-1", "QTH-2"], "name_zh": ["新兴区", "桃山区"], "area_ha": [3.5, 7.25]},
        geometry=[shapely.box(130.9, 45.7, 130.91, 45.71), shapely.box(131.0, 45.75, 131.02,
                                                                     45.76)], crs="EPSG:4490")
    p = Project("Qitaihe SME sites", "七台河中小企业选址")
    p.add_layer(RasterLayer.from_path(dem, "dem", title_zh="高程"))
    p.add_layer(VectorLayer(sites, "sites", title_zh="候选地块",
                            style={"kind": "single", "fill": "#ffeeaa"}))
    p.set_scenario("sme-space", {"name": "sme-space", "weights": [0.5, 0.5]})
    p.set_layout("annex-a4", {"page": "A4"})
    p.set_table("city_statistics", pd.DataFrame({"city": ["Qitaihe"], "value": [1.5]}))
    return p


@pytest.fixture
def store(bureau, user_dir):
    return ProjectStore(bureau)


def test_round_trip_and_history(store, tmp_path):
    project = make_project(tmp_path)
    assert store.save(project, "qitaihe", base_version=None) == 1
    assert project.metadata[LINK_KEY]["version"] == 1 and not project.dirty
    again = store.load("qitaihe")
    assert again.layer_names() == ["dem", "sites"]
    assert again.scenarios == project.scenarios and again.layouts == project.layouts
    assert again.layer("sites").style == {"kind": "single", "fill": "#ffeeaa"}
    assert again.layer("sites").gdf["name_zh"].tolist() == ["新兴区", "桃山区"]
    assert again.layer("dem").crs.to_epsg() == 4490
    assert again.tables["city_statistics"]["value"].tolist() == [1.5]
    again.set_scenario("place-making", {"name": "place-making"})
    assert store.save(again) == 2
    assert [v for v, _at, _by in store.history("qitaihe")] == [1, 2]
    assert store.load("qitaihe", version=1).scenarios.keys() == {"sme-space"}
    [info] = store.list()
    assert (info.name, info.version, info.title, info.layers) == \
        ("qitaihe", 2, "Qitaihe SME sites", 2)


def test_unchanged_layers_are_not_uploaded_again(store, bureau, tmp_path):
    project = make_project(tmp_path)
    store.save(project, "qitaihe", base_version=None)
    project.set_layout("annex-a3", {"page": "A3"})
    store.save(project)
    with psycopg.connect(bureau) as con:
        assert con.execute("SELECT count(*) FROM hljgis_blob").fetchone()[0] == 3


def test_stale_save_is_refused_and_kept(store, tmp_path):
    first = make_project(tmp_path)
    store.save(first, "qitaihe", base_version=None)
    a, b = store.load("qitaihe"), store.load("qitaihe")
    a.set_scenario("a-only", {"name": "a-only"})
    b.set_scenario("b-only", {"name": "b-only"})
    assert store.save(a) == 2
    with pytest.raises(StaleProjectError, match="after you started from version 1") as err:
        store.save(b)
    assert err.value.current == 2 and "merge" in err.value.todo
    assert store.load("qitaihe").scenarios.keys() == {"sme-space", "a-only"}
    [(rid, base, _by)] = store.refused("qitaihe")
    assert (rid, base) == (err.value.refused_id, 1)


def test_merge_takes_their_scenarios_and_keeps_both_conflicting(store, tmp_path):
    store.save(make_project(tmp_path), "qitaihe", base_version=None)
    a, b = store.load("qitaihe"), store.load("qitaihe")
    a.set_scenario("a-only", {"name": "a-only"})
    a.set_scenario("sme-space", {"name": "sme-space", "weights": [0.7, 0.3]})
    a.set_layout("annex-a3", {"page": "A3"})
    b.set_scenario("sme-space", {"name": "sme-space", "weights": [0.2, 0.8]})
    b.set_scenario("b-only", {"name": "b-only"})
    store.save(a)
    assert store.save(b, on_conflict="merge") == 3
    merged = store.load("qitaihe")
    assert merged.scenarios["sme-space"]["weights"] == [0.2, 0.8]  # b's own change stays
    assert merged.scenarios["sme-space~planner"]["weights"] == [0.7, 0.3]  # a's is kept too
    assert {"a-only", "b-only"} <= merged.scenarios.keys()
    assert merged.layouts.keys() == {"annex-a4", "annex-a3"}


def test_copy_on_conflict(store, tmp_path):
    store.save(make_project(tmp_path), "qitaihe", base_version=None)
    a, b = store.load("qitaihe"), store.load("qitaihe")
    store.save(a)
    store.save(b, on_conflict="copy")
    names = [p.name for p in store.list()]
    assert names[0] == "qitaihe" and names[1].startswith("qitaihe (planner ")
    assert b.metadata[LINK_KEY]["name"] == names[1]


def test_two_clients_saving_at_once_lose_nothing(store, bureau, tmp_path):
    """Eight saves from the same version, on eight connections at once: one wins, seven are
    refused and kept; with merge, every planner's scenario ends up in the project."""
    store.save(make_project(tmp_path), "qitaihe", base_version=None)
    copies = [store.load("qitaihe") for _ in range(8)]
    for i, p in enumerate(copies):
        p.set_scenario(f"s{i}", {"name": f"s{i}"})
    barrier = threading.Barrier(8)
    outcome: dict[int, object] = {}

    def save(i: int, mode: str) -> None:
        barrier.wait()
        try:
            outcome[i] = ProjectStore(bureau).save(copies[i], on_conflict=mode)
        except Exception as exc:
            outcome[i] = exc

    threads = [threading.Thread(target=save, args=(i, "fail")) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    wins = [v for v in outcome.values() if isinstance(v, int)]
    refused = [v for v in outcome.values() if isinstance(v, StaleProjectError)]
    assert wins == [2] and len(refused) == 7
    assert len(store.refused("qitaihe")) == 7
    # the same race with merge: all eight scenarios survive
    copies = [store.load("qitaihe") for _ in range(8)]
    for i, p in enumerate(copies):
        p.set_scenario(f"m{i}", {"name": f"m{i}"})
    outcome.clear()
    barrier.reset()
    threads = [threading.Thread(target=save, args=(i, "merge")) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert sorted(outcome.values()) == list(range(3, 11))
    final = store.load("qitaihe")
    assert {f"m{i}" for i in range(8)} <= final.scenarios.keys()


def test_server_gone_mid_save_leaves_no_partial_project(store, pg_cluster, tmp_path):
    project = make_project(tmp_path)
    store.save(project, "qitaihe", base_version=None)
    project.set_scenario("lost-connection", {"name": "x"})
    store._before_commit = lambda: pg_cluster.stop("immediate")
    try:
        with pytest.raises(InputError, match="connection broke") as err:
            store.save(project)
        assert "hljgis db push" in err.value.todo
    finally:
        pg_cluster.start()
    store._before_commit = None
    assert store.settings("qitaihe")[0] == 1
    assert [v for v, _at, _by in store.history("qitaihe")] == [1]
    assert "lost-connection" not in store.load("qitaihe").scenarios
    # the planner's work is still in memory and saves once the server is back
    assert project.metadata[LINK_KEY]["version"] == 1
    assert store.save(project) == 2


def test_offline_copy_is_pushed_back(store, tmp_path):
    store.save(make_project(tmp_path), "qitaihe", base_version=None)
    copy_path = tmp_path / "offline.hljgis.gpkg"
    save_project(store.load("qitaihe"), copy_path)
    # offline: the planner edits the GeoPackage copy; meanwhile a colleague saves
    offline = load_project(copy_path)
    offline.set_scenario("field-visit", {"name": "field-visit"})
    save_project(offline, copy_path)
    other = store.load("qitaihe")
    other.set_layout("annex-a3", {"page": "A3"})
    store.save(other)
    with pytest.raises(StaleProjectError):
        push_file(copy_path)  # the copy knows its database, project and version
    assert push_file(copy_path, on_conflict="merge") == ("qitaihe", 3)
    final = store.load("qitaihe")
    assert "field-visit" in final.scenarios and "annex-a3" in final.layouts
    assert load_project(copy_path).metadata[LINK_KEY]["version"] == 3


def test_missing_project_names_those_there_are(store, tmp_path):
    store.save(make_project(tmp_path), "qitaihe", base_version=None)
    with pytest.raises(InputError, match="no project 'jixi'") as err:
        store.load("jixi")
    assert "qitaihe" in err.value.todo


def test_user_without_rights_gets_a_clear_message(pg_cluster, bureau, user_dir):
    """A read-only colleague (no CREATE in public, PostgreSQL 15's default) on a database
    without a store yet is told what to ask for, not shown a traceback."""
    pg_cluster.sql("DO $$ BEGIN CREATE ROLE viewer LOGIN; "
                   "EXCEPTION WHEN duplicate_object THEN NULL; END $$")
    with pytest.raises(InputError, match="may not create one in schema public") as err:
        ProjectStore(pg_cluster.conninfo(user="viewer")).list()
    assert "administrator" in err.value.todo


def test_colleague_without_rights_on_the_tables_is_told_what_to_grant(
        pg_cluster, store, tmp_path):
    """The store's tables belong to the planner whose first save made them; a colleague's
    role without grants on them gets a message naming the GRANT, not a traceback."""
    store.save(make_project(tmp_path), "qitaihe", base_version=None)
    pg_cluster.sql("DO $$ BEGIN CREATE ROLE colleague LOGIN; "
                   "EXCEPTION WHEN duplicate_object THEN NULL; END $$")
    other = ProjectStore(pg_cluster.conninfo(user="colleague"))
    for call in (other.list, lambda: other.load("qitaihe"), lambda: other.history("qitaihe")):
        with pytest.raises(InputError, match="may not read the project store") as err:
            call()
        assert "GRANT SELECT, INSERT, UPDATE ON ALL TABLES IN SCHEMA public TO colleague" \
            in err.value.todo
