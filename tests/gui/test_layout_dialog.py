"""The print layout dialog: live preview, pre-flight, save in project, export."""

import numpy as np
import pypdf
import pytest
from PySide6.QtGui import QImage

from hljgis.io import load_project
from hljgis.io.bundled import bundled_project_path


@pytest.fixture
def dialog(qtbot):
    from hljgis.gui.dialogs.layout_dialog import LayoutDialog

    project = load_project(bundled_project_path())
    dlg = LayoutDialog(project)
    qtbot.addWidget(dlg)
    dlg.show()
    return dlg


def _non_white(pixmap) -> int:
    img = pixmap.toImage().convertToFormat(QImage.Format.Format_RGB32)
    arr = np.frombuffer(img.constBits(), np.uint8).reshape(img.height(), img.bytesPerLine())
    arr = arr[:, : img.width() * 4].reshape(img.height(), img.width(), 4)[..., :3]
    return int((arr.sum(axis=2) < 600).sum())


def test_preview_shows_the_page_and_follows_the_city(dialog):
    first = dialog.preview.pixmap()
    assert first is not None and _non_white(first) > 2000
    assert dialog.warnings.count() >= 1
    dialog.city_box.setCurrentIndex(dialog.city_box.findData("qitaihe"))
    dialog.update_preview()
    assert dialog.preview.pixmap().cacheKey() != first.cacheKey()


def test_save_in_project_and_export_pdf(dialog, tmp_path):
    dialog.title_edit.setText("Qitaihe test map")
    dialog.city_box.setCurrentIndex(dialog.city_box.findData("qitaihe"))
    dialog.dpi_box.setValue(100)
    assert dialog.save_to_project("annex-qitaihe") == "annex-qitaihe"
    assert dialog.project.layouts["annex-qitaihe"]["title"] == "Qitaihe test map"
    result = dialog.export_to(str(tmp_path / "map.pdf"))
    text = pypdf.PdfReader(str(result.path)).pages[0].extract_text().replace("\t", " ")
    assert "Qitaihe test map" in text and "七台河" in text
