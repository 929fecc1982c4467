"""The output-file row: Browse asks with the dialog's caption and filter, from the typed path."""

from __future__ import annotations

import pytest

from hljgis.gui.widgets import output_path_row
from hljgis.gui.widgets.output_path_row import OutputPathRow


@pytest.fixture
def asked(monkeypatch):
    """Record each save-file question; answer with ``asked.answer``."""
    calls = []

    def ask(parent, caption, start, file_filter):
        calls.append((caption, start, file_filter))
        return ask.answer, file_filter

    ask.answer = ""
    ask.calls = calls
    monkeypatch.setattr(output_path_row.QFileDialog, "getSaveFileName", ask)
    return ask


def test_browse_asks_with_the_window_title_and_the_filter(qtbot, asked):
    from PySide6.QtWidgets import QDialog, QVBoxLayout

    dialog = QDialog()
    qtbot.addWidget(dialog)
    dialog.setWindowTitle("Export atlas")
    row = OutputPathRow("PDF (*.pdf)", "/tmp/atlas.pdf")
    QVBoxLayout(dialog).addWidget(row)
    asked.answer = "/data/annex.pdf"
    row.browse_button.click()
    assert asked.calls == [("Export atlas", "/tmp/atlas.pdf", "PDF (*.pdf)")]
    assert row.edit.text() == "/data/annex.pdf"


def test_a_cancelled_browse_keeps_the_typed_path(qtbot, asked):
    row = OutputPathRow("HTML (*.html)", "/tmp/map.html", caption="Web map")
    qtbot.addWidget(row)
    row.browse()
    assert asked.calls == [("Web map", "/tmp/map.html", "HTML (*.html)")]
    assert row.edit.text() == "/tmp/map.html"


def test_a_callable_filter_is_read_when_browse_is_clicked(qtbot, asked):
    chosen = ["GeoPackage (*.gpkg)"]
    row = OutputPathRow(lambda: chosen[0], "/tmp/sites.gpkg", caption="Save")
    qtbot.addWidget(row)
    chosen[0] = "ESRI Shapefile (*.shp)"
    row.browse()
    assert asked.calls[0][2] == "ESRI Shapefile (*.shp)"


def test_save_features_browse_offers_the_chosen_format(qtbot, asked):
    import geopandas as gpd
    from shapely.geometry import Point

    from hljgis.core.layer import VectorLayer
    from hljgis.gui.dialogs.save_features_dialog import SaveFeaturesDialog

    layer = VectorLayer(gpd.GeoDataFrame({"name": ["a"]}, geometry=[Point(0, 0)],
                                         crs="EPSG:4326"), name="sites")
    dialog = SaveFeaturesDialog(layer, folder="/tmp")
    qtbot.addWidget(dialog)
    dialog.set_format(".geojson")
    dialog.findChild(OutputPathRow).browse_button.click()
    caption, start, file_filter = asked.calls[0]
    assert caption == dialog.windowTitle()
    assert start == "/tmp/sites.geojson"
    assert file_filter == "GeoJSON (*.geojson)"
