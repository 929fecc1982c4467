"""The bundled CJK label font (HLJGIS Sans SC, a Noto Sans CJK SC subset, SIL OFL 1.1).

Labels must show 鹤岗, 鸡西, 七台河 and 双鸭山 on a machine with no Chinese font, so the
renderer never relies on the system's fonts for them.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from PySide6.QtGui import QFont, QFontDatabase, QGuiApplication

FAMILY = "HLJGIS Sans SC"
FILES = ("HLJGISSansSC-Regular.otf", "HLJGISSansSC-Bold.otf")

_registered: str | None = None


def font_dir() -> Path:
    """Where the bundled fonts are: $HLJGIS_RESOURCES/fonts, a frozen app's bundle, or the
    repository's ``resources/fonts``."""
    candidates = []
    if os.environ.get("HLJGIS_RESOURCES"):
        candidates.append(Path(os.environ["HLJGIS_RESOURCES"]) / "fonts")
    if getattr(sys, "_MEIPASS", None):
        candidates.append(Path(sys._MEIPASS) / "resources" / "fonts")
    here = Path(__file__).resolve()
    candidates += [here.parents[1] / "resources" / "fonts", here.parents[3] / "resources" / "fonts"]
    for c in candidates:
        if (c / FILES[0]).is_file():
            return c
    raise FileNotFoundError(
        "the bundled label font HLJGISSansSC-Regular.otf was not found in "
        + ", ".join(str(c) for c in candidates)
        + "; reinstall hljgis or set HLJGIS_RESOURCES to the folder holding fonts/")


def ensure_fonts() -> str:
    """Register the bundled fonts with Qt once and return their family name.

    Needs a QGuiApplication. Falls back to the default sans-serif family (and says so on
    stderr) if the files are missing, so a broken install still draws Latin labels.
    """
    global _registered
    if _registered is not None:
        return _registered
    if QGuiApplication.instance() is None:
        raise RuntimeError("ensure_fonts() needs a QGuiApplication")
    try:
        folder = font_dir()
    except FileNotFoundError as exc:
        print(f"hljgis: {exc}", file=sys.stderr)
        _registered = QFont().defaultFamily()
        return _registered
    family = None
    for name in FILES:
        fid = QFontDatabase.addApplicationFont(str(folder / name))
        if fid >= 0 and family is None:
            fams = QFontDatabase.applicationFontFamilies(fid)
            family = fams[0] if fams else None
    _registered = family or FAMILY
    return _registered


def label_font(size_px: float, bold: bool = False) -> QFont:
    """The label font at a pixel size (pixel sizes keep print and screen proportional)."""
    font = QFont(ensure_fonts())
    font.setPixelSize(max(1, round(size_px)))
    font.setBold(bold)
    font.setHintingPreference(QFont.HintingPreference.PreferNoHinting)
    return font
