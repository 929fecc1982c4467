"""File > Export dialogs: atlas (PDF), site score cards (PDF + CSV + XLSX) and the offline
web map (HTML), with the options of the ``hljgis atlas`` and ``hljgis webmap`` commands.

Each dialog only gathers options; the export itself is the exporter the CLI calls, run on
a plain Python thread with a progress bar (:func:`hljgis.gui.background.run_with_progress`).
Ranking can be cancelled between cities; writing the file cannot be stopped half-way and
disables Cancel. A bad input shows its what/todo in the interface language where the
catalogue has it.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPlainTextEdit,
    QSpinBox,
    QVBoxLayout,
)

from hljgis.analysis.ranking_vocab import CITIES, city_label
from hljgis.core.errors import InputError
from hljgis.core.text import Text
from hljgis.gui.background import Cancelled, run_with_progress
from hljgis.gui.i18n import current_language
from hljgis.gui.messages import error_text
from hljgis.gui.widgets.output_path_row import OutputPathRow

LANGS = (("both", "Chinese and English"), ("zh", "Chinese"), ("en", "English"))


def show_error(parent, title: str, exc: BaseException) -> None:
    """A warning box with the error's what and todo, translated where the catalogue can."""
    QMessageBox.warning(parent, title, error_text(exc))


def scenario_choices(project) -> list[tuple[str, str]]:
    """(label, name) of the project's scenarios, then the presets it lacks."""
    from hljgis.analysis.presets import PRESETS

    lang = current_language()
    out = []
    for name, data in [*project.scenarios.items(),
                       *[(n, d) for n, d in PRESETS.items() if n not in project.scenarios]]:
        title = Text.of(data, "title").get(lang)
        out.append((f"{name} – {title}" if title else name, name))
    return out


class ExportDialog(QDialog):
    """Common frame: an options form, an output file with Browse, Export and Close."""

    SUFFIX = ".pdf"
    FILTER = "PDF (*.pdf)"

    def __init__(self, project, parent=None) -> None:
        super().__init__(parent)
        self.project = project
        self.result = None
        self.resize(640, 200)  # scenario titles and a home-folder path fit; height grows
        self.form = QFormLayout()
        row = OutputPathRow(self.FILTER)
        self.path_edit = row.edit
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.note.setStyleSheet("color: #555555")
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.export_button = self.buttons.addButton(self.tr("Export"),
                                                    QDialogButtonBox.ButtonRole.AcceptRole)
        self.export_button.setDefault(True)
        self.buttons.accepted.connect(self._on_export)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        self.form.addRow(self.tr("Output file:"), row)  # options are inserted above it
        layout.addWidget(self.note)
        self.report = QPlainTextEdit(readOnly=True)  # what was written, pre-flight warnings
        self.report.setFixedHeight(self.fontMetrics().lineSpacing() * 5 + 12)
        self.report.hide()
        layout.addWidget(self.report)
        layout.addWidget(self.buttons)
        stem = (Path(project.path).name.removesuffix(".hljgis.gpkg") if project.path
                else "hljgis")
        self.path_edit.setText(str(Path.home() / f"{stem}-{self.DEFAULT}{self.SUFFIX}"))

    DEFAULT = "export"

    # -- widgets shared by the dialogs ---------------------------------------------------------
    def add_option(self, label: str, widget) -> None:
        """A row of the form, above the output file."""
        self.form.insertRow(self.form.rowCount() - 1, label, widget)

    def _checklist(self, items, checked) -> QListWidget:
        box = QListWidget()
        for label, key in items:
            item = QListWidgetItem(label)
            item.setData(Qt.ItemDataRole.UserRole, key)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if key in checked
                               else Qt.CheckState.Unchecked)
            box.addItem(item)
        box.setFixedHeight(box.sizeHintForRow(0) * len(items) + 2 * box.frameWidth() + 6)
        return box

    @staticmethod
    def checked(box: QListWidget) -> list[str]:
        return [box.item(i).data(Qt.ItemDataRole.UserRole) for i in range(box.count())
                if box.item(i).checkState() == Qt.CheckState.Checked]

    @staticmethod
    def set_checked(box: QListWidget, keys) -> None:
        for i in range(box.count()):
            item = box.item(i)
            item.setCheckState(Qt.CheckState.Checked if item.data(Qt.ItemDataRole.UserRole)
                               in keys else Qt.CheckState.Unchecked)

    def ranking_messages(self, scenarios, cities) -> list[str]:
        """"Ranking Jixi 鸡西 (sme-space), 2 of 8" per scenario x city, in run order."""
        names = dict((key, label) for label, key in self._city_items())
        n = len(scenarios) * len(cities)
        return [self.tr("Ranking {city} ({scenario}), {k} of {n}").format(
                    city=names.get(c, c), scenario=sc, k=i * len(cities) + j + 1, n=n)
                for i, sc in enumerate(scenarios) for j, c in enumerate(cities)]

    def _city_items(self) -> list[tuple[str, str]]:
        return [(city_label(c, current_language()), c) for c in CITIES]

    def _lang_box(self) -> QComboBox:
        box = QComboBox()
        for code, label in LANGS:
            box.addItem(self.tr(label), code)
        return box

    def _layout_box(self) -> QComboBox:
        from hljgis.export.layout import TEMPLATE_NAMES

        box = QComboBox()
        for name in [*self.project.layouts,
                     *[t for t in TEMPLATE_NAMES if t not in self.project.layouts]]:
            box.addItem(name, name)
        box.setCurrentIndex(max(0, box.findData("dfr-annex-a4")))
        return box

    # -- running -------------------------------------------------------------------------------
    def output_path(self) -> Path:
        path = Path(self.path_edit.text().strip()).expanduser()
        if path.suffix.lower() != self.SUFFIX:
            path = path.with_name(path.name + self.SUFFIX)
        return path

    def check(self) -> None:
        """Raise InputError for options that cannot work (nothing chosen, no file name)."""
        if not self.path_edit.text().strip():
            raise InputError("no output file is given.", "Type a file name or click Browse.")

    def options(self) -> dict:
        """The choices, read on the GUI thread (the worker never touches a widget)."""
        return {}

    def work(self, progress, path: Path, opts: dict):
        """The export (worker thread); returns what :meth:`done_text` reports."""
        raise NotImplementedError

    def done_text(self, value) -> str:
        return self.tr("Exported") + f" {value}"

    def export(self):
        """Run the export with progress; returns the exporter's result, None on cancel or
        error (the error is shown)."""
        try:
            self.check()
            path = self.output_path()
            opts = self.options()
            value = run_with_progress(self, self.tr("Exporting") + f" {path.name} ...",
                                      lambda progress: self.work(progress, path, opts))
        except Cancelled:
            self._say(self.tr("Export cancelled; no file was written."))
            return None
        except Exception as exc:  # noqa: BLE001 - bad input or an engine error: say it
            show_error(self, self.tr("Export failed"), exc)
            return None
        self.result = value
        self._say(self.done_text(value))
        return value

    def _say(self, text: str) -> None:
        self.report.setPlainText(text)
        self.report.show()

    def _on_export(self) -> None:
        self.export()


def _city_progress(progress, messages: list[str], last: str, share: float = 0.85):
    """A progress callback for ``rank_cities`` over all scenarios and cities.

    ``rank_cities`` reports before each city and restarts at 0 for each scenario, so the
    calls are counted and shown with ``messages`` (one per scenario x city, translated on
    the GUI thread). The file is written after the last city without further reports: from
    the last city on, Cancel is disabled (``last`` names that phase).
    """
    calls = [0]

    def report(_fraction: float, message: str) -> None:
        k = calls[0]
        calls[0] += 1
        text = messages[k] if k < len(messages) else message
        final = calls[0] >= len(messages)
        progress(share * k / max(1, len(messages)), f"{text}\n{last}" if final else text,
                 cancellable=not final)

    return report


class CityRankingExportDialog(ExportDialog):
    """An export that first ranks each ticked scenario in each ticked city (atlas, score
    cards): the two checklists, sites per city, the annex letter and the resolution. The
    subclass places them in its form."""

    def __init__(self, project, parent=None) -> None:
        super().__init__(project, parent)
        choices = scenario_choices(project)
        self.scenarios = self._checklist(choices, {choices[0][1]} if choices else set())
        self.cities = self._checklist(self._city_items(), set(CITIES))
        self.per_city = QSpinBox(minimum=1, maximum=50, value=5)
        self.annex_edit = QLineEdit("A")
        self.annex_edit.setMaxLength(4)
        self.dpi_box = QSpinBox(minimum=72, maximum=1200, singleStep=50, value=300)

    def check(self) -> None:
        super().check()
        if not self.checked(self.scenarios):
            raise InputError("no scenario is ticked.", "Tick at least one scenario.")
        if not self.checked(self.cities):
            raise InputError("no city is ticked.", "Tick at least one city.")

    def options(self) -> dict:
        scenarios, cities = self.checked(self.scenarios), self.checked(self.cities)
        return {"scenarios": scenarios, "cities": cities,
                "messages": self.ranking_messages(scenarios, cities),
                "annex": self.annex_edit.text().strip() or "A",
                "per_city": self.per_city.value(), "dpi": float(self.dpi_box.value())}


class AtlasDialog(CityRankingExportDialog):
    """One PDF: a map page per city (x scenario) and a table page, like ``hljgis atlas``."""

    DEFAULT = "atlas"

    def __init__(self, project, parent=None) -> None:
        super().__init__(project, parent)
        self.setWindowTitle(self.tr("Export atlas (PDF)"))
        self.layout_box = self._layout_box()
        self.lang_box = self._lang_box()
        self.table_check = QCheckBox(self.tr("Add a table page of the top sites"))
        self.table_check.setChecked(True)
        self.add_option(self.tr("Scenarios:"), self.scenarios)
        self.add_option(self.tr("Cities (page order):"), self.cities)
        self.add_option(self.tr("Layout:"), self.layout_box)
        self.add_option(self.tr("Language:"), self.lang_box)
        self.add_option(self.tr("Annex letter (Map A.1):"), self.annex_edit)
        self.add_option(self.tr("Sites per city in the table:"), self.per_city)
        self.add_option("", self.table_check)
        self.add_option(self.tr("Resolution (dpi):"), self.dpi_box)
        self.note.setText(self.tr("Each city is ranked with 100 weight-sensitivity runs; "
                                  "an atlas of four cities takes about a minute."))

    def options(self) -> dict:
        return {**super().options(), "last": self.tr("then writing the PDF"),
                "layout": self.layout_box.currentData(), "table": self.table_check.isChecked(),
                "lang": self.lang_box.currentData()}

    def work(self, progress, path, opts):
        from hljgis.export.atlas import build_atlas

        result, _infos = build_atlas(
            self.project, opts["layout"], opts["scenarios"], path, cities=opts["cities"],
            table=opts["table"], per_city=opts["per_city"], annex=opts["annex"],
            dpi=opts["dpi"], lang=opts["lang"],
            progress=_city_progress(progress, opts["messages"], opts["last"]))
        return result

    def done_text(self, result) -> str:
        warn = "\n".join(str(w) for w in result.preflight[:5])
        return (self.tr("Wrote {path}: {pages} pages ({mb} MB)").format(
            path=result.path, pages=result.pages, mb=f"{result.bytes / 1e6:.1f}")
            + (f"\n{warn}" if warn else ""))


class ScoreCardsDialog(CityRankingExportDialog):
    """Site score cards: a PDF page per top site, with the same numbers as CSV and XLSX."""

    DEFAULT = "score-cards"

    def __init__(self, project, parent=None) -> None:
        super().__init__(project, parent)
        self.setWindowTitle(self.tr("Export site score cards"))
        self.add_option(self.tr("Scenarios:"), self.scenarios)
        self.add_option(self.tr("Cities:"), self.cities)
        self.add_option(self.tr("Sites per city:"), self.per_city)
        self.add_option(self.tr("Annex letter (site A.1-1):"), self.annex_edit)
        self.add_option(self.tr("Resolution (dpi):"), self.dpi_box)
        self.note.setText(self.tr("The CSV and XLSX with the same numbers are written beside "
                                  "the PDF."))

    def options(self) -> dict:
        return {**super().options(), "last": self.tr("then writing the score cards")}

    def work(self, progress, path, opts):
        from hljgis.export.atlas import rank_cities
        from hljgis.export.scorecards import write_score_cards

        report = _city_progress(progress, opts["messages"], opts["last"])
        infos = []
        for sc in opts["scenarios"]:
            infos += rank_cities(self.project, sc, opts["cities"], annex=opts["annex"],
                                 start=1 + len(infos), progress=report)
        return write_score_cards(self.project, infos, path, per_city=opts["per_city"],
                                 dpi=opts["dpi"])

    def done_text(self, out) -> str:
        files = [str(out["pdf"].path), str(out["csv"]), *([str(out["xlsx"])]
                                                          if out.get("xlsx") else [])]
        return (self.tr("Wrote {n} cards:").format(n=out["pdf"].pages) + "\n"
                + "\n".join(files) + (f"\n{out['warning']}" if out.get("warning") else ""))


class WebMapDialog(ExportDialog):
    """An offline HTML map (no network, no CDN), like ``hljgis webmap``."""

    SUFFIX = ".html"
    FILTER = "HTML (*.html)"
    DEFAULT = "webmap"

    def __init__(self, project, parent=None) -> None:
        super().__init__(project, parent)
        self.setWindowTitle(self.tr("Export web map (offline HTML)"))
        self.scenario_box = QComboBox()
        self.scenario_box.addItem(self.tr("No ranking (layers only)"), None)
        for label, key in scenario_choices(project):
            self.scenario_box.addItem(label, key)
        self.city_box = QComboBox()
        self.city_box.addItem(self.tr("Whole region"), None)
        for label, key in self._city_items():
            self.city_box.addItem(label, key)
        self.font_check = QCheckBox(self.tr("Embed the Chinese font (about 4 MB; shows "
                                            "Chinese on any computer)"))
        self.font_check.setChecked(True)
        self.add_option(self.tr("Ranking layer:"), self.scenario_box)
        self.add_option(self.tr("City:"), self.city_box)
        self.add_option("", self.font_check)
        self.note.setText(self.tr("The page needs no internet: map library, styles and font "
                                  "are inside the file. It shows the visible vector layers."))

    def options(self) -> dict:
        scenario = self.scenario_box.currentData()
        return {"scenario": scenario, "city": self.city_box.currentData(),
                "embed_font": self.font_check.isChecked(),
                "message": self.tr("Ranking and writing the web map") if scenario
                else self.tr("Writing the web map")}

    def work(self, progress, path, opts):
        from hljgis.export.webmap import build_webmap

        progress(0.05, opts["message"], cancellable=False)  # build_webmap reports nothing
        return build_webmap(self.project, path, scenario=opts["scenario"], city=opts["city"],
                            embed_font=opts["embed_font"])

    def done_text(self, out) -> str:
        return self.tr("Wrote {path} ({mb} MB)").format(path=out,
                                                        mb=f"{out.stat().st_size / 1e6:.1f}")


def open_export_dialog(window, kind: str) -> QDialog:
    """Show the atlas / cards / webmap dialog of ``window``'s project (non-modal)."""
    cls = {"atlas": AtlasDialog, "cards": ScoreCardsDialog, "webmap": WebMapDialog}[kind]
    dialog = cls(window.session.project, window)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.show()
    return dialog


__all__ = ["AtlasDialog", "ScoreCardsDialog", "WebMapDialog", "open_export_dialog",
           "show_error"]
