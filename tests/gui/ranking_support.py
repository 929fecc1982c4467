"""Shared set-up of the ranking dock's GUI tests: the dock on a synthetic project, the
language switch, and a run waited for."""

from __future__ import annotations

from hljgis.core.session import Session
from hljgis.gui.i18n import set_language
from hljgis.gui.ranking.panel import RankingPanel
from tests.analysis.test_presets import synthetic_project


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
