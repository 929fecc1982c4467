"""A PostGIS layer keeps its table link in the project (issue #18): after save and reopen it
is read again from the database, its edits are saved to the table, edits not yet written are
kept (not overwritten by the re-read), and with the server away the stored copy opens,
still linked, with a note that says so. No password is written."""

from __future__ import annotations

import json
import sqlite3

import psycopg
import pytest
import shapely

from hljgis.core.session import Session
from hljgis.io import load_project, read_file, save_project
from hljgis.io.postgis import parse_source
from hljgis.io.postgis_sync import EditConflictError, pending_edits, save_edits
from hljgis.io.project_store import ProjectStore
from tests.postgis.conftest import PASSWORD
from tests.postgis.test_postgis import X0, Y0, make_parcels


@pytest.fixture
def parcels(bureau):
    make_parcels(bureau, n=5)
    return f"PG:{bureau} tables=survey.parcels"


@pytest.fixture
def user_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("HLJGIS_USER_DIR", str(tmp_path / "user"))


def _owners(src) -> dict:
    """id -> owner, read back with psycopg."""
    with psycopg.connect(parse_source(src).conninfo) as conn:
        return dict(conn.execute("SELECT id, owner FROM survey.parcels").fetchall())


def _set_owner(src, key: int, owner: str) -> None:
    """Another planner's edit, straight in the table."""
    with psycopg.connect(parse_source(src).conninfo) as conn:
        conn.execute("UPDATE survey.parcels SET owner = %s WHERE id = %s", (owner, key))


def _session_with(project) -> Session:
    session = Session(loader=load_project, saver=save_project)
    session.set_project(project)
    return session


def _pos(layer, key: int) -> int:
    return int((layer.gdf["id"] == key).to_numpy().nonzero()[0][0])


def _saved(parcels, path) -> None:
    [layer] = read_file(parcels)
    session = _session_with(load_project(path)) if path.exists() else Session(
        loader=load_project, saver=save_project)
    session.add_layers([layer])
    session.save_project(path)


def _settings(path) -> dict:
    with sqlite3.connect(path) as db:
        return json.loads(db.execute("SELECT * FROM hljgis_project").fetchone()[-1])


def test_link_is_saved_without_password_and_restored(parcels, tmp_path):
    path = tmp_path / "p.hljgis.gpkg"
    _saved(parcels, path)
    [entry] = _settings(path)["layers"]
    link = entry["postgis"]
    assert (link["key"], link["table_geometry"], link["columns"]) == (
        "id", "geom", ["id", "name", "area_ha", "owner"])
    assert link["source"].endswith("tables=survey.parcels") and "dbname=bureau" in link["source"]
    assert sorted(k for k, _v in link["versions"]) == [1, 2, 3, 4, 5]
    assert link["edited_rows"] is None
    with open(path, "rb") as f:
        assert PASSWORD.encode() not in f.read()

    project = load_project(path)
    layer = project.layer("parcels")
    assert layer.db_link.key == "id" and layer.db_link.source.table == "survey.parcels"
    assert layer.db_link.table_geometry == "geom"
    assert not pending_edits(layer)
    assert any("read again from PostGIS" in n for n in layer.notes)


def test_reopened_layer_is_read_again_edited_and_saved_to_the_table(parcels, tmp_path):
    path = tmp_path / "p.hljgis.gpkg"
    _saved(parcels, path)
    _set_owner(parcels, 2, "鸡西市")  # a colleague's edit while the project was closed
    session = _session_with(load_project(path))
    layer = session.project.layer("parcels")
    assert layer.gdf.set_index("id").loc[2, "owner"] == "鸡西市"  # the table, not the copy
    session.change_attributes("parcels", _pos(layer, 1), {"owner": "鹤岗市"})
    session.delete_features("parcels", [_pos(layer, 4)])
    session.add_feature("parcels", shapely.box(X0 + 0.5, Y0, X0 + 0.504, Y0 + 0.004),
                        {"name": "新地块"})
    result = save_edits(layer)
    assert (result.updated, result.deleted, result.inserted) == (1, 1, 1)
    assert _owners(parcels) == {1: "鹤岗市", 2: "鸡西市", 3: "七台河市", 5: "七台河市",
                                6: None}


def test_unsaved_edits_survive_reopening_and_conflicts_are_still_caught(parcels, tmp_path):
    path = tmp_path / "p.hljgis.gpkg"
    _saved(parcels, path)
    session = _session_with(load_project(path))
    layer = session.project.layer("parcels")
    session.change_attributes("parcels", _pos(layer, 1), {"owner": "双鸭山市"})
    session.change_attributes("parcels", _pos(layer, 3), {"owner": "双鸭山市"})
    session.delete_features("parcels", [_pos(layer, 5)])
    session.save_project(path)  # the file only: nothing written to the table yet
    assert _owners(parcels)[1] == "七台河市"
    _set_owner(parcels, 2, "鸡西市")  # another feature, changed meanwhile: no conflict
    _set_owner(parcels, 3, "鸡西市")  # the same feature: a conflict

    layer = load_project(path).layer("parcels")
    assert layer.gdf.set_index("id").loc[1, "owner"] == "双鸭山市"  # the edits were kept
    pending = pending_edits(layer)
    assert (sorted(pending.changed), pending.deleted) == ([1, 3], [5])
    assert any("not yet in the database" in n for n in layer.notes)
    with pytest.raises(EditConflictError, match="3: changed by another planner"):
        save_edits(layer)
    assert _owners(parcels)[1] == "七台河市"  # nothing of the batch was written
    # the planner takes the colleague's value for feature 3: the rest saves
    layer.gdf.loc[_pos(layer, 3), "owner"] = "七台河市"
    layer.db_link.versions[3] = _versions(parcels)[3]
    assert save_edits(layer).updated == 1
    assert _owners(parcels) == {1: "双鸭山市", 2: "鸡西市", 3: "鸡西市", 4: "七台河市"}


def _versions(src) -> dict:
    with psycopg.connect(parse_source(src).conninfo) as conn:
        return dict(conn.execute("SELECT id, xmin::text FROM survey.parcels").fetchall())


def test_server_away_opens_the_stored_copy_with_a_note(parcels, pg_cluster, tmp_path):
    path = tmp_path / "p.hljgis.gpkg"
    _saved(parcels, path)
    session = _session_with(load_project(path))
    session.change_attributes("parcels", 0, {"name": "改名"})
    session.undo()  # no pending edit: opening would read the table again
    session.save_project(path)
    pg_cluster.stop("immediate")
    try:
        project = load_project(path)
    finally:
        pg_cluster.start()
    layer = project.layer("parcels")
    assert len(layer.gdf) == 5 and layer.db_link is not None  # the copy, still linked
    [note] = [n for n in layer.notes if "could not be read" in n]
    assert "cannot reach database bureau" in note and "copy saved in the project" in note
    # the server is back: edits made offline save to the table
    session = _session_with(project)
    session.change_attributes("parcels", _pos(layer, 2), {"owner": "鹤岗市"})
    assert save_edits(layer).updated == 1
    assert _owners(parcels)[2] == "鹤岗市"


def test_wrong_port_opens_the_stored_copy_with_a_note(parcels, tmp_path):
    path = tmp_path / "p.hljgis.gpkg"
    _saved(parcels, path)
    settings = _settings(path)  # the project as moved to a machine that names another port
    link = settings["layers"][0]["postgis"]
    link["source"] = link["source"].replace("port=54329", "port=1")
    with sqlite3.connect(path) as db:
        db.execute("UPDATE hljgis_project SET json = ?", (json.dumps(settings),))
    layer = load_project(path).layer("parcels")
    assert len(layer.gdf) == 5 and "port=1" in layer.db_link.source.conninfo
    [note] = [n for n in layer.notes if "could not be read" in n]
    assert "cannot reach database bureau" in note


def test_query_layer_is_read_again(bureau, tmp_path):
    make_parcels(bureau, n=3)
    src = f"PG:{bureau} sql='SELECT id, owner, geom FROM survey.parcels WHERE id < 3'"
    path = tmp_path / "q.hljgis.gpkg"
    _saved(src, path)
    assert _settings(path)["layers"][0]["postgis"]["key"] is None
    _set_owner(f"PG:{bureau}", 1, "鹤岗市")
    layer = load_project(path).layer("query")
    assert layer.db_link is None  # a query is read-only
    assert layer.gdf.set_index("id").loc[1, "owner"] == "鹤岗市"


def test_store_keeps_the_link(parcels, bureau, user_dir, tmp_path):
    [layer] = read_file(parcels)
    session = Session(loader=load_project, saver=save_project)
    session.add_layers([layer])
    session.change_attributes("parcels", _pos(layer, 2), {"owner": "鹤岗市"})
    store = ProjectStore(bureau)
    store.save(session.project, "bureau-plan", base_version=None)
    opened = store.load("bureau-plan").layer("parcels")
    assert pending_edits(opened).changed == [2]
    save_edits(opened)
    assert _owners(parcels)[2] == "鹤岗市"


def test_table_keyed_by_fid_keeps_its_key(bureau, tmp_path):
    """Tables hljgis (or GDAL) wrote are keyed by fid, which a GeoPackage takes as its own
    FID: the key comes back from it on reopening, and the edit reaches the row."""
    import geopandas as gpd

    from hljgis.io.postgis import write_postgis

    sites = gpd.GeoDataFrame({"name": ["甲", "乙", "丙"]}, crs="EPSG:4490", geometry=[
        shapely.box(X0 + i * 0.01, Y0, X0 + i * 0.01 + 0.005, Y0 + 0.005) for i in range(3)])
    src = f"PG:{bureau} tables=sites"
    write_postgis(sites, src)
    path = tmp_path / "p.hljgis.gpkg"
    _saved(src, path)
    session = _session_with(load_project(path))
    layer = session.project.layer("sites")
    assert layer.db_link is not None and layer.db_link.key == "fid"
    assert list(layer.gdf.columns[:2]) == ["fid", "name"]
    session.change_attributes("sites", 1, {"name": "新"})
    session.save_project(path)  # pending edit kept in the file, then reopened
    layer = load_project(path).layer("sites")
    assert pending_edits(layer).changed == [int(layer.gdf["fid"][1])]
    save_edits(layer)
    with psycopg.connect(parse_source(src).conninfo) as conn:
        assert conn.execute("SELECT name FROM sites ORDER BY fid").fetchall() == [
            ("甲",), ("新",), ("丙",)]


def test_postgis_layer_merged_from_a_colleague_stays_linked(parcels, bureau, user_dir,
                                                           tmp_path):
    store = ProjectStore(bureau)
    store.save(Session().project, "shared", base_version=None)
    mine, theirs = store.load("shared"), store.load("shared")
    [layer] = read_file(parcels)
    theirs.add_layer(layer)
    store.save(theirs)
    mine.set_scenario("mine", {"name": "mine"})
    store.save(mine, on_conflict="merge")
    merged = mine.layer("parcels")
    assert merged.db_link is not None and merged.db_link.key == "id"
    merged.gdf.loc[_pos(merged, 2), "owner"] = "鹤岗市"
    assert save_edits(merged).updated == 1
    assert _owners(parcels)[2] == "鹤岗市"


def test_project_saves_even_when_the_key_column_was_dropped(parcels, tmp_path):
    [layer] = read_file(parcels)
    session = Session(loader=load_project, saver=save_project)
    session.add_layers([layer])
    layer.set_data(layer.gdf.drop(columns="id"))
    path = session.save_project(tmp_path / "p.hljgis.gpkg")
    reopened = load_project(path).layer("parcels")  # read again: the table has its key
    assert reopened.db_link.key == "id" and len(reopened.gdf) == 5
    assert any("lost its key column id" in n for n in reopened.notes)
