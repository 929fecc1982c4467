"""The ranking dock's scenarios: the list (the project's, then the presets), loading one
into the draft, the city and planning year it runs for, and keeping, reverting, saving,
importing, duplicating and exporting it.

A mixin of :class:`~hljgis.gui.ranking.panel.RankingPanel`.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QInputDialog

from hljgis.analysis.presets import PRESETS, fill_chinese_from_preset, preset
from hljgis.analysis.scenario import Scenario, ScenarioError, load_scenario, save_scenario
from hljgis.core.errors import InputError
from hljgis.core.subsidence import planning_year
from hljgis.core.text import Text
from hljgis.gui.i18n import current_language
from hljgis.gui.ranking.texts import punct


class ScenarioChoice:
    """Chooses the scenario the draft edits and stores it in the project or a file."""

    def scenario_items(self) -> list[tuple[str, str]]:
        """(label, key) of every scenario: the project's first, then presets it lacks."""
        lang = current_language()
        project = self.session.project.scenarios
        items = []
        for name, data in project.items():
            title = Text.of(data, "title").get(lang)
            items.append((f"{name} – {title}" if title else name, name))
        for name, data in PRESETS.items():
            if name not in project:
                title = Text.of(data, "title").get(lang)
                items.append((f"{name} – {title}{punct(' (')}{self.tr('preset')}{punct(')')}",
                              name))
        return items

    def refresh_scenarios(self, select: str | None = None) -> None:
        """Re-list the scenarios (after a project change or a save), keeping the choice."""
        current = select or self.scenario_box.currentData()
        items = self.scenario_items()
        self.scenario_box.blockSignals(True)
        self.scenario_box.clear()
        for label, key in items:
            self.scenario_box.addItem(label, key)
            self.scenario_box.setItemData(self.scenario_box.count() - 1, label,
                                          Qt.ItemDataRole.ToolTipRole)
        i = self.scenario_box.findData(current)
        self.scenario_box.setCurrentIndex(max(0, i))
        self.scenario_box.blockSignals(False)
        self.compare.set_scenarios([(self.tr("Edited scenario (this panel)"), ""), *items])
        if self.scenario is None or i < 0 or select:
            self._on_scenario_changed()

    def _relabel_scenarios(self) -> None:
        """Scenario labels in the interface language, keeping the list and the choices (and
        so the edits in the panel)."""
        if not self.scenario_box.count():
            return
        items = self.scenario_items()
        labels = {key: label for label, key in items}
        for i in range(self.scenario_box.count()):
            label = labels.get(self.scenario_box.itemData(i))
            if label is not None:
                self.scenario_box.setItemText(i, label)
                self.scenario_box.setItemData(i, label, Qt.ItemDataRole.ToolTipRole)
        self.compare.set_scenarios([(self.tr("Edited scenario (this panel)"), ""), *items])

    def _relist_scenarios(self) -> None:
        """Re-list the scenarios without loading one (the draft stays as it is)."""
        items = self.scenario_items()
        key = self.draft.name if self.scenario is not None else self.scenario_box.currentData()
        self.scenario_box.blockSignals(True)
        self.scenario_box.clear()
        for label, k in items:
            self.scenario_box.addItem(label, k)
            self.scenario_box.setItemData(self.scenario_box.count() - 1, label,
                                          Qt.ItemDataRole.ToolTipRole)
        self.scenario_box.setCurrentIndex(max(0, self.scenario_box.findData(key)))
        self.scenario_box.blockSignals(False)
        self.compare.set_scenarios([(self.tr("Edited scenario (this panel)"), ""), *items])

    def select_scenario(self, key: str) -> None:
        i = self.scenario_box.findData(key)
        if i < 0:
            raise KeyError(key)
        self.scenario_box.setCurrentIndex(i)
        self._on_scenario_changed()

    def _resolve(self, key: str) -> Scenario:
        data = self.session.project.scenarios.get(key)
        if data is not None:
            # a project saved before the presets had Chinese texts gets them where its
            # English texts are still the preset's
            return fill_chinese_from_preset(Scenario.from_dict(data, name=key))
        return preset(key)

    def _on_scenario_changed(self, *_args) -> None:
        key = self.scenario_box.currentData()
        if not key:
            return
        if self.draft.modified and key != self.draft.name:
            self._keep_edits()
        try:
            sc = self._resolve(key)
        except (ScenarioError, KeyError) as exc:
            self._say(str(exc), error=True)
            return
        self.scenario = sc
        if sc.sensitivity:
            self.runs_box.setValue(int(sc.sensitivity.get("runs", 200)))
            self.perturb_box.setValue(100 * float(sc.sensitivity.get("perturb", 0.2)))
            self.topk_box.setValue(int(sc.sensitivity.get("top_k", 10)))
        self.draft.load(sc.copy(planning_year=self.year()))  # plans for the project's year
        rows = min(max(self.criteria.rowCount(), 3), 9)
        self.criteria_view.setMinimumHeight(
            self.criteria_view.horizontalHeader().sizeHint().height() + 4 +
            rows * self.criteria_view.verticalHeader().defaultSectionSize())
        if self.criteria.rowCount():
            self.criteria_view.selectRow(0)
        self._say(self.tr("Scenario loaded") + punct(": ") + sc.name)

    def _on_draft_changed(self, what: str) -> None:
        """Bring the widgets that are not item views in line with the draft."""
        d = self.draft
        if what in ("all", "settings"):
            self._show_year()
            self.aggregation_box.set_value(d.aggregation)
            self.nan_box.set_value(d.nan_policy)
            self._show_purpose()
        if what in ("all", "constraints"):
            self._fit_constraints()
        if what in ("all", "weights", "criteria"):
            self.weights_group.refresh()
        if what in ("all", "criteria"):
            self._on_criterion_row_changed(self.criteria_view.currentIndex(), None)
        if what == "all" and d.name != self.scenario_box.currentData():
            i = self.scenario_box.findData(d.name)
            if i >= 0:  # an undo brought back another scenario's draft
                self.scenario_box.blockSignals(True)
                self.scenario_box.setCurrentIndex(i)
                self.scenario_box.blockSignals(False)

    def _show_purpose(self) -> None:
        """Title and purpose of the scenario in the interface language."""
        if self.scenario is None:
            self.purpose.setText("")
            return
        t, lang = self.draft.texts, current_language()
        self.purpose.setText(f"<b>{Text.of(t, 'title', self.draft.name).get(lang)}</b><br>"
                             f"{Text.of(t, 'purpose').get(lang)}")

    def year(self) -> int:
        """The planning year rankings run for: the project's, whatever year a stored
        scenario or an imported file carries (one year for map, legend and ranking)."""
        return planning_year(self.session.project)

    def _show_year(self) -> None:
        self.year_box.blockSignals(True)
        self.year_box.setValue(self.year())
        self.year_box.blockSignals(False)

    def _on_year_changed(self, year: int) -> None:
        """The dock's year is the project's: set it (one undo step, map and legend follow)."""
        self.session.set_planning_year(int(year))

    def _on_planning_year_changed(self, year: int) -> None:
        """The project's year changed (here, in the status bar, by undo): the draft plans
        for it too. Not a draft edit: the project's own undo step already covers it."""
        self.draft.planning_year = int(year)
        self._show_year()
        self.transform_editor.refresh()  # filters with $year measure other sites now

    def _on_city_changed(self, *_args) -> None:
        self.transform_editor.refresh()  # the values shown are the city's sites'

    def city(self) -> str | None:
        return self.city_box.currentData()

    def edited_scenario(self) -> Scenario:
        """The scenario as edited here: used criteria only, this year, these weights, and
        the Monte Carlo options of the dock.

        Raises
        ------
        ScenarioError
            If the edits make it invalid (the message names the field).
        """
        if self.scenario is None:
            raise ScenarioError("?", "", "no scenario chosen")
        sc = self.draft.to_scenario()
        sc.planning_year = self.year()
        sc.sensitivity = ({"runs": self.runs_box.value(),
                           "perturb": self.perturb_box.value() / 100.0,
                           "top_k": self.topk_box.value(), "seed": 0}
                          if self.mc_check.isChecked() else None)
        return sc

    def _keep_edits(self) -> bool:
        """Store the edited draft in the project under its name (before another scenario
        replaces it in the dock, or before a save), so no edit is silently lost."""
        try:
            sc = self.edited_scenario()
        except InputError as exc:
            self._say(self.tr("Edits not kept, the scenario is not valid") + punct(": ") +
                      str(exc), error=True)
            return False
        self._store(self.draft.name, sc)
        return True

    def _store(self, name: str, sc: Scenario) -> None:
        d = sc.to_dict()
        d["name"] = name
        self.session.store_scenario(name, d, remember=True)
        self.draft.name = name
        self.draft.mark_stored()

    def _on_about_to_save(self) -> None:
        if self.draft.modified:
            self._keep_edits()

    def _on_saved(self, _path) -> None:
        if self.draft.modified:  # edits that could not be stored: the project is not saved
            self.session.project.dirty = True

    def revert(self) -> None:
        """Put the draft back to the scenario as the project (or the preset) has it; undoable."""
        key = self.scenario_box.currentData()
        try:
            sc = self._resolve(key)
        except (ScenarioError, KeyError) as exc:
            self._say(str(exc), error=True)
            return
        self.draft.replace(sc, "Revert edits")
        self.draft.mark_stored()
        self._say(self.tr("Edits reverted") + punct(": ") + sc.name)

    def save_to_project(self, name: str | None = None) -> str | None:
        """Store the edited scenario in the project under ``name`` (asked when None)."""
        try:
            sc = self.edited_scenario()
        except InputError as exc:
            self._say(str(exc), error=True)
            return None
        if name is None:
            name, ok = QInputDialog.getText(self, self.tr("Save scenario in project"),
                                            self.tr("Scenario name (a-z, 0-9, - and _):"),
                                            text=sc.name)
            if not ok or not name.strip():
                return None
        name = name.strip()
        sc.name = name
        self._store(name, sc)
        self.refresh_scenarios(select=name)
        self._say(self.tr("Scenario saved in the project") + punct(": ") + name)
        return name

    def _free_name(self, base: str) -> str:
        """``base`` or ``base-2``, ``base-3``... not used by a project scenario or a preset."""
        taken = set(self.session.project.scenarios) | set(PRESETS)
        if base not in taken:
            return base
        i = 2
        while f"{base}-{i}" in taken:
            i += 1
        return f"{base}-{i}"

    def import_json(self, path: str | None = None) -> str | None:
        """Read a scenario JSON file into the project (under a free name) and edit it."""
        if path is None:
            path, _ = QFileDialog.getOpenFileName(self, self.tr("Import scenario"), "",
                                                  self.tr("Scenario (*.json)"))
            if not path:
                return None
        try:
            sc = load_scenario(path)
        except InputError as exc:
            self._say(str(exc), error=True)
            return None
        name = self._free_name(sc.name)
        sc.name = name
        if self.draft.modified:
            self._keep_edits()
        self._store(name, sc)
        self.refresh_scenarios(select=name)
        self._say(self.tr("Scenario imported") + punct(": ") + name, ok=True)
        return name

    def duplicate_scenario(self, name: str | None = None) -> str | None:
        """Copy the scenario as edited here into a new project scenario (a preset becomes
        the planner's own, editable and saved with the project)."""
        try:
            sc = self.edited_scenario()
        except InputError as exc:
            self._say(str(exc), error=True)
            return None
        if name is None:
            name, ok = QInputDialog.getText(self, self.tr("Duplicate scenario"),
                                            self.tr("Name of the copy (a-z, 0-9, - and _):"),
                                            text=self._free_name(f"{sc.name}-copy"))
            if not ok or not name.strip():
                return None
        name = name.strip()
        if name in self.session.project.scenarios or name in PRESETS:
            self._say(self.tr("A scenario already has this name") + punct(": ") + name,
                      error=True)
            return None
        sc.name = name
        sc.title = Text(f"{sc.title.en or self.draft.name} (copy)",
                        f"{sc.title.zh}（副本）" if sc.title.zh else "")
        self.draft.mark_stored()  # the edits travel with the copy
        self._store(name, sc)
        self.refresh_scenarios(select=name)
        self._say(self.tr("Scenario duplicated") + punct(": ") + name, ok=True)
        return name

    def export_json(self, path: str | None = None) -> str | None:
        """Write the edited scenario as readable JSON (for an annex or another bureau)."""
        try:
            sc = self.edited_scenario()
        except InputError as exc:
            self._say(str(exc), error=True)
            return None
        if path is None:
            path, _ = QFileDialog.getSaveFileName(self, self.tr("Export scenario"),
                                                  f"{sc.name}.json",
                                                  self.tr("Scenario (*.json)"))
            if not path:
                return None
        save_scenario(sc, path)
        self._say(self.tr("Scenario exported") + punct(": ") + str(path))
        return str(path)
