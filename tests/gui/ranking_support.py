"""Shared set-up of the ranking dock's GUI tests: the dock on a synthetic project, the
language switch, a planner's clicks and typing in its forms, the results table as shown,
and a run waited for."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox

from hljgis.core.session import Session
from hljgis.gui.i18n import set_language
from hljgis.gui.ranking.panel import RankingPanel
from tests.analysis.test_presets import synthetic_project
from tests.gui.planner_input import choose, type_into  # noqa: F401 (re-exported)


def open_panel(qtbot, project=None):
    """Fixture body: the dock at its default size, shut down and back in English after."""
    widget = RankingPanel(Session(project if project is not None else synthetic_project()))
    qtbot.addWidget(widget)
    widget.resize(540, 860)
    widget.show()
    yield widget
    widget.shutdown()
    set_language("en")


def chinese(panel, on: bool = True) -> None:
    set_language("zh" if on else "en")
    panel.retranslate()


def run_and_wait(qtbot, panel, job=None, *, monte_carlo: bool | None = None,
                 require_result: bool = True, timeout: int = 120_000) -> None:
    """Start a run (or wait for ``job``) and wait until the worker is done."""
    if monte_carlo is not None:
        panel.mc_check.setChecked(monte_carlo)
    job = panel.run() if job is None else job
    assert job is not None, panel.status.text()
    qtbot.waitUntil(lambda: not panel.is_running(), timeout=timeout)
    if require_result:
        assert panel.result is not None, panel.status.text()


def fill_form(editor, **values) -> None:
    """Fill a criterion or constraint form (``editor.w``) field by field, in the order
    given (a layer before its measure): combos are chosen by data, the rest typed."""
    for key, value in values.items():
        widget = editor.w[key]
        if isinstance(widget, QComboBox):
            choose(widget, value)
        else:
            type_into(widget, value)


def add_criterion(panel, kind: str, below: int = 0, **values) -> int:
    """Add a criterion of ``kind`` below row ``below`` and fill its form; returns its row."""
    panel.criteria_view.selectRow(below)
    row = panel.add_criterion(kind)
    assert row is not None, panel.status.text()
    fill_form(panel.criterion_editor, **values)
    return row


def shown_results(panel) -> list[list[str]]:
    """The result table as the planner reads it, row by row."""
    m = panel.results_view.model()
    return [[str(m.index(r, c).data() or "") for c in range(m.columnCount())]
            for r in range(m.rowCount())]
