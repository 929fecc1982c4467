import numpy as np
import pytest

from hljgis.render.transform import MapTransform


def test_keeps_aspect_and_centre():
    mt = MapTransform((0, 0, 100, 100), 200, 100, crs="EPSG:4552")
    assert mt.extent == pytest.approx((-50, 0, 150, 100))
    px, py = mt.to_pixels([-50, 150, 50], [100, 0, 50])
    assert px == pytest.approx([0, 200, 100])
    assert py == pytest.approx([0, 100, 50])
    x, y = mt.to_map(px, py)
    assert x == pytest.approx([-50, 150, 50]) and y == pytest.approx([100, 0, 50])


def test_scale_denominator_metric_and_geographic():
    # 1 m per pixel at 96 dpi: one pixel is 0.2646 mm, so 1:3780.
    mt = MapTransform((500000, 5000000, 501000, 5001000), 1000, 1000, dpi=96, crs="EPSG:4552")
    assert mt.scale_denominator == pytest.approx(1 / 0.0254 * 96, rel=1e-6)
    geo = MapTransform((130.0, 45.0, 131.0, 46.0), 1000, 1000, dpi=96, crs="EPSG:4490")
    # Degrees of longitude are drawn cos(lat) narrower: the frame shows more longitude.
    assert geo.upp_x == pytest.approx(geo.upp_y / np.cos(np.radians(45.5)))
    # 1 px is ~111 m of latitude; the horizontal ground size matches within 1 %.
    assert geo.metres_per_pixel() == pytest.approx(111_000 / 1000, rel=0.01)


def test_mm_and_pt():
    mt = MapTransform((0, 0, 1, 1), 10, 10, dpi=300)
    assert mt.mm_to_px(25.4) == pytest.approx(300)
    assert mt.pt_to_px(72) == pytest.approx(300)
