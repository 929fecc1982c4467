"""House rules that a tool checks: Qt stays out of the core, no network in the suite."""

import socket
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def test_core_io_and_analysis_import_without_qt():
    code = (
        "import sys, hljgis.core.layer, hljgis.core.project, hljgis.core.crs, hljgis.io, "
        "hljgis.analysis, hljgis.processing, hljgis.cli\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('PySide6', 'shiboken6'))\n"
        "print(','.join(bad))"
    )
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=120, check=True)
    assert res.stdout.strip() == ""


def test_import_linter_contracts_hold():
    exe = Path(sys.executable).parent / "lint-imports"
    res = subprocess.run([str(exe)], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert res.returncode == 0, res.stdout + res.stderr
    assert "Contracts: " in res.stdout and " broken" in res.stdout
    assert "0 broken" in res.stdout


def test_sockets_are_blocked_during_the_suite(expect_blocked_socket):
    from pytest_socket import SocketBlockedError

    with pytest.raises(SocketBlockedError):
        socket.socket(socket.AF_INET, socket.SOCK_STREAM)


@pytest.mark.parametrize("family, host", [(socket.AF_INET, "127.0.0.1"),
                                          (socket.AF_INET6, "::1")])
def test_loopback_sockets_are_seen_even_when_caught(expect_blocked_socket, family, host):
    """urllib3 probes IPv6 by binding ::1 and swallows the error: the guard must see it."""
    import contextlib

    with contextlib.suppress(Exception):  # as a library would
        socket.socket(family, socket.SOCK_STREAM).bind((host, 0))


def test_the_webmap_imports_folium_without_a_socket():
    """Importing requests (folium does) makes urllib3 bind ::1; the webmap must not."""
    import subprocess
    import sys

    code = ("import os, sys\n"
            "sys.addaudithook(lambda e, a: e == 'socket.__new__' and os._exit(3))\n"
            "from hljgis.export.webmap import _folium\n"
            "_folium()\n"
            "assert 'urllib3' not in sys.modules\n")
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert res.returncode == 0, res.stderr


def test_no_network_urls_for_tiles_or_cdns_in_the_product():
    import re

    pattern = re.compile(r"https?://[^\"' ]*(cdn|unpkg|jsdelivr|tile\.|tiles\.|openstreetmap|"
                         r"googleapis|bootstrapcdn|cloudflare)")
    hits = [f"{p}:{i}" for p in (ROOT / "src").rglob("*.py")
            for i, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
            if pattern.search(line)]
    assert hits == []


def test_render_never_imports_widgets():
    import ast

    offenders = []
    for path in (ROOT / "src" / "hljgis" / "render").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""] + [f"{node.module}.{a.name}" for a in node.names]
            offenders += [f"{path.name}: {n}" for n in names if "QtWidgets" in n]
    assert offenders == []


#: Test folders that are campaigns across the package, not the tests of one subpackage.
CAMPAIGN_FOLDERS = {"data", "faults", "fixtures", "packaging", "postgis"}


def test_test_folders_mirror_the_source_packages():
    """tests/<pkg>/<sub>/ exists only where src/hljgis/<pkg>/<sub>/ does, so the tests of a
    module are found by its package path (campaign folders listed above excepted)."""
    root = Path(__file__).resolve().parent
    src = root.parent / "src" / "hljgis"
    strays = []
    for folder in sorted(p for p in root.rglob("*") if p.is_dir()):
        rel = folder.relative_to(root)
        if rel.parts[0] in CAMPAIGN_FOLDERS or "__pycache__" in rel.parts or \
                rel.parts[-1] == "data":
            continue
        if not (src / rel).is_dir():
            strays.append(str(rel))
        elif not (folder / "__init__.py").is_file():
            strays.append(f"{rel} (no __init__.py)")
    assert strays == []
