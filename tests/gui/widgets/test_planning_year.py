"""The toolbar's "Planning year" box re-colours subsidence zones and their table cells."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
import shapely
from PySide6.QtGui import QImage

from hljgis.core.layer import VectorLayer
from hljgis.core.project import Project
from hljgis.core.style import default_style
from hljgis.core.subsidence import apply_planning_year
from hljgis.gui.i18n import set_language

pytestmark = pytest.mark.usefixtures("user_dir")


def _project() -> Project:
    """Two zones side by side, mined until 2018 (stable from 2023) and until 2030."""
    end = np.array([2018, 2030])
    z = gpd.GeoDataFrame(
        {"name": ["West", "East"], "name_zh": ["西区", "东区"], "mining_end_year": end,
         "stable_from_year": end + 5},
        geometry=[shapely.box(130.0, 45.0, 130.5, 45.5), shapely.box(130.5, 45.0, 131.0, 45.5)],
        crs="EPSG:4490")
    p = Project(title="Year test")
    p.add_layer(VectorLayer(z, name="subsidence_zones", schema="subsidence_zones",
                            title="Subsidence zones", style=default_style("subsidence_zones")))
    apply_planning_year(p, 2026)
    p.dirty = False
    return p


@pytest.fixture
def window(make_main_window):
    w = make_main_window(_project())
    assert w.canvas.wait_for_render()
    return w


def _rgb(window) -> np.ndarray:
    image = window.canvas.grab().toImage().convertToFormat(QImage.Format.Format_RGB32)
    arr = np.frombuffer(image.constBits(), dtype=np.uint8).reshape(
        image.height(), image.bytesPerLine())[:, : image.width() * 4]
    arr = arr.reshape(image.height(), image.width(), 4)
    return np.stack([arr[..., 2], arr[..., 1], arr[..., 0]], axis=-1).astype(int)


def _half_colours(window) -> tuple[int, int, int, int]:
    """(yellow, red) pixel counts in the West zone, then in the East zone."""
    rgb = _rgb(window)
    x_mid = int(window.canvas.to_pixel(130.5, 45.25).x())
    out = []
    for part in (rgb[:, :x_mid], rgb[:, x_mid:]):
        r, g, b = part[..., 0], part[..., 1], part[..., 2]
        yellow = (r > 235) & (g > 190) & (g < 235) & (b < 160)  # stable #fec44f over white
        red = (r > 180) & (g < 130) & (b < 130)  # mining #cb181d (and its hatch)
        out += [int(yellow.sum()), int(red.sum())]
    return tuple(out)


def _status_cells(window) -> list[str]:
    table = window.views.table
    col = table.model.columns.index("status")
    return [table.proxy.index(r, col).data() for r in range(table.proxy.rowCount())]


def test_changing_the_year_recolours_the_map_and_the_table(window, qtbot, tmp_path):
    box = window.planning_year
    assert box.spin.value() == 2026
    assert box.isVisible() and box.label.text() == "Planning year"
    project_menu = next(m for m, t in window._menus if t == "&Project")
    assert box.action in project_menu.actions() and box.action.text() == "Planning year..."
    window.open_table("subsidence_zones")
    assert _status_cells(window) == ["Stable", "Mining"]  # code labels in the UI language
    w_yellow, w_red, e_yellow, e_red = _half_colours(window)
    assert w_yellow > 5000 and w_red < 500 and e_red > 2000 and e_yellow < 500
    window.grab().save(str(tmp_path / "year-2026.png"))

    box.spin.setValue(2016)  # both zones still mined in 2016
    assert window.canvas.wait_for_render()
    qtbot.waitUntil(lambda: _half_colours(window)[1] > 2000, timeout=5000)
    w_yellow, w_red, e_yellow, e_red = _half_colours(window)
    assert w_yellow < 500 and w_red > 2000 and e_red > 2000
    assert _status_cells(window) == ["Mining", "Mining"]
    assert window.session.project.dirty
    assert window.session.project.metadata["planning_year"] == 2016
    legend = window.layer_panel.model.index_of_layer("subsidence_zones")
    texts = [legend.model().index(r, 0, legend).data()
             for r in range(legend.model().rowCount(legend))]
    assert "Still mined in 2016" in texts, texts
    window.grab().save(str(tmp_path / "year-2016.png"))

    window.undo()
    assert box.spin.value() == 2026
    assert window.canvas.wait_for_render()
    qtbot.waitUntil(lambda: _half_colours(window)[0] > 5000, timeout=5000)
    assert _status_cells(window) == ["Stable", "Mining"]  # code labels in the UI language


def test_the_box_speaks_chinese(qtbot):
    from hljgis.core.session import Session
    from hljgis.gui.widgets.planning_year import PlanningYearBox

    set_language("zh")
    box = PlanningYearBox(Session(_project()))
    qtbot.addWidget(box)
    box.retranslate()
    assert box.label.text() == "规划年份" and "沉陷" in box.spin.toolTip()
