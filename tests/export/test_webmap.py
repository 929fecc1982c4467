"""Offline HTML map: no network reference, layers present, loads in headless Chromium."""

from __future__ import annotations

import base64
import json
import re
import shutil
import subprocess

import numpy as np
import pytest

from tests.export._common import bundled

EXTERNAL = re.compile(r"""(?:src|href)\s*=\s*["']?\s*(?:https?:)?//|url\(\s*["']?\s*https?:""",
                      re.IGNORECASE)


@pytest.fixture(scope="module")
def html_path(tmp_path_factory):
    from hljgis.export.webmap import build_webmap

    project = bundled()
    out = tmp_path_factory.mktemp("web") / "map.html"
    return build_webmap(project, out, scenario="sme-space", city="Qitaihe")


def test_html_is_self_contained(html_path):
    text = html_path.read_text(encoding="utf-8")
    assert not EXTERNAL.findall(text)
    assert "cdn" not in text.lower().replace("cdnjs", "") or "//cdn" not in text
    assert "<script src" not in text and "<link rel=\"stylesheet\" href" not in text
    assert "L.map(" in text or "L.map (" in text


def test_html_has_layers_legend_and_note(html_path):
    text = html_path.read_text(encoding="utf-8")
    for name in ("Coal-mining subsidence zones", "Expressways", "Four coal cities", "Ranking:",
                 "采煤沉陷区"):
        assert name in text
    assert "hljgis-legend" in text and "score 0.8–1.0" in text
    assert "Illustrative data" in text
    assert "L.control.layers" in text and '"collapsed": true' in text
    assert "imperial: false" in text  # metres and kilometres only
    # "under construction" lines are dashed on the map, so in the legend too
    assert re.search(r"border-top:3px dashed #[0-9a-f]{6};'></span>Under construction", text)
    assert "L.tileLayer(" not in text


@pytest.mark.skipif(shutil.which("chromium") is None,
                    reason="chromium is not installed (apt-get install chromium)")
def test_headless_chromium_loads_it_offline(html_path, tmp_path):
    from PySide6.QtGui import QImage

    from hljgis.export._qt import ensure_gui_app

    shot = tmp_path / "shot.png"
    cmd = ["chromium", "--headless", "--no-sandbox", "--disable-gpu",
           "--disable-background-networking", "--disable-component-update", "--no-first-run",
           "--disable-sync", "--proxy-server=127.0.0.1:9", "--proxy-bypass-list=<-loopback>",
           f"--user-data-dir={tmp_path / 'profile'}", f"--screenshot={shot}",
           "--window-size=1400,900", "--virtual-time-budget=4000",
           html_path.resolve().as_uri()]
    subprocess.run(cmd, capture_output=True, timeout=90, check=False)
    assert shot.is_file(), "chromium wrote no screenshot"
    ensure_gui_app()
    img = QImage(str(shot))
    assert img.width() == 1400
    colours = {img.pixel(x, y) for x in range(0, 1400, 10) for y in range(0, 900, 10)}
    assert len(colours) > 30, "the screenshot is blank"
    # the ranking is drawn on the map, left of the legend (a script error leaves only the
    # legend and the title boxes, which also hold these colours, but only in small swatches)
    from hljgis.analysis.ranking_vocab import ranking_style
    from hljgis.core.style import hex_to_rgba

    classes = [hex_to_rgba(c["symbol"]["fill"])[:3]
               for c in ranking_style()["renderer"]["classes"]]

    def is_class(c):
        rgb = ((c >> 16) & 0xFF, (c >> 8) & 0xFF, c & 0xFF)
        return any(sum(abs(a - b) for a, b in zip(rgb, k, strict=True)) < 40 for k in classes)

    hits = sum(is_class(img.pixel(x, y)) for x in range(0, 900, 10) for y in range(0, 900, 10))
    assert hits > 300, f"only {hits} sampled map pixels show ranking colours"


def test_sources_list_traces_a_processed_layer(tmp_path):
    """Like a printed page, the web map lists the sources of what it draws; a processed
    layer by its lineage (issue #17)."""
    from hljgis.export.webmap import build_webmap
    from hljgis.processing.registry import run_tool

    project = bundled()
    buf = run_tool("buffer", {"layer": "hsr_stations", "distance_m": 2000}, project).layer
    project.add_layer(buf)
    text = build_webmap(project, tmp_path / "m.html", embed_font=False).read_text("utf-8")
    sources = text[text.index("<summary>Sources 数据来源</summary>"):]
    assert "hljgis Buffer (Distance 2000 m) of High-speed railway stations" in sources
    assert "Expressways:" in sources


def _dem_overlay(text: str):
    m = re.search(r'L\.imageOverlay\(\s*"(data:image/png;base64,[A-Za-z0-9+/=]+)",\s*'
                  r'(\[\[[^\]]+\],\s*\[[^\]]+\]\])', text)
    assert m, "no inlined raster overlay"
    return m.group(1), json.loads(m.group(2))


def test_the_dem_is_an_inlined_image_overlay_under_the_vectors(html_path):
    text = html_path.read_text(encoding="utf-8")
    uri, bounds = _dem_overlay(text)
    from hljgis.export.webassets import leaflet_css, leaflet_js

    # no URL at all outside the vendored Leaflet (whose comments cite bug trackers)
    ours = text.replace(leaflet_js(), "").replace(leaflet_css(), "")
    assert len(ours) < len(text) - 100_000
    assert not EXTERNAL.findall(text) and not re.search(r"https?://", ours)
    # the DEM's own bounds (127.5-135.9 E, 42.93-49.53 N), in Leaflet's [[s, w], [n, e]]
    assert bounds[0] == pytest.approx([42.93, 127.5], abs=0.01)
    assert bounds[1] == pytest.approx([49.53, 135.9], abs=0.01)
    assert text.index("L.imageOverlay(") < text.index("L.geoJson(")  # drawn first, below
    # in the layer list (folium writes its names JSON-escaped)
    assert json.dumps("Elevation (indicative, 0.2 degree) 高程（示意）")[1:-1] in text
    from PySide6.QtGui import QImage

    from hljgis.export._qt import ensure_gui_app
    from tests.gui.pixels import rgb

    ensure_gui_app()
    img = QImage.fromData(base64.b64decode(uri.split(",", 1)[1]), "PNG")
    assert max(img.width(), img.height()) == 1024
    arr = rgb(img)
    grey = arr.mean(axis=2)
    assert grey.std() > 3 and len(np.unique(arr.reshape(-1, 3), axis=0)) > 500  # shaded


@pytest.mark.skipif(shutil.which("chromium") is None,
                    reason="chromium is not installed (apt-get install chromium)")
def test_headless_chromium_shows_the_hillshade(tmp_path):
    from PySide6.QtGui import QImage

    from hljgis.export._qt import ensure_gui_app
    from hljgis.export.webmap import build_webmap
    from tests.gui.pixels import rgb

    project = bundled()
    for layer in project.layers:
        layer.visible = layer.name in ("dem", "cities")
    html = build_webmap(project, tmp_path / "dem.html", embed_font=False)
    shot = tmp_path / "dem.png"
    cmd = ["chromium", "--headless", "--no-sandbox", "--disable-gpu",
           "--disable-background-networking", "--disable-component-update", "--no-first-run",
           "--disable-sync", "--proxy-server=127.0.0.1:9", "--proxy-bypass-list=<-loopback>",
           f"--user-data-dir={tmp_path / 'profile'}", f"--screenshot={shot}",
           "--window-size=1200,800", "--virtual-time-budget=4000", html.resolve().as_uri()]
    subprocess.run(cmd, capture_output=True, timeout=90, check=False)
    assert shot.is_file(), "chromium wrote no screenshot"
    ensure_gui_app()
    arr = rgb(QImage(str(shot)))[150:750, 100:800]  # the map, left of the legend
    # the bare page is the flat map background #eaf1f6; the DEM covers it with shading
    background = (np.abs(arr - (0xEA, 0xF1, 0xF6)).sum(axis=2) < 6).mean()
    assert background < 0.2, background
    assert arr.mean(axis=2).std() > 10


def test_popups_show_codes_by_their_labels_in_both_languages(html_path):
    text = html_path.read_text(encoding="utf-8")
    # industrial parks: lead_industries codes, level codes; status of transport lines
    assert json.dumps("Opened 已开通")[1:-1] in text
    assert '"status": "opened"' not in text
