"""Fixtures of the layout composer's tests: the bundled project and a composer factory."""

from __future__ import annotations

import pytest

from hljgis.io import load_project
from hljgis.io.bundled import bundled_project_path


@pytest.fixture
def project():
    path = bundled_project_path()
    if not path.is_file():
        pytest.skip(f"bundled project {path} is missing in this checkout")
    return load_project(path)


@pytest.fixture
def make_composer(qtbot):
    """Composers at 1280x720, shown unless ``show=False``; closed after the test."""
    from hljgis.gui.layout.composer import LayoutComposer

    made = []

    def make(target, show=True, **kw):
        dlg = LayoutComposer(target, **kw)
        qtbot.addWidget(dlg)
        dlg.resize(1280, 720)
        made.append(dlg)
        if show:
            dlg.show()
        return dlg

    yield make
    for dlg in made:
        dlg.reject()  # stops the refresh timer and waits for a page being drawn
