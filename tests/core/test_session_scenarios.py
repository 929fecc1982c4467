"""Session commands for scenarios: store/replace/remove undoably, draft edits on the undo
stack marking the project unsaved, and a save that stores the edited draft."""

from __future__ import annotations

import pytest

from hljgis.analysis import run_scenario
from hljgis.analysis.draft import ScenarioDraft
from hljgis.analysis.scenario import Scenario, ScenarioError
from hljgis.core.layer import VectorLayer
from hljgis.core.project import Project
from hljgis.core.session import Session
from hljgis.io import load_project, save_project
from tests.analysis.test_run import tiny_layers, tiny_scenario


def _project() -> Project:
    project = Project()
    for name, gdf in tiny_layers().items():
        project.add_layer(VectorLayer(gdf, name))
    project.dirty = False
    return project


def _session(project=None) -> Session:
    return Session(project or _project(), loader=load_project, saver=save_project)


def test_store_replace_and_remove_are_undoable_and_mark_unsaved():
    session = _session()
    project = session.project
    first, second = tiny_scenario(), tiny_scenario(planning_year=2030)
    session.store_scenario("tiny", first)
    assert project.dirty and project.scenarios["tiny"]["planning_year"] == 2025
    session.store_scenario("tiny", second)
    assert project.scenarios["tiny"]["planning_year"] == 2030
    assert session.undo() == "Save scenario tiny"
    assert project.scenarios["tiny"]["planning_year"] == 2025
    session.undo()
    assert "tiny" not in project.scenarios
    session.redo()
    session.remove_scenario("tiny")
    assert "tiny" not in project.scenarios
    session.undo()
    assert project.scenarios["tiny"]["planning_year"] == 2025


def test_draft_edits_go_on_the_undo_stack_and_mark_the_project_unsaved():
    session = _session()
    draft = ScenarioDraft.from_scenario(Scenario.from_dict(tiny_scenario()))
    stop = session.track_draft(draft)
    assert not session.project.dirty
    draft.set_weight(1, 3)
    assert session.project.dirty
    assert session.undo_stack.undo_text == "Weight of park"
    draft.remove_criterion(0)
    session.undo()
    assert [c["name"] for c in draft.criteria] == ["station", "park"]
    session.undo()
    assert draft.criteria[1]["weight"] == 1
    session.redo()
    assert draft.criteria[1]["weight"] == 3
    stop()
    draft.set_weight(0, 9)
    assert session.undo_stack.undo_text == "Weight of park"  # no longer recorded


def test_store_draft_refuses_an_invalid_draft_naming_the_field():
    session = _session()
    draft = ScenarioDraft.from_scenario(Scenario.from_dict(tiny_scenario()))
    draft.add_criterion(kind="overlap")
    with pytest.raises(ScenarioError, match=r"criteria\[2\]\.layer is required"):
        session.store_draft(draft)
    assert session.project.scenarios == {}


def test_save_stores_the_edited_draft_and_reopening_gives_the_same_ranking(tmp_path):
    session = _session()
    draft = ScenarioDraft.from_scenario(Scenario.from_dict(tiny_scenario()))
    session.track_draft(draft)
    session.events.about_to_save.connect(
        lambda: session.store_draft(draft) if draft.modified else None)
    draft.set_weight(1, 3)  # park now as heavy as the station
    draft.set_transform(0, {"kind": "minmax", "benefit": False})
    expected = run_scenario(session.project, draft.to_scenario()).gdf
    path = tmp_path / "edited.hljgis.gpkg"
    session.save_project(path)
    assert not draft.modified
    reopened = load_project(path)
    assert reopened.metadata["ranking_scenario"] == "tiny"
    stored = Scenario.from_dict(reopened.scenarios["tiny"])
    assert [c.weight for c in stored.criteria] == [3, 3]
    got = run_scenario(reopened, stored).gdf
    assert got["site_id"].tolist() == expected["site_id"].tolist()
    assert got["rank"].tolist() == expected["rank"].tolist()
    assert got["score"].round(12).tolist() == expected["score"].round(12).tolist()
