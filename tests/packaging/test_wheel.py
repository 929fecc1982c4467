"""The wheel carries the bundled region and resources, and an installed hljgis finds them.

Built without build isolation (setuptools comes with the ``test`` extra), so no download.
"""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from hljgis.core import paths

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.slow


def _tracked(folder: str) -> set[str]:
    out = subprocess.run(["git", "ls-files", folder], cwd=ROOT, capture_output=True, text=True,
                         check=True).stdout
    return {line for line in out.splitlines() if line}


def test_wheel_holds_every_tracked_data_file(tmp_path):
    if not (ROOT / ".git").exists():
        pytest.skip("needs the git checkout to list the tracked data files")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
                    "-q", "-w", str(tmp_path), str(ROOT)], check=True, timeout=600)
    (wheel,) = tmp_path.glob("hljgis-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    prefix = next(n for n in names if ".data/data/share/hljgis/" in n).split("share/hljgis/")[0]
    shipped = {n[len(prefix) + len("share/hljgis/"):] for n in names if n.startswith(prefix)}
    wanted = _tracked("layers") | _tracked("resources")
    assert wanted, "no tracked data files found"
    assert wanted - shipped == set(), "data files missing from the wheel"
    assert any(n == "hljgis/core/style/defaults.py" for n in names)


def test_installed_data_folder_is_found_after_the_checkout(tmp_path, monkeypatch):
    monkeypatch.delenv("HLJGIS_HOME", raising=False)
    installed = tmp_path / "prefix" / "share" / "hljgis"
    (installed / "resources").mkdir(parents=True)
    monkeypatch.setattr(paths, "CHECKOUT", tmp_path / "no-checkout")
    monkeypatch.setattr(sys, "prefix", str(tmp_path / "prefix"))
    assert paths.data_root() == installed
    monkeypatch.setattr(paths, "CHECKOUT", ROOT)
    assert paths.data_root() == ROOT
