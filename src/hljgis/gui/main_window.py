"""Main window (placeholder until the desktop issue lands): the project's layers by theme."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QMainWindow, QTreeWidget, QTreeWidgetItem

from hljgis.core.layer import THEMES
from hljgis.core.project import Project

_THEME_TITLES = {
    "en": {"analysis": "Analysis", "industry": "Industry", "land": "Land", "transport": "Transport",
           "boundaries": "Boundaries", "base": "Base map"},
    "zh": {"analysis": "分析", "industry": "产业", "land": "土地", "transport": "交通",
           "boundaries": "行政边界", "base": "底图"},
}


class MainWindow(QMainWindow):
    """Lists the project's layers grouped by theme. The map canvas replaces the centre later."""

    def __init__(self, lang: str = "en") -> None:
        super().__init__()
        self.lang = lang
        self.project: Project | None = None
        self.tree = QTreeWidget()
        self.tree.setHeaderLabels(["图层" if lang == "zh" else "Layers"])
        self.setCentralWidget(self.tree)
        self.status = QLabel()
        self.statusBar().addWidget(self.status)
        self.setWindowTitle("hljgis")

    def set_project(self, project: Project) -> None:
        self.project = project
        self.tree.clear()
        titles = _THEME_TITLES["zh" if self.lang == "zh" else "en"]
        for theme in THEMES:
            layers = [lyr for lyr in reversed(project.layers) if lyr.theme == theme]
            if not layers:
                continue
            group = QTreeWidgetItem([titles[theme]])
            for layer in layers:
                group.addChild(QTreeWidgetItem([layer.display_title(self.lang)]))
            self.tree.addTopLevelItem(group)
            group.setExpanded(True)
        title = project.metadata.get("title_zh" if self.lang == "zh" else "title") or ""
        self.setWindowTitle(f"hljgis - {title}")
        self.status.setText(f"{len(project)} layers")

    def grab_screenshot(self, path: str) -> None:
        self.show()
        self.grab().save(path, "PNG")
