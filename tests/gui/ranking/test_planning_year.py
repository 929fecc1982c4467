"""The ranking dock plans for the project's year: it shows it, sets it, and runs with it."""

from __future__ import annotations

import pytest

from tests.gui.ranking_support import open_panel


@pytest.fixture
def panel(qtbot):
    from tests.analysis.test_presets import synthetic_project

    project = synthetic_project()
    project.metadata["planning_year"] = 2031
    yield from open_panel(qtbot, project)


def test_dock_shows_the_projects_year_and_runs_with_it(panel):
    assert panel.year_box.value() == 2031
    assert panel.draft.planning_year == 2031  # the preset says 2026; the project wins
    assert panel.edited_scenario().planning_year == 2031


def test_changing_the_dock_year_sets_the_projects_and_undo_brings_both_back(panel):
    session = panel.session
    panel.year_box.setValue(2040)
    assert session.project.metadata["planning_year"] == 2040
    assert panel.edited_scenario().planning_year == 2040
    assert session.undo_stack.undo_text == "Set planning year 2040"
    session.undo()
    assert panel.year_box.value() == 2031
    assert panel.edited_scenario().planning_year == 2031


def test_a_year_set_elsewhere_reaches_the_dock(panel):
    panel.session.set_planning_year(2020)
    assert panel.year_box.value() == 2020
    assert panel.draft.planning_year == 2020 and panel.edited_scenario().planning_year == 2020


def test_a_stored_scenario_of_another_year_plans_for_the_projects(panel):
    data = panel.edited_scenario().to_dict()
    data.update(name="old-2018", planning_year=2018)
    panel.session.store_scenario("old-2018", data)
    panel.refresh_scenarios(select="old-2018")
    panel.select_scenario("old-2018")
    assert panel.year_box.value() == 2031 and panel.edited_scenario().planning_year == 2031
