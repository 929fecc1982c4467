"""Keep the main window inside the screen as docks open, and save/restore its layout.

Why: at 1280x720 opening the ranking, the attribute table and Identify grew the window to
757, 1,115 and 1,210 px high: each dock's minimum size hint added up, and Identify was stacked
under the ranking as a two-row strip. Here every dock scrolls its content instead of asking for
its full height, the right-hand docks share one tab group, the bottom dock sits under the map
only (the right column keeps the full height), and the window never grows past the size it was
given or the screen's available area.
"""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QSettings, QSize, Qt
from PySide6.QtWidgets import QDockWidget, QFrame, QMainWindow, QScrollArea

#: Bump when the set or names of docks change, so an old saved state is ignored.
STATE_VERSION = 1
GEOMETRY_KEY = "window/geometry"
STATE_KEY = "window/state"
#: Docks on the right that share one tab group (the object names of their docks).
RIGHT_TABS = ("CityCharts", "RankingPanel", "IdentifyPanel")


def scrolling(dock: QDockWidget) -> QScrollArea:
    """Put the dock's content in a scroll area, so its minimum size never grows the window."""
    inner = dock.widget()
    if isinstance(inner, QScrollArea) and inner.property("hljgis_fit"):
        return inner
    area = QScrollArea()
    area.setProperty("hljgis_fit", True)
    area.setFrameShape(QFrame.Shape.NoFrame)
    area.setWidgetResizable(True)
    area.setWidget(inner)
    area.setMinimumSize(QSize(120, 80))
    dock.setWidget(area)
    return area


def arrange_docks(window: QMainWindow) -> None:
    """Scroll every dock, tab the right-hand docks together, keep the corners to the sides."""
    window.setCorner(Qt.Corner.BottomRightCorner, Qt.DockWidgetArea.RightDockWidgetArea)
    window.setCorner(Qt.Corner.BottomLeftCorner, Qt.DockWidgetArea.LeftDockWidgetArea)
    window.setDockOptions(QMainWindow.DockOption.AnimatedDocks
                          | QMainWindow.DockOption.AllowTabbedDocks
                          | QMainWindow.DockOption.AllowNestedDocks)
    docks = window.findChildren(QDockWidget)
    for dock in docks:
        scrolling(dock)
    by_name = {d.objectName(): d for d in docks}
    tabbed = [by_name[n] for n in RIGHT_TABS if n in by_name]
    for dock in tabbed[1:]:
        window.tabifyDockWidget(tabbed[0], dock)


#: Narrowest right-hand dock: the city charts' minimum width (340 px) plus margins and a
#: vertical scroll bar, so charts scroll down but never sideways.
MIN_RIGHT_WIDTH = 380


def right_dock_width(window: QMainWindow, wanted: int) -> int:
    """Width for a right-hand dock: ``wanted`` on a large window, at most 30 % of a small one,
    so the map keeps most of a 1280-px screen."""
    return max(MIN_RIGHT_WIDTH, min(wanted, int(window.width() * 0.30)))


#: The layer tree's width bounds: never narrower than this, never wider than about a fifth of the
#: window (23 %), so long layer names show whole on a large screen and scroll on a small one.
MIN_LEFT_WIDTH = 220


def left_dock_width(window: QMainWindow, wanted: int) -> int:
    """Width for the layer tree: ``wanted`` (its longest name) up to 23 % of the window."""
    return max(MIN_LEFT_WIDTH, min(wanted, int(window.width() * 0.23)))


def fit_to_screen(window: QMainWindow, width: int, height: int) -> QSize:
    """Resize to ``width`` x ``height`` clipped to the screen's available area (frame
    included); returns the size given."""
    screen = window.screen()
    size = QSize(width, height)
    if screen is not None:
        avail = screen.availableGeometry()
        frame = window.frameGeometry().size() - window.geometry().size()
        size = size.boundedTo(avail.size() - frame)
    window.resize(size)
    return size


def save_layout(window: QMainWindow, settings: QSettings | None = None) -> None:
    """Remember the window's geometry and dock layout (called when it closes)."""
    settings = settings or QSettings()
    settings.setValue(GEOMETRY_KEY, window.saveGeometry())
    settings.setValue(STATE_KEY, window.saveState(STATE_VERSION))


def restore_layout(window: QMainWindow, settings: QSettings | None = None) -> bool:
    """Bring back the saved geometry and docks; False when there is nothing (usable) saved.

    A geometry saved on a larger screen is clipped to this one.
    """
    settings = settings or QSettings()
    geometry, state = settings.value(GEOMETRY_KEY), settings.value(STATE_KEY)
    if not isinstance(geometry, QByteArray | bytes) or not geometry:
        return False
    if not window.restoreGeometry(QByteArray(geometry)):
        return False
    if isinstance(state, QByteArray | bytes) and state:
        window.restoreState(QByteArray(state), STATE_VERSION)
    views = getattr(window, "views", None)
    if views is not None and views.table.layer is None:
        views.table_dock.hide()  # an attribute table of no layer is just an empty box
    fit_to_screen(window, window.width(), window.height())
    return True


__all__ = ["arrange_docks", "fit_to_screen", "restore_layout", "right_dock_width",
           "save_layout", "scrolling"]
