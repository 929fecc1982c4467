"""The session as the one write path, driven without Qt: layers added, removed, reordered,
shown, renamed and restyled (opacity with the style), scenarios and layouts saved, features
edited and selected; each change undone and redone exactly (issue #14)."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import numpy as np
import pytest

from hljgis.core.layer import VectorLayer
from hljgis.core.project import Project
from hljgis.core.session import Command, Session, UndoStack
from hljgis.core.style import make_symbol
from tests.analysis.test_run import tiny_layers, tiny_scenario


def _session() -> Session:
    project = Project()
    for name, gdf in tiny_layers().items():
        project.add_layer(VectorLayer(gdf, name, title=name.title()))
    project.dirty = False
    return Session(project)


def _fill(colour: str) -> dict:
    return {"version": 1, "renderer": {"kind": "single",
                                       "symbol": make_symbol("fill", fill=colour)}}


def test_the_session_and_its_autosave_run_without_qt():
    """Run in a fresh interpreter: pytest-qt has imported PySide6 into this one."""
    script = textwrap.dedent("""
        import sys
        from tests.core.test_session import _session
        from hljgis.io.autosave import Autosaver

        s = _session()
        saver = Autosaver(s)
        s.set_layer_property("parks", "visible", False)
        s.select("sites", [0, 2])
        s.undo()
        print(sorted(m for m in sys.modules if m.split(".")[0] in ("PySide6", "shiboken6")))
    """)
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                         check=True, timeout=120)
    assert out.stdout.strip() == "[]", out.stdout + out.stderr


def test_undo_stack_runs_commands_and_forgets_the_oldest():
    log: list[str] = []
    stack = UndoStack(limit=2)
    for i in range(3):
        stack.push(Command(f"c{i}", lambda i=i: log.append(f"do{i}"),
                           lambda i=i: log.append(f"undo{i}")))
    assert [c.text for c in stack.done] == ["c1", "c2"]
    assert stack.undo() == "c2" and stack.redo_text == "c2"
    assert stack.undo() == "c1" and stack.undo() is None
    assert stack.redo() == "c1"
    stack.push(Command("c3", lambda: log.append("do3"), lambda: None))
    assert stack.redo_text is None  # a new command drops what could be redone
    assert log == ["do0", "do1", "do2", "undo2", "undo1", "do1", "do3"]


def test_add_remove_and_reorder_layers_undo_and_redo():
    s = _session()
    p = s.project
    changes = []
    s.events.undo_changed.connect(lambda: changes.append(s.undo_stack.undo_text))
    extra = VectorLayer(tiny_layers()["parks"], "more_parks", title="More parks")
    s.add_layers([extra])
    assert p.layer_names()[-1] == "more_parks" and p.dirty
    s.remove_layer("stations")
    assert "stations" not in p
    s.move_layer("zones", 0)
    assert p.layer_names() == ["zones", "sites", "parks", "more_parks"]
    assert changes == ["Add More parks", "Remove Stations", "Reorder layers"]
    s.undo()
    assert p.layer_names() == ["sites", "parks", "zones", "more_parks"]
    s.undo()
    assert p.layer_names() == ["sites", "stations", "parks", "zones", "more_parks"]
    s.undo()
    assert p.layer_names() == ["sites", "stations", "parks", "zones"]
    for _ in range(3):
        s.redo()
    assert p.layer_names() == ["zones", "sites", "parks", "more_parks"]
    s.move_layer("zones", 0)  # no move: no command
    assert s.undo_stack.undo_text == "Reorder layers" and len(s.undo_stack.done) == 3


def test_visibility_and_rename_undo_and_redo():
    s = _session()
    parks = s.project.layer("parks")
    shown = []
    parks.events.visible.connect(shown.append)
    s.set_layer_property("parks", "visible", False)
    s.set_layer_property("parks", "title", "Green space")
    s.set_layer_property("parks", "title_zh", "绿地")
    assert (parks.visible, parks.title, parks.title_zh) == (False, "Green space", "绿地")
    assert s.undo_stack.undo_text == "Change title_zh of Green space"
    for _ in range(3):
        s.undo()
    assert (parks.visible, parks.title, parks.title_zh) == (True, "Parks", "")
    assert shown == [False, True]  # the map hears both ways
    s.redo()
    assert parks.visible is False
    with pytest.raises(ValueError, match="not a layer property"):
        s.set_layer_property("parks", "name", "x")


def test_style_and_opacity_are_one_step_and_undo_restores_opacity():
    """The reproduced case of issue #14: opacity 0.3 with a new style, then Undo -> 1.0."""
    s = _session()
    sites = s.project.layer("sites")
    sites.style = _fill("#ffeeaa")
    before = sites.style
    assert sites.opacity == 1.0
    s.set_layer_style("sites", _fill("#3366cc"), 0.3)
    assert sites.opacity == pytest.approx(0.3)
    assert sites.style["renderer"]["symbol"]["fill"] == "#3366cc"
    assert s.undo() == "Change style of Sites"
    assert sites.opacity == 1.0 and sites.style == before
    s.redo()
    assert sites.opacity == pytest.approx(0.3)
    assert sites.style["renderer"]["symbol"]["fill"] == "#3366cc"
    s.set_layer_style("sites", sites.style, 0.3)  # nothing new: nothing recorded
    assert len(s.undo_stack.done) == 1
    s.set_layer_style("sites", sites.style, 0.8)  # opacity alone is a step too
    s.undo()
    assert sites.opacity == pytest.approx(0.3)


def test_scenario_saves_undo_and_redo():
    s = _session()
    scenarios = s.project.scenarios
    s.store_scenario("tiny", tiny_scenario())
    s.store_scenario("tiny", tiny_scenario(planning_year=2030))
    assert scenarios["tiny"]["planning_year"] == 2030
    s.undo()
    assert scenarios["tiny"]["planning_year"] == 2025
    s.undo()
    assert "tiny" not in scenarios
    s.redo()
    s.redo()
    assert scenarios["tiny"]["planning_year"] == 2030
    s.remove_scenario("tiny")
    s.undo()
    assert scenarios["tiny"]["planning_year"] == 2030



def test_the_scenario_the_dock_opens_on_is_stored_and_undone_with_its_save():
    s = _session()
    meta = s.project.metadata
    s.store_scenario("tiny", tiny_scenario(), remember=True)
    assert meta["ranking_scenario"] == "tiny"
    s.store_scenario("other", tiny_scenario(planning_year=2030), remember=True)
    assert meta["ranking_scenario"] == "other"
    s.undo()
    assert meta["ranking_scenario"] == "tiny" and "other" not in s.project.scenarios
    s.undo()
    assert "ranking_scenario" not in meta
    s.redo()
    assert meta["ranking_scenario"] == "tiny"
    s.store_scenario("tiny", tiny_scenario())  # unchanged and not remembered: nothing
    assert meta["ranking_scenario"] == "tiny" and len(s.undo_stack.done) == 1

def test_layout_saves_undo_and_redo():
    s = _session()
    layouts = s.project.layouts
    s.project.dirty = False
    s.store_layout("a4", {"page": "A4", "title": "Jixi"})
    assert layouts["a4"]["title"] == "Jixi" and s.project.dirty
    s.store_layout("a4", {"page": "A4", "title": "Hegang"})
    assert s.undo() == "Save layout a4"
    assert layouts["a4"]["title"] == "Jixi"
    s.undo()
    assert "a4" not in layouts
    s.redo()
    s.remove_layout("a4")
    assert "a4" not in layouts
    s.undo()
    assert layouts["a4"]["title"] == "Jixi"
    s.redo()
    assert "a4" not in layouts


def test_selection_is_announced_once_and_is_not_an_edit():
    s = _session()
    sites = s.project.layer("sites")
    heard = []
    s.events.selection_changed.connect(lambda name, pos: heard.append((name, pos.tolist())))
    chosen = s.select("sites", [2, 0, 2])
    assert chosen.tolist() == [0, 2] and sites.selection.tolist() == [0, 2]
    s.select("sites", np.array([0, 2]))  # the same: no echo
    s.clear_selection("sites")
    assert heard == [("sites", [0, 2]), ("sites", [])]
    assert s.selected("sites").tolist() == []
    assert not s.project.dirty and s.undo_stack.undo_text is None
    with pytest.raises(IndexError, match="4 features"):
        s.select("sites", [4])
    with pytest.raises(KeyError):
        s.select("no_such_layer", [0])


def test_feature_edits_undo_and_redo():
    from shapely.geometry import box

    s = _session()
    sites = s.project.layer("sites")
    s.editor = "tester"
    x0, y0 = sites.gdf.total_bounds[:2]
    position = s.add_feature("sites", box(x0, y0 - 300, x0 + 100, y0 - 200),
                             {"name": "e", "city": "Jixi", "area_ha": 1.0})
    assert position == 4 and sites.gdf["edited_by"].iloc[4] == "tester"
    s.change_attributes("sites", 0, {"name": "a2"})
    s.delete_features("sites", [1])
    assert sites.gdf["name"].tolist() == ["a2", "c", "d", "e"]
    s.undo()
    s.undo()
    assert sites.gdf["name"].tolist() == ["a", "b", "c", "d", "e"]
    s.undo()
    assert len(sites.gdf) == 4 and "edited_by" not in sites.gdf.columns
    s.redo()
    assert sites.gdf["name"].tolist()[-1] == "e"
