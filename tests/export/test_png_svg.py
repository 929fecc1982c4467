"""PNG and SVG exports: pixels in the map frame and legend, SVG structure and text."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import numpy as np
import pytest

from tests.export._common import bundled


@pytest.fixture(scope="module")
def project():
    return bundled()


def _array(img):
    from PySide6.QtGui import QImage

    img = img.convertToFormat(QImage.Format.Format_RGB32)
    ptr = img.constBits()
    arr = np.frombuffer(ptr, dtype=np.uint8, count=img.sizeInBytes())
    return arr.reshape(img.height(), img.bytesPerLine() // 4, 4)[:, :img.width(), :3].copy()


def test_png_map_frame_and_legend_have_content(project, tmp_path):
    from PySide6.QtGui import QImage

    from hljgis.export.api import export_layout
    from hljgis.export.layout import resolve_layout

    dpi = 72
    out = tmp_path / "a4.png"
    result = export_layout(project, "dfr-annex-a4", out, dpi=dpi)
    img = QImage(str(out))
    lay = resolve_layout("dfr-annex-a4")
    assert (img.width(), img.height()) == lay.page_size_px(dpi)
    px = _array(img)
    s = dpi / 25.4
    w, h = lay.page_size_mm()
    # map frame: the left 60 % of the page between title and footer
    frame = px[int(40 * s):int((h - 60) * s), int(15 * s):int((w - 100) * s)]
    assert frame.std() > 20, "map frame looks blank"
    assert len(np.unique(frame.reshape(-1, 3), axis=0)) > 100
    # legend: the sidebar's lower part holds coloured swatches (not just grey text)
    side = px[int(80 * s):int((h - 50) * s), int((w - 80) * s):int((w - 10) * s)].astype(int)
    sat = side.max(axis=2) - side.min(axis=2)
    assert (sat > 60).sum() > 200, "legend has no coloured symbols"
    assert result.reports[0].legend.drawn > 10


def test_png_at_any_dpi(project, tmp_path):
    from PySide6.QtGui import QImage

    from hljgis.export.api import export_layout

    out = tmp_path / "small.png"
    export_layout(project, "dfr-annex-a4", out, dpi=40, city="Qitaihe")
    img = QImage(str(out))
    assert img.width() == round(297 / 25.4 * 40)
    assert round(img.dotsPerMeterX() * 0.0254) == 40


def test_svg_parses_with_paths_and_title(project, tmp_path):
    from hljgis.export.api import export_layout

    out = tmp_path / "a3.svg"
    export_layout(project, "dfr-annex-a3", out, dpi=72, lang="en")
    root = ET.parse(out).getroot()
    ns = "{http://www.w3.org/2000/svg}"
    paths = root.findall(f".//{ns}path")
    assert len(paths) > 100
    text = " ".join("".join(t.itertext()) for t in root.iter(f"{ns}text"))
    assert "East Heilongjiang: coal cities and their setting" in text
    assert "Legend" in text
