"""The vendored web assets of the offline HTML map, inlined so the file needs no network.

Leaflet 1.9.4 (BSD-2-Clause, ``resources/web/leaflet-1.9.4/LICENSE``) with its control images
turned into data URIs, and the bundled CJK font as a base64 ``@font-face`` so Chinese names
show on a machine with no Chinese font.
"""

from __future__ import annotations

import base64
import re
from functools import cache

from hljgis.io.bundled import resources_dir

LEAFLET_DIR = "leaflet-1.9.4"


def _web() -> object:
    return resources_dir() / "web" / LEAFLET_DIR


@cache
def leaflet_js() -> str:
    """leaflet.js with the attribution's link to leafletjs.com made plain text (no URL)."""
    js = (_web() / "leaflet.js").read_text(encoding="utf-8")
    return re.sub(r"<a href=\"https?://leafletjs\.com\"", "<a", js)


@cache
def leaflet_css() -> str:
    """leaflet.css with ``url(images/x.png)`` replaced by data URIs (missing ones dropped)."""
    css = (_web() / "leaflet.css").read_text(encoding="utf-8")

    def inline(m):
        path = _web() / m.group(1)
        if path.is_file():
            data = base64.b64encode(path.read_bytes()).decode("ascii")
            return f"url(data:image/png;base64,{data})"
        return "none"

    return re.sub(r"url\((images/[^)]+)\)", inline, css)


def leaflet_licence() -> str:
    return (_web() / "LICENSE").read_text(encoding="utf-8")


@cache
def font_face_css(family: str = "HLJGIS Sans SC") -> str:
    """An ``@font-face`` rule embedding the bundled regular font (about 4 MB as base64)."""
    from hljgis.render.fonts import FILES, font_dir

    data = base64.b64encode((font_dir() / FILES[0]).read_bytes()).decode("ascii")
    return (f"@font-face{{font-family:'{family}';src:url(data:font/otf;base64,{data}) "
            "format('opentype');font-weight:normal;font-style:normal;}")
