"""Where the bundled data lives: ``layers/`` and ``resources/``, in a checkout or a bundle.

In core because the core itself reads data files (the default styles in
``resources/styles/``); :mod:`hljgis.io.bundled` builds on it.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

#: The source checkout: two levels above ``src/hljgis``.
CHECKOUT = Path(__file__).resolve().parents[3]


def data_root() -> Path:
    """The folder holding ``layers/`` and ``resources/``.

    Looked up in order: ``$HLJGIS_HOME``; the PyInstaller bundle folder; the source checkout
    (two levels above ``src/hljgis``); the data folder a wheel installs
    (``<prefix>/share/hljgis``, see ``[tool.setuptools.data-files]`` in pyproject.toml).
    """
    env = os.environ.get("HLJGIS_HOME")
    if env:
        return Path(env)
    frozen = getattr(sys, "_MEIPASS", None)
    if frozen:
        return Path(frozen)
    if (CHECKOUT / "resources").is_dir():
        return CHECKOUT
    installed = Path(sys.prefix) / "share" / "hljgis"
    return installed if (installed / "resources").is_dir() else CHECKOUT


def resources_dir() -> Path:
    return data_root() / "resources"


__all__ = ["data_root", "resources_dir"]
