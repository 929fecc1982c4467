"""The saved picture of a large project's home view: written with the data, refused when stale."""

import sqlite3

import geopandas as gpd
import numpy as np
import pyogrio
import pytest
import shapely

from hljgis.core.layer import VectorLayer
from hljgis.core.project import Project
from hljgis.io import load_project, save_project
from hljgis.io import project_preview as pp

PNG = b"\x89PNG fake picture bytes"


def _project(n=60) -> Project:
    x = np.arange(n, dtype=float) * 100.0
    gdf = gpd.GeoDataFrame({"score": np.linspace(0, 1, n)},
                           geometry=shapely.box(x, 0.0, x + 90.0, 90.0), crs="EPSG:4552")
    project = Project("preview test")
    project.crs = gdf.crs
    project.add_layer(VectorLayer(gdf, "parcels"))
    return project


class FakeMaker:
    """A preview maker drawing fake bytes, remembering what it was asked to draw."""

    def __init__(self):
        self.calls = []

    def __call__(self, project):
        self.calls.append(project)
        return lambda: pp.ProjectPreview(PNG, (0.0, 0.0, 6000.0, 90.0), ("parcels",))


@pytest.fixture
def maker(monkeypatch):
    """A fake maker; large means 50 features here."""
    monkeypatch.setattr(pp, "MIN_FEATURES", 50)
    return FakeMaker()


@pytest.fixture
def user_dir(tmp_path, monkeypatch):
    from hljgis.io import recovery

    monkeypatch.setenv("HLJGIS_USER_DIR", str(tmp_path / "user"))
    yield tmp_path / "user"
    recovery.finish()  # let go of the lock taken in this folder


def test_saved_preview_round_trips(tmp_path, maker):
    path = save_project(_project(), tmp_path / "p.hljgis.gpkg", preview=maker)
    preview = pp.read_preview(path)
    assert preview == pp.ProjectPreview(PNG, (0.0, 0.0, 6000.0, 90.0), ("parcels",))
    assert len(maker.calls) == 1
    # the file is still a project with one layer, and lists no extra layer
    assert len(load_project(path).layer("parcels").gdf) == 60
    assert [name for name, _ in pyogrio.list_layers(path)] == ["parcels", "hljgis_project"]


def test_no_preview_without_maker_or_for_small_projects(tmp_path, maker):
    assert pp.read_preview(save_project(_project(), tmp_path / "a.hljgis.gpkg")) is None
    small = save_project(_project(10), tmp_path / "b.hljgis.gpkg", preview=maker)
    assert pp.read_preview(small) is None
    hidden = _project()
    hidden.layer("parcels").visible = False
    assert pp.read_preview(save_project(hidden, tmp_path / "d.hljgis.gpkg",
                                        preview=maker)) is None
    assert maker.calls == []


def test_a_copy_and_the_autosave_keep_a_picture_too(tmp_path, maker, user_dir):
    from hljgis.io import recovery

    copy = save_project(_project(), tmp_path / "c.hljgis.gpkg", remember=False,
                        preview=maker)
    assert pp.read_preview(copy).png == PNG
    project = _project()
    target = recovery.autosave(project, preview=maker)
    assert pp.read_preview(target).png == PNG and maker.calls[-1] is project
    assert project.path is None


@pytest.mark.parametrize("step", ["maker", "draw"])
def test_a_failing_maker_never_stops_the_save(tmp_path, maker, step):
    def fail():
        raise RuntimeError("no renderer")

    def broken(project):
        if step == "maker":
            fail()
        return fail

    path = save_project(_project(), tmp_path / "p.hljgis.gpkg", preview=broken)
    assert pp.read_preview(path) is None
    assert len(load_project(path).layer("parcels").gdf) == 60


def test_the_picture_is_drawn_on_a_thread_while_the_tables_are_written(tmp_path, maker):
    import threading

    threads = {}

    def two_steps(project):
        threads["maker"] = threading.current_thread()

        def draw():
            threads["draw"] = threading.current_thread()
            return pp.ProjectPreview(PNG, (0, 0, 1, 1))

        return draw

    path = save_project(_project(), tmp_path / "p.hljgis.gpkg", preview=two_steps)
    assert pp.read_preview(path).png == PNG
    assert threads["maker"] is threading.main_thread()
    assert threads["draw"] is not threading.main_thread()


def test_preview_refused_once_a_table_changed(tmp_path, maker):
    path = save_project(_project(), tmp_path / "p.hljgis.gpkg", preview=maker)
    assert pp.read_preview(path) is not None
    extra = gpd.GeoDataFrame({"score": [2.0]}, geometry=[shapely.box(0, 200, 90, 290)],
                             crs="EPSG:4552")
    pyogrio.write_dataframe(extra, path, layer="parcels", append=True)  # as QGIS would edit
    assert pp.read_preview(path) is None


def test_preview_refused_once_the_settings_changed(tmp_path, maker):
    path = save_project(_project(), tmp_path / "p.hljgis.gpkg", preview=maker)
    con = sqlite3.connect(path)
    with con:
        con.execute("UPDATE hljgis_project SET json = replace(json, '\"visible\": true', "
                    "'\"visible\": false') WHERE id = 1")
    con.close()
    assert pp.read_preview(path) is None


def test_a_resave_after_an_edit_writes_a_fresh_preview(tmp_path, maker):
    project = _project()
    path = save_project(project, tmp_path / "p.hljgis.gpkg", preview=maker)
    project.layer("parcels").set_data(project.layer("parcels").gdf.iloc[:55])
    save_project(project, path, preview=maker)
    assert len(maker.calls) == 2 and maker.calls[1] is project
    assert pp.read_preview(path) is not None
    assert len(load_project(path).layer("parcels").gdf) == 55


def test_read_preview_of_other_files_is_none(tmp_path):
    assert pp.read_preview(tmp_path / "missing.gpkg") is None
    plain = tmp_path / "plain.gpkg"
    plain.write_bytes(b"not a database at all")
    assert pp.read_preview(plain) is None


def test_a_file_that_cannot_take_the_picture_is_saved_without_it(tmp_path, maker):
    path = save_project(_project(), tmp_path / "p.hljgis.gpkg", preview=maker)
    con = sqlite3.connect(path)
    with con:
        con.execute(f"DROP TABLE {pp.PREVIEW_TABLE}")
        con.execute("DROP TABLE gpkg_ogr_contents")
    con.close()
    assert not pp.write_preview(path, pp.ProjectPreview(PNG, (0, 0, 1, 1)))
    assert pp.read_preview(path) is None
