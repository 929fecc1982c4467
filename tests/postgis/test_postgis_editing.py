"""Editing a PostGIS layer through the session and saving back to its table (issue #18,
point 4): the rows change in one transaction, another planner's edit of the same feature
is reported and kept, versions refresh after a save; the toolbar action and project Save."""

from __future__ import annotations

import pandas as pd
import pytest
import shapely

from hljgis.core.session import Session
from hljgis.io import read_file
from hljgis.io.postgis import read_postgis
from hljgis.io.postgis_sync import (
    EditConflictError,
    conflict_positions,
    pending_edits,
    save_edits,
)
from tests.postgis.test_postgis import X0, Y0, make_parcels


@pytest.fixture
def parcels(bureau):
    make_parcels(bureau, n=5)
    return f"PG:{bureau} tables=survey.parcels"


def _table(src) -> pd.DataFrame:
    return read_postgis(src, row_versions=True).set_index("id")


def _session(src) -> tuple[Session, object]:
    [layer] = read_file(src)
    session = Session()
    session.add_layers([layer])
    return session, layer


def _pos(layer, key: int) -> int:
    return int((layer.gdf["id"] == key).to_numpy().nonzero()[0][0])


def test_layer_remembers_its_table(parcels):
    _, layer = _session(parcels)
    link = layer.db_link
    assert link.key == "id" and link.source.table == "survey.parcels"
    assert sorted(link.versions) == [1, 2, 3, 4, 5]
    assert "_row_version" not in layer.gdf.columns  # no version column in forms and tables
    assert not pending_edits(layer)


def test_session_edits_are_written_to_the_table(parcels):
    session, layer = _session(parcels)
    before = _table(parcels)
    session.change_attributes("parcels", _pos(layer, 1), {"owner": "鸡西市"})
    square = shapely.box(X0, Y0, X0 + 0.002, Y0 + 0.002)
    session.change_geometry("parcels", _pos(layer, 2), square)
    session.delete_features("parcels", [_pos(layer, 4)])
    new = shapely.box(X0 + 0.5, Y0, X0 + 0.504, Y0 + 0.004)
    session.add_feature("parcels", new, {"name": "新地块", "area_ha": 7.25})
    pending = pending_edits(layer)
    assert (sorted(pending.changed), pending.deleted, len(pending.inserts)) == ([1, 2], [4], 1)

    result = save_edits(layer)
    assert (result.updated, result.deleted, result.inserted) == (2, 1, 1)
    after = _table(parcels)
    assert after.loc[1, "owner"] == "鸡西市" and after.loc[3, "owner"] == "七台河市"
    assert shapely.equals(after.loc[2, "geometry"], square)
    assert 4 not in after.index
    [new_id] = after.index[after["name"] == "新地块"]
    assert new_id == 6 and after.loc[6, "area_ha"] == 7.25
    assert shapely.equals(after.loc[6, "geometry"], new)
    # untouched rows keep their version; written ones have the new one, and so has the layer
    assert after.loc[3, "_row_version"] == before.loc[3, "_row_version"]
    assert layer.db_link.versions == after["_row_version"].to_dict()
    assert list(layer.gdf["id"]) == [1, 2, 3, 5, 6]  # the new feature got the table's key
    assert not pending_edits(layer)
    # a second edit of the same feature is saved against the refreshed version (no conflict)
    session.change_attributes("parcels", _pos(layer, 1), {"owner": "双鸭山市"})
    session.change_attributes("parcels", _pos(layer, 6), {"owner": "鹤岗市"})
    assert save_edits(layer).updated == 2
    assert list(_table(parcels).loc[[1, 6], "owner"]) == ["双鸭山市", "鹤岗市"]


def test_undone_edit_is_no_edit_and_a_split_piece_is_inserted(parcels):
    session, layer = _session(parcels)
    session.change_attributes("parcels", 0, {"owner": "x"})
    session.undo()
    assert not pending_edits(layer)
    cut = [(X0 + 0.0025, Y0 - 0.001), (X0 + 0.0025, Y0 + 0.006)]
    session.split_feature("parcels", _pos(layer, 1), cut)
    pending = pending_edits(layer)
    assert pending.changed == [1] and len(pending.inserts) == 1 and not pending.deleted
    save_edits(layer)
    after = _table(parcels)
    assert len(after) == 6 and after.loc[6, "name"] == "地块0"
    assert after.loc[1, "geometry"].area + after.loc[6, "geometry"].area == pytest.approx(
        0.005 * 0.005)


def test_second_planners_save_reports_the_conflict(parcels):
    first, mine = _session(parcels)
    second, theirs = _session(parcels)
    first.change_attributes("parcels", _pos(mine, 1), {"owner": "王"})
    save_edits(mine)
    second.change_attributes("parcels", _pos(theirs, 1), {"owner": "李"})
    second.change_attributes("parcels", _pos(theirs, 2), {"owner": "李"})
    with pytest.raises(EditConflictError, match="1: changed by another planner") as err:
        save_edits(theirs)
    assert err.value.conflicts == {1: "changed by another planner"}
    after = _table(parcels)
    assert after.loc[1, "owner"] == "王"  # the first planner's change stays
    assert after.loc[2, "owner"] == "七台河市"  # nothing of the second batch was written
    assert list(conflict_positions(theirs, err.value)) == [_pos(theirs, 1)]
    # the second planner's edits are kept in their layer, still pending
    assert sorted(pending_edits(theirs).changed) == [1, 2]
    # a feature the first planner deleted is reported as deleted
    first.delete_features("parcels", [_pos(mine, 3)])
    save_edits(mine)
    second.undo()
    second.undo()
    second.change_geometry("parcels", _pos(theirs, 3), shapely.box(X0, Y0, X0 + 1e-3, Y0 + 1e-3))
    with pytest.raises(EditConflictError, match="3: deleted by another planner"):
        save_edits(theirs)


# -- the GUI -------------------------------------------------------------------------------------

@pytest.fixture
def window(qtbot, tmp_path, monkeypatch):
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QMessageBox

    from hljgis.gui.main_window import MainWindow

    monkeypatch.setenv("HLJGIS_USER_DIR", str(tmp_path / "user"))
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path / "i"))
    # a modal box would wait for a click that never comes: here it fails the test at once
    def modal(*args, **kwargs):
        raise AssertionError(f"modal message box opened: {args[1:3]}")

    for name in ("question", "warning", "critical", "information", "exec"):
        monkeypatch.setattr(QMessageBox, name, modal)
    win = MainWindow(lang="en")
    yield win
    # closed here, not by qtbot: a dirty project would open the modal "Save first?" box in
    # closeEvent and block the suite
    win.session.project.dirty = False
    win.canvas.shutdown()
    win.close()
    win.deleteLater()


def test_toolbar_action_saves_and_reports_a_conflict(window, parcels, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    [layer] = read_file(parcels)
    window.session.add_layers([layer])
    toolbar = window.editing
    assert toolbar.start_editing("parcels")
    window.session.change_attributes("parcels", _pos(layer, 2), {"owner": "鸡西市"})
    toolbar.save_db_action.trigger()
    assert _table(parcels).loc[2, "owner"] == "鸡西市"
    assert "1 changed" in window.statusBar().currentMessage()

    other = _session(parcels)
    other[0].change_attributes("parcels", _pos(other[1], 2), {"owner": "王"})
    save_edits(other[1])
    warnings = []
    monkeypatch.setattr(QMessageBox, "warning",
                        lambda parent, title, text, *a: warnings.append((title, text)))
    window.session.change_attributes("parcels", _pos(layer, 2), {"owner": "李"})
    toolbar.save_db_action.trigger()
    assert _table(parcels).loc[2, "owner"] == "王"
    [(title, text)] = warnings
    assert title == "Database edits not saved"
    assert "another planner" in text and "2: changed by another planner" in text
    assert list(layer.selection) == [_pos(layer, 2)]  # the conflicting feature is selected


@pytest.mark.timeout(60, method="thread")
def test_project_save_writes_database_edits(window, parcels, tmp_path):
    """Save writes the pending database edits first, then the project file, with no dialog
    (the fixture fails any modal box) and within the timeout."""
    [layer] = read_file(parcels)
    window.session.add_layers([layer])
    window.session.change_attributes("parcels", _pos(layer, 3), {"owner": "鹤岗市"})
    window.session.delete_features("parcels", [_pos(layer, 5)])
    path = tmp_path / "p.hljgis.gpkg"
    assert window._save(str(path))
    rows = _rows(parcels)
    assert rows[3] == "鹤岗市" and 5 not in rows and rows[1] == "七台河市"
    assert not pending_edits(layer) and not window.session.project.dirty
    assert path.exists() and "Saved" in window.statusBar().currentMessage()


@pytest.mark.timeout(60, method="thread")
def test_autosave_leaves_the_shared_table_alone(window, parcels):
    """The two-minute autosave writes the recovery copy only: committing to the bureau's
    table (or asking about a conflict) is for the planner's own Save."""
    [layer] = read_file(parcels)
    window.session.add_layers([layer])
    window.session.change_attributes("parcels", _pos(layer, 2), {"owner": "鸡西市"})
    window._on_autosave()
    window.wait_for_autosave()
    assert _rows(parcels)[2] == "七台河市"
    assert pending_edits(layer).changed == [2]


def _rows(src) -> dict:
    """id -> owner, read back with psycopg (not through hljgis' reader)."""
    import psycopg

    from hljgis.io.postgis import parse_source

    with psycopg.connect(parse_source(src).conninfo) as conn:
        return dict(conn.execute("SELECT id, owner FROM survey.parcels").fetchall())


@pytest.mark.timeout(60, method="thread")
def test_reopened_project_saves_edits_to_the_table(window, parcels, tmp_path):
    """Add a table, save the project, reopen it in the window, edit, Save: the row is in
    the table; the status bar says the layer was read again from the database."""
    [layer] = read_file(parcels)
    window.session.add_layers([layer])
    path = str(tmp_path / "p.hljgis.gpkg")
    assert window._save(path)
    import threading

    threads, load = [], window.session.load
    window.session.load = lambda p: threads.append(threading.current_thread().name) or load(p)
    window.open_project(path)
    assert threads == ["hljgis-work"]  # database reads off the GUI thread
    assert "read again from PostGIS" in window.statusBar().currentMessage()
    layer = window.session.project.layer("parcels")
    assert layer.db_link is not None and layer.db_link.key == "id"
    window.session.change_attributes("parcels", _pos(layer, 4), {"owner": "双鸭山市"})
    assert window._save(path)
    assert _rows(parcels)[4] == "双鸭山市"
    assert not pending_edits(layer)


@pytest.mark.timeout(90, method="thread")
def test_stored_copy_then_refresh_from_database(window, parcels, pg_cluster, tmp_path):
    """Opened with the server away: the stored copy and a clear message. Back online,
    Refresh from database reads the table again; a layer with unsaved edits is kept."""
    [layer] = read_file(parcels)
    window.session.add_layers([layer])
    path = str(tmp_path / "p.hljgis.gpkg")
    assert window._save(path)
    pg_cluster.stop("immediate")
    try:
        window.open_project(path)
    finally:
        pg_cluster.start()
    message = window.statusBar().currentMessage()
    assert "could not be read" in message and "copy saved in the project" in message
    other = _session(parcels)  # a colleague edits the table meanwhile
    other[0].change_attributes("parcels", _pos(other[1], 1), {"owner": "鸡西市"})
    save_edits(other[1])
    assert window.editing.refresh_from_database() == ["parcels"]
    layer = window.session.project.layer("parcels")
    assert layer.gdf.set_index("id").loc[1, "owner"] == "鸡西市"
    assert "Read again from the database: parcels" in window.statusBar().currentMessage()
    window.session.change_attributes("parcels", _pos(layer, 2), {"owner": "鹤岗市"})
    assert window.editing.refresh_from_database() == []
    assert "kept (edits not saved to the database): parcels" in \
        window.statusBar().currentMessage()
    assert layer.gdf.set_index("id").loc[2, "owner"] == "鹤岗市"
