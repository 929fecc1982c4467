"""Finding the bundled East Heilongjiang data, in a source checkout or an installed bundle."""

from __future__ import annotations

import os
import sys
from pathlib import Path

BUNDLED_PROJECT = "east-heilongjiang.hljgis.gpkg"


def data_root() -> Path:
    """The folder holding ``layers/`` and ``resources/``.

    Looked up in order: ``$HLJGIS_HOME``; the PyInstaller bundle folder; the source checkout
    (two levels above ``src/hljgis``).
    """
    env = os.environ.get("HLJGIS_HOME")
    if env:
        return Path(env)
    frozen = getattr(sys, "_MEIPASS", None)
    if frozen:
        return Path(frozen)
    return Path(__file__).resolve().parents[3]


def layers_dir() -> Path:
    return data_root() / "layers"


def resources_dir() -> Path:
    return data_root() / "resources"


def bundled_project_path() -> Path:
    """Path of the bundled project file (it may not exist in a partial checkout)."""
    return layers_dir() / BUNDLED_PROJECT
