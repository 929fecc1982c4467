"""A raster's style reaches the exported page: PNG pixels of the map frame and the legend's
ramp with its stretch values, and the same legend text in PDF and SVG."""

from __future__ import annotations

import copy

import numpy as np
import pytest

from hljgis.core.raster_style import format_value, layer_range
from tests.export._common import bundled

DPI = 72


@pytest.fixture(scope="module")
def project():
    return bundled()


@pytest.fixture
def dem(project):
    layer = project.layer("dem")
    style, opacity = copy.deepcopy(layer.style), layer.opacity
    yield layer
    layer.style, layer.opacity = style, opacity


def _export(project, dem, out):
    from PySide6.QtGui import QImage

    from hljgis.export.api import export_layout
    from hljgis.export.layout import resolve_layout

    lay = resolve_layout("dfr-annex-a4")
    # The annex template leaves the DEM out of its legend; a planner may put it back.
    lay = lay.replace(legend={**lay.legend, "exclude": []})
    result = export_layout(project, lay, out, dpi=DPI, layers=[dem])
    if out.suffix != ".png":
        return result, None, None
    img = QImage(str(out)).convertToFormat(QImage.Format.Format_RGB32)
    arr = np.frombuffer(img.constBits(), dtype=np.uint8, count=img.sizeInBytes())
    arr = arr.reshape(img.height(), img.bytesPerLine() // 4, 4)[:, :img.width(), :3]
    px = arr[..., ::-1].astype(int)
    s = DPI / 25.4
    w, h = resolve_layout("dfr-annex-a4").page_size_mm()
    frame = px[int(40 * s):int((h - 60) * s), int(15 * s):int((w - 100) * s)].reshape(-1, 3)
    side = px[int(40 * s):int((h - 30) * s), int((w - 85) * s):int((w - 5) * s)].reshape(-1, 3)
    return result, frame, side


def _style(**renderer):
    return {"version": 1, "renderer": {"kind": "raster", **renderer}}


def test_png_follows_ramp_stretch_and_hillshade(project, dem, tmp_path):
    dem.style = _style(ramp="Greys", reverse=True, stretch="minmax", hillshade=False)
    result, frame, side = _export(project, dem, tmp_path / "grey.png")
    sat = frame.max(axis=1) - frame.min(axis=1)
    assert (sat <= 2).mean() > 0.95, "a grey DEM exported with colour"
    assert frame.std() > 15, "the DEM's grey levels do not vary"
    lo, hi = layer_range(dem)
    label = f"{format_value(lo)} – {format_value(hi)}"
    assert label in result.reports[0].legend.labels  # the legend gives the ramp's values

    dem.style = _style(ramp="Reds", stretch="percent", percent=[2, 98], hillshade=True,
                       z_factor=30.0, shade_strength=1.0)
    result, red, side = _export(project, dem, tmp_path / "red.png")
    # Reds runs from near white (the plains) to dark red (the hills): red dominates.
    reddish = (red[:, 0] - red[:, 1] > 25).mean()
    assert reddish > 0.5, f"only {reddish:.0%} of the frame follows the Reds ramp"
    assert (red[:, 0] - red[:, 1]).mean() > 40 > (frame[:, 0] - frame[:, 1]).mean() + 38
    # Multiply-blended hillshade: the frame is darker and more varied than the ramp alone.
    dem.style = _style(ramp="Reds", stretch="percent", percent=[2, 98], hillshade=False)
    _, flat, _ = _export(project, dem, tmp_path / "flat.png")
    assert red.mean() < flat.mean() - 3
    # The legend's ramp swatch shows the ramp's colours.
    assert ((side[:, 0] - side[:, 1] > 60) & (side[:, 0] > 150)).sum() > 30
    lo2, hi2 = layer_range(dem)
    assert (lo2, hi2) != (lo, hi)
    assert f"{format_value(lo2)} – {format_value(hi2)}" in result.reports[0].legend.labels


def test_png_follows_opacity(project, dem, tmp_path):
    dem.style = _style(ramp="Greys", stretch="user", min=-1e6, max=-1e5, hillshade=False)
    _, black, _ = _export(project, dem, tmp_path / "black.png")  # all above: darkest grey
    dem.opacity = 0.4
    _, faded, _ = _export(project, dem, tmp_path / "faded.png")
    dem.opacity = 0.0
    _, empty, _ = _export(project, dem, tmp_path / "empty.png")
    assert np.median(black) < 5 and np.median(empty) > 200
    # 40 % black over the frame's own background, pixel by pixel.
    err = np.abs(faded - (0.4 * black + 0.6 * empty))
    assert np.median(err) <= 2 and np.percentile(err, 95) <= 6


@pytest.mark.parametrize("suffix", [".pdf", ".svg"])
def test_vector_outputs_carry_the_legend_values(project, dem, tmp_path, suffix):
    dem.style = _style(ramp="terrain", stretch="stddev", stddev=1.0, hillshade=True)
    result, _, _ = _export(project, dem, tmp_path / f"dem{suffix}")
    lo, hi = layer_range(dem)
    label = f"{format_value(lo)} – {format_value(hi)}"
    assert label in result.reports[0].legend.labels
    if suffix == ".svg":
        text = (tmp_path / "dem.svg").read_text(encoding="utf-8")
        assert "<image" in text  # the coloured raster is embedded
