"""Every CLI command that writes a project file stores the picture of its home view when a
layer is large, so the window opens it at once (issue 15, point 2); the picture is read
back, its fingerprint matches the file, it is not blank, and it is refused once stale."""

from __future__ import annotations

import copy
import shutil

import pyogrio
import pytest

from hljgis.analysis.presets import SME_SPACE
from hljgis.cli import main
from hljgis.io import project_preview as pp
from hljgis.io import save_project
from hljgis.io.bundled import bundled_project_path
from tests.analysis.test_presets import synthetic_project
from tests.export.picture_support import coloured_share, stored_picture
from tests.fixtures import planner_parcels
from tests.io.replace_support import write_shanty_csv

PROV = ["--source", "Jixi housing bureau survey", "--as-of", "2024-06", "--accuracy", "20"]


@pytest.fixture(autouse=True)
def large_means_ten(monkeypatch):
    """A layer of ten features counts as large here (50,000 in use)."""
    monkeypatch.setattr(pp, "MIN_FEATURES", 10)


@pytest.fixture
def bundled(tmp_path):
    path = tmp_path / "jixi.hljgis.gpkg"
    shutil.copy(bundled_project_path(), path)
    assert pp.read_preview(path) is None
    return path


def _check(path, layer: str, share: float = 0.01) -> None:
    """The picture is there and current, drawn, and refused once ``layer`` changes."""
    picture = stored_picture(path)
    assert layer in picture.layers
    assert coloured_share(picture.png) > share
    row = pyogrio.read_dataframe(path, layer=layer, max_features=1)
    pyogrio.write_dataframe(row, path, layer=layer, append=True)  # as QGIS would edit
    assert pp.read_preview(path) is None


def test_project_new(tmp_path, capsys):
    data = planner_parcels.write_all(tmp_path / "planner")
    out = tmp_path / "taoshan.hljgis.gpkg"
    assert main(["project", "new", str(out), str(data["parcels"]), str(data["stops"]),
                 "--no-bundled"]) == 0, capsys.readouterr().err
    _check(out, "parcels", share=0.001)


def test_layer_replace(bundled, tmp_path, capsys):
    csv = write_shanty_csv(tmp_path / "survey.csv")
    assert main(["layer", "replace", str(bundled), "shanty_sites", str(csv), *PROV]) == 0, \
        capsys.readouterr().err
    _check(bundled, "towns")


def test_process_into_a_project(bundled, capsys):
    assert main(["process", "buffer", "--project", str(bundled), "--input", "hsr_stations",
                 "--param", "distance_m=2000", "--name", "hsr_2km"]) == 0, \
        capsys.readouterr().err
    assert "hsr_2km" in stored_picture(bundled).layers
    _check(bundled, "towns")


def test_rank_into_a_project(tmp_path, capsys):
    project = synthetic_project()
    project.set_scenario("mine", {**copy.deepcopy(SME_SPACE), "name": "mine"})
    source = save_project(project, tmp_path / "p.hljgis.gpkg")
    out = tmp_path / "ranked.hljgis.gpkg"
    assert main(["rank", str(source), "--scenario", "mine", "--city", "Jixi",
                 "--out", str(out)]) == 0, capsys.readouterr().err
    picture = stored_picture(out)
    assert any(name not in project.layer_names() for name in picture.layers)  # the ranking
    assert coloured_share(picture.png) > 0.01


def test_a_small_project_keeps_no_picture(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(pp, "MIN_FEATURES", 50_000)
    data = planner_parcels.write_all(tmp_path / "planner")
    out = tmp_path / "small.hljgis.gpkg"
    assert main(["project", "new", str(out), str(data["parcels"]), "--no-bundled"]) == 0
    assert pp.read_preview(out) is None
