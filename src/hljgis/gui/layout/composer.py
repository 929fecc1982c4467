"""The print layout composer: layers that print, legend items and their order, extent (current
view, city or district, a ranking's sites, a box), scale, inset, titles in two languages, the
map review number, templates kept in the project, and a zoomable preview of the page.

The dialog holds no state of its own: every widget writes into a Qt-free
:class:`~hljgis.core.composition.Composition`, whose ``changed`` event schedules a preview
(debounced 150 ms, drawn off the GUI thread from the map canvas's prepared layers; a page
made stale by a newer edit stops half drawn). Templates are stored through the session
(``store_layout`` / ``remove_layout``), so saving or deleting one can be undone and goes into
the project file. The export writes exactly the layout that the preview shows.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QListWidget,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from hljgis.core.composition import Composition, choice_city
from hljgis.core.errors import InputError
from hljgis.core.session import Session
from hljgis.core.text import lang_code
from hljgis.export.layout import TEMPLATE_NAMES, Layout, resolve_layout
from hljgis.gui.layout.lists import LayerChecklist, LegendList
from hljgis.gui.layout.panels import MapPage, TextPage
from hljgis.gui.layout.preview import PagePreview, PreviewWorker, paint_preview

#: Debounce of preview refreshes: typing a title redraws once, 150 ms after the last key.
REFRESH_MS = 150
#: Map furniture check boxes -> layout keys.
FURNITURE = {"inset_check": "inset", "north_check": "north_arrow",
             "scalebar_check": "scale_bar", "graticule_check": "graticule"}


class LayoutComposer(QDialog):
    """Compose one print layout of the session's project and export it.

    Parameters
    ----------
    session : Session or Project
        A bare project gets a session of its own (templates are still undoable there).
    layout : str
        Project layout or built-in template to start from.
    view_extent : (minx, miny, maxx, maxy), optional
        The main map's current view (project CRS), for the "Current map view" extent.
    layer_cache : LayerCache, optional
        The map canvas's prepared layers (``MapCanvas.layer_cache``): the preview draws a
        million ranking cells the canvas has reprojected and classed without preparing
        them again.
    """

    def __init__(self, session, parent=None, layout: str = "dfr-annex-a4",
                 view_extent=None, layer_cache=None) -> None:
        super().__init__(parent)
        self.session = session if isinstance(session, Session) else Session(session)
        self.project = self.session.project
        self.view_extent = tuple(view_extent) if view_extent is not None else None
        self.composition = Composition()
        self._request = 0
        self._drawn_dpi = 0.0
        self.last_report = None
        self.last_seconds = 0.0
        #: id of the last request whose page is on screen (tests wait for it)
        self.drawn_request = 0
        #: id of the last request whose pre-flight warnings are listed
        self.checked_request = 0
        self.setWindowTitle(self.tr("Layout composer"))
        self.resize(1280, 720)

        self.text = TextPage()
        self.map = MapPage(self.project)
        self.layers = LayerChecklist()
        self.legend = LegendList()
        self.legend_check = QCheckBox(self.tr("Show the legend"))
        legend_page = QWidget()
        lp = QVBoxLayout(legend_page)
        lp.addWidget(self.legend_check)
        lp.addWidget(QLabel(self.tr("Checked items are listed, top first; drag or use "
                                    "Up/Down to reorder.")))
        lp.addWidget(self.legend, 1)
        self.tabs = QTabWidget()
        self.tabs.addTab(self.text, self.tr("Text and page"))
        self.tabs.addTab(self.map, self.tr("Map"))
        self.tabs.addTab(self.layers, self.tr("Layers"))
        self.tabs.addTab(legend_page, self.tr("Legend"))
        self.warnings = QListWidget()
        self.warnings.setMaximumHeight(110)
        export_btn = QPushButton(self.tr("Export PDF / PNG / SVG..."))
        export_btn.clicked.connect(self._on_export_clicked)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        bottom = QHBoxLayout()
        bottom.addWidget(export_btn)
        bottom.addStretch(1)
        bottom.addWidget(close)
        side = QWidget()
        left = QVBoxLayout(side)
        left.setContentsMargins(0, 0, 0, 0)
        left.addWidget(self.tabs, 1)
        left.addWidget(QLabel(self.tr("Pre-flight check:")))
        left.addWidget(self.warnings)
        left.addLayout(bottom)
        side.setMinimumWidth(400)
        side.setMaximumWidth(520)

        self.preview = PagePreview()
        self.status = QLabel()
        self.zoom_label = QLabel("100 %")
        bar = QHBoxLayout()
        for text, slot in ((self.tr("Fit page"), self.preview.fit),
                           ("−", lambda: self.preview.zoom_by(1 / 1.25)),
                           ("+", lambda: self.preview.zoom_by(1.25))):
            btn = QPushButton(text)
            btn.clicked.connect(slot)
            bar.addWidget(btn)
        bar.addWidget(self.zoom_label)
        bar.addStretch(1)
        bar.addWidget(self.status)
        right = QWidget()
        rv = QVBoxLayout(right)
        rv.setContentsMargins(0, 0, 0, 0)
        rv.addLayout(bar)
        rv.addWidget(self.preview, 1)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(side)
        split.addWidget(right)
        split.setStretchFactor(1, 1)
        QVBoxLayout(self).addWidget(split)

        self._timer = QTimer(self, singleShot=True, interval=REFRESH_MS)
        self._timer.timeout.connect(self.update_preview)
        self.worker = PreviewWorker(self, cache=layer_cache)
        self.worker.finished.connect(self._on_preview_ready)
        self.worker.checked.connect(self._on_checked)
        self.worker.failed.connect(self._on_preview_failed)
        self.preview.zoom_changed.connect(self._on_zoom_changed)
        self._fill_templates(layout)
        self._connect_widgets()
        self.composition.events.changed.connect(self._on_composition_changed)
        self.project.events.changed.connect(self._on_project_changed)
        self.load(self.text.template_box.currentData())
        self._timer.stop()  # the first page is asked for once the dialog is on screen

    def showEvent(self, event) -> None:  # noqa: N802 - Qt override
        """Ask for the first page as soon as the preview has its size, not a debounce later:
        drawn at the fitted view's resolution, so the first refresh reuses its pixels."""
        super().showEvent(event)
        if not self._request:
            QTimer.singleShot(0, self, self._first_preview)

    def _first_preview(self) -> None:
        if not self._request:
            self.update_preview()

    # -- binding ---------------------------------------------------------------------------------
    def _connect_widgets(self) -> None:
        t, m = self.text, self.map
        for key, edit in t.edits().items():
            edit.textEdited.connect(lambda text, k=key: self.composition.set(k, text.strip()))
        for box, key in ((t.lang_box, "lang"), (t.page_box, "page"),
                         (t.orientation_box, "orientation")):
            box.currentIndexChanged.connect(
                lambda _i, b=box, k=key: self.composition.set(k, b.currentData()))
        t.lang_box.currentIndexChanged.connect(lambda _i: self._show_lists())  # names
        t.dpi_box.valueChanged.connect(lambda v: self.composition.set("dpi", int(v)))
        t.template_box.activated.connect(
            lambda _i: self.load(self.text.template_box.currentData()))
        t.save_template_btn.clicked.connect(lambda: self.save_template())
        t.delete_template_btn.clicked.connect(lambda: self.delete_template())
        for box in (m.extent_box, m.place_box, m.sites_box):
            box.currentIndexChanged.connect(self._on_extent_changed)
        for spin in m.bbox:
            spin.editingFinished.connect(self._on_extent_changed)
        for widget in (m.fit_radio, m.fixed_radio):
            widget.toggled.connect(self._on_scale_changed)
        m.scale_box.valueChanged.connect(self._on_scale_changed)
        for attr, key in FURNITURE.items():
            getattr(m, attr).toggled.connect(lambda on, k=key: self.composition.set(k, on))
        self.layers.changed.connect(self._on_layers_changed)
        self.legend.changed.connect(self._on_legend_changed)
        self.legend_check.toggled.connect(self._on_legend_changed)

    def load(self, name: str) -> None:
        """Start from the project layout or template ``name``: every widget shows it."""
        lay = resolve_layout(name, self.project)
        values = dict(lay.values)
        if not values.get("layers"):
            values["layers"] = [layer.name for layer in self.project.layers if layer.visible]
        self.composition.base = name
        with self.composition.events.changed.blocked():
            self.composition.values = values
        self._show_values()
        self._schedule()

    def _show_values(self) -> None:
        """Write the composition into the widgets without feeding it back."""
        v, t, m = self.composition.values, self.text, self.map
        widgets = [*t.edits().values(), t.lang_box, t.page_box, t.orientation_box, t.dpi_box,
                   m.extent_box, m.place_box, m.sites_box, *m.bbox, m.fit_radio,
                   m.fixed_radio, m.scale_box, *(getattr(m, a) for a in FURNITURE),
                   self.legend_check]
        states = [w.blockSignals(True) for w in widgets]
        try:
            for key, edit in t.edits().items():
                edit.setText(str(v.get(key) or ""))
            t.lang_box.setCurrentIndex(max(0, t.lang_box.findData(v.get("lang"))))
            page = v.get("page") if isinstance(v.get("page"), str) else "A4"
            t.page_box.setCurrentIndex(max(0, t.page_box.findData(page.upper())))
            t.orientation_box.setCurrentIndex(
                max(0, t.orientation_box.findData(v.get("orientation"))))
            t.dpi_box.setValue(int(v.get("dpi") or 300))
            self._show_extent(v.get("extent_choice"))
            scale = v.get("scale")
            m.fixed_radio.setChecked(bool(scale))
            m.fit_radio.setChecked(not scale)
            if scale:
                m.scale_box.setValue(int(scale))
            for attr, key in FURNITURE.items():
                getattr(m, attr).setChecked(bool(v.get(key)))
            self.legend_check.setChecked(bool(v["legend"].get("enabled", True)))
        finally:
            for w, state in zip(widgets, states, strict=True):
                w.blockSignals(state)
        self._show_lists()
        self._enable_extent_widgets()

    def _show_extent(self, choice) -> None:
        m = self.map
        kind = (choice or {}).get("kind", "template")
        combo = {"city": "place", "district": "place"}.get(kind, kind)
        m.extent_box.setCurrentIndex(max(0, m.extent_box.findData(combo)))
        if kind in ("city", "district"):
            m.place_box.setCurrentIndex(max(0, m.place_box.findData(f"{kind}:{choice['key']}")))
        elif kind == "sites":
            m.sites_box.setCurrentIndex(max(0, m.sites_box.findData(choice["key"])))
        box = (choice or {}).get("bbox") or self.view_extent or self._page_extent()
        if box:
            for spin, value in zip(m.bbox, box, strict=True):
                spin.setValue(float(value))

    def _page_extent(self):
        """The extent the page shows now (fills the box fields before a custom edit)."""
        from hljgis.export.page import layout_extent

        try:
            return layout_extent(self.project, self.layout())
        except InputError:
            return None

    def _show_lists(self) -> None:
        v = self.composition.values
        printed = set(v.get("layers") or [])
        lang = lang_code(v.get("lang"))
        self.layers.set_layers(self.project.layers, printed, lang)
        self._show_legend()

    def _show_legend(self) -> None:
        v = self.composition.values
        printed = set(v.get("layers") or [])
        lang = lang_code(v.get("lang"))
        spec = v["legend"]
        excluded = set(spec.get("exclude") or [])
        if spec.get("layers"):
            excluded |= printed - set(spec["layers"])
        shown = [layer for layer in self.project.layers if layer.name in printed]
        self.legend.set_items(shown, spec.get("order"), excluded, lang)

    def _enable_extent_widgets(self) -> None:
        m = self.map
        kind = m.extent_box.currentData()
        m.place_box.setEnabled(kind == "place")
        m.sites_box.setEnabled(kind == "sites" and m.sites_box.count() > 0)
        m.custom.setEnabled(kind in ("custom", "view"))
        m.scale_box.setEnabled(m.fixed_radio.isChecked())

    # -- handlers --------------------------------------------------------------------------------
    def _on_composition_changed(self, key: str) -> None:
        self._schedule()

    def _on_extent_changed(self, *_args) -> None:
        m = self.map
        kind = m.extent_box.currentData()
        self._enable_extent_widgets()
        try:
            if kind == "place" and m.place_box.currentData():
                place_kind, _, key = m.place_box.currentData().partition(":")
                self.composition.set_extent(place_kind, key)
                self._auto_subtitle(m.place_box.currentText().strip())
            elif kind == "sites" and m.sites_box.currentData():
                self.composition.set_extent("sites", m.sites_box.currentData())
            elif kind == "view":
                # opened without a map window: the page's extent stands in for the view
                self.composition.set_extent("view", bbox=self.view_extent
                                            or [s.value() for s in m.bbox])
            elif kind == "custom":
                self.composition.set_extent("custom", bbox=[s.value() for s in m.bbox])
            elif kind == "template":
                self.composition.set_extent("template")
        except InputError as exc:
            self._show_warnings([str(exc)])
            return
        if kind != "custom":  # the box fields show the extent, a start for a custom one
            box = self._page_extent()
            for spin, value in zip(m.bbox, box or (), strict=False):
                blocked = spin.blockSignals(True)
                spin.setValue(float(value))
                spin.blockSignals(blocked)

    def _auto_subtitle(self, place: str) -> None:
        """A city or district names the subtitle unless the planner wrote one of their own."""
        zh, _, en = place.strip().partition(" ")
        auto = getattr(self, "_auto", None)
        for key, value in (("subtitle", en or zh), ("subtitle_zh", zh)):
            current = self.composition.get(key) or ""
            if not current or (auto and current == auto.get(key)) or \
                    current == self._template_value(key):
                self.composition.set(key, value)
                self.text.edits()[key].setText(value)
        self._auto = {"subtitle": en or zh, "subtitle_zh": zh}

    def _template_value(self, key: str):
        try:
            return resolve_layout(self.composition.base, self.project).values.get(key)
        except InputError:
            return None

    def _on_scale_changed(self, *_args) -> None:
        self._enable_extent_widgets()
        fixed = self.map.fixed_radio.isChecked()
        self.composition.set("scale", int(self.map.scale_box.value()) if fixed else None)

    def _on_layers_changed(self) -> None:
        """Printed layers changed: the legend lists them, keeping the planner's order."""
        order, excluded = self.legend.order(), set(self.legend.excluded())
        self.composition.set("layers", self.layers.printed())
        spec = self.composition.values["legend"]
        excluded |= set(spec.get("exclude") or [])
        self.composition.values["legend"] = dict(spec, order=order, layers=None,
                                                 exclude=sorted(excluded))
        self._show_legend()
        self._on_legend_changed()

    def _on_legend_changed(self, *_args) -> None:
        self.composition.set_legend(self.legend.order(), self.legend.excluded())
        legend = dict(self.composition.values["legend"])
        if legend.get("enabled", True) != self.legend_check.isChecked():
            legend["enabled"] = self.legend_check.isChecked()
            self.composition.set("legend", legend)

    def _on_project_changed(self, what: str) -> None:
        if what.startswith("layout:"):
            self._fill_templates(self.text.template_box.currentData())

    def _on_zoom_changed(self, zoom: float) -> None:
        self.zoom_label.setText(f"{zoom * 100:.0f} %")
        if self._drawn_dpi and self.preview.wanted_dpi() > self._drawn_dpi * 1.3:
            self._schedule()

    # -- layout, preview -------------------------------------------------------------------------
    def layout(self) -> Layout:
        """The layout as composed (a :class:`hljgis.export.layout.Layout`)."""
        return Layout(self.composition.to_layout_dict(), self.composition.base or "layout")

    def city(self) -> str | None:
        """The city the extent lies in (highlighted in the inset), if any."""
        return choice_city(self.project, self.composition.get("extent_choice"))

    def _schedule(self) -> None:
        self._timer.start()

    def update_preview(self) -> int:
        """Ask for the page to be drawn now (off the GUI thread); returns the request id."""
        from hljgis.export.page import page_for
        from hljgis.export.preflight import preflight

        self._timer.stop()
        try:
            page = page_for(self.project, self.layout())
        except (InputError, KeyError) as exc:
            self._show_warnings([str(exc)])
            return self._request
        dpi = self.preview.wanted_dpi()
        export_dpi = self.text.dpi_box.value()
        project = self.project

        def job(renderer, cancel):
            image, report = paint_preview(page, dpi, renderer, cancel)
            return (image, report, page.layout.page_size_mm(), dpi), \
                lambda: preflight(project, [page], "preview.pdf", export_dpi)

        self._request += 1
        self.worker.request(self._request, job)
        self.status.setText(self.tr("Drawing..."))
        return self._request

    def _on_preview_ready(self, request_id: int, result, seconds: float) -> None:
        if request_id != self._request:
            return  # an older page; a newer one is on its way
        image, report, page_mm, dpi = result
        self._drawn_dpi = dpi  # before the image: fitting it announces the zoom
        self.preview.set_image(image, page_mm)
        self.drawn_request = request_id
        self.last_report, self.last_seconds = report, seconds
        self.status.setText(self.tr("Drawn in {0} ms at {1} dpi").format(
            round(seconds * 1000), round(dpi)))

    def _on_checked(self, request_id: int, warnings) -> None:
        if request_id == self._request:
            self.checked_request = request_id
            self._show_warnings(warnings or [self.tr("No problems found.")])

    def _on_preview_failed(self, request_id: int, message: str) -> None:
        if request_id == self._request:
            self.status.setText(self.tr("Preview failed"))
            self._show_warnings([message])

    def _show_warnings(self, lines) -> None:
        self.warnings.clear()
        for line in lines:
            self.warnings.addItem(str(line))

    # -- templates -------------------------------------------------------------------------------
    def _fill_templates(self, current: str | None) -> None:
        box = self.text.template_box
        blocked = box.blockSignals(True)
        box.clear()
        for name in sorted(self.project.layouts):
            box.addItem(name, name)
        for name in TEMPLATE_NAMES:
            if name not in self.project.layouts:
                box.addItem(self.tr("{0} (built-in)").format(name), name)
        box.setCurrentIndex(max(0, box.findData(current)))
        box.blockSignals(blocked)
        self.text.delete_template_btn.setEnabled(box.currentData() in self.project.layouts)

    def save_template(self, name: str | None = None) -> str | None:
        """Store the composition as the project layout ``name`` (asked for when None)."""
        if not name:
            name, ok = QInputDialog.getText(self, self.tr("Save as template"),
                                            self.tr("Template name:"),
                                            text=self.composition.base)
            if not ok or not name.strip():
                return None
        name = name.strip()
        try:
            values = self.layout().to_dict()
        except InputError as exc:
            QMessageBox.warning(self, self.tr("Cannot save"), str(exc))
            return None
        self.session.store_layout(name, values)
        self.composition.base = name
        self._fill_templates(name)
        return name

    def save_to_project(self, name: str | None = None) -> str | None:
        """Older name of :meth:`save_template`."""
        return self.save_template(name)

    def delete_template(self, name: str | None = None) -> bool:
        """Remove the project layout ``name`` (the one shown by default); built-ins stay."""
        name = name or self.text.template_box.currentData()
        if name not in self.project.layouts:
            return False
        self.session.remove_layout(name)
        self._fill_templates(TEMPLATE_NAMES[0])
        return True

    # -- export ----------------------------------------------------------------------------------
    def _on_export_clicked(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self, self.tr("Export map"), "map.pdf", "PDF (*.pdf);;PNG (*.png);;SVG (*.svg)")
        if path:
            self.export_to(path)

    def export_to(self, path: str):
        """Write the page as composed (PDF, PNG or SVG by extension); the export result."""
        from hljgis.export.api import export_layout

        self.setCursor(Qt.CursorShape.WaitCursor)
        try:
            result = export_layout(self.project, self.layout(), path,
                                   dpi=self.text.dpi_box.value())
        except InputError as exc:
            QMessageBox.warning(self, self.tr("Export failed"), str(exc))
            return None
        finally:
            self.unsetCursor()
        self.warnings.addItem(self.tr("Exported") + f" {Path(path).name} "
                              f"({result.bytes / 1e6:.1f} MB)")
        return result

    def done(self, result: int) -> None:
        self._timer.stop()
        self.project.events.changed.disconnect(self._on_project_changed, missing_ok=True)
        self.worker.stop()
        super().done(result)
