"""Shared helpers of the export tests (the project is loaded once per module)."""

from __future__ import annotations

import pytest


def bundled():
    from hljgis.io import load_project
    from hljgis.io.bundled import bundled_project_path

    path = bundled_project_path()
    if not path.is_file():
        pytest.skip(f"bundled project {path} is missing in this checkout")
    return load_project(path)
