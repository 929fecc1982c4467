"""Finding the bundled East Heilongjiang data, in a source checkout or an installed bundle."""

from __future__ import annotations

from pathlib import Path

from hljgis.core.paths import data_root, resources_dir

BUNDLED_PROJECT = "east-heilongjiang.hljgis.gpkg"


def layers_dir() -> Path:
    return data_root() / "layers"


def bundled_project_path() -> Path:
    """Path of the bundled project file (it may not exist in a partial checkout)."""
    return layers_dir() / BUNDLED_PROJECT


__all__ = ["BUNDLED_PROJECT", "bundled_project_path", "data_root", "layers_dir",
           "resources_dir"]
