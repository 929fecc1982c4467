"""Offline HTML map: no network reference, layers present, loads in headless Chromium."""

from __future__ import annotations

import re
import shutil
import subprocess

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
