"""``hljgis layer replace``: exit codes, atomic writes, the report, and the provenance."""

import hashlib
import shutil

import pandas as pd
import pytest

from hljgis.cli import main
from hljgis.io.bundled import bundled_project_path
from hljgis.io.project_file import load_project
from tests.io.replace_support import write_pillar_xlsx, write_shanty_csv

PROV = ["--source", "Jixi housing bureau survey", "--as-of", "2024-06", "--accuracy", "20"]


@pytest.fixture
def project(tmp_path):
    path = tmp_path / "jixi.hljgis.gpkg"
    shutil.copy(bundled_project_path(), path)
    return path


def _digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_replace_from_csv_writes_the_project_and_the_report(project, tmp_path, capsys):
    csv = write_shanty_csv(tmp_path / "survey.csv")
    report = tmp_path / "rejected.csv"
    assert main(["layer", "replace", str(project), "shanty_sites", str(csv), *PROV,
                 "--report", str(report)]) == 0
    out, err = capsys.readouterr()
    assert "area_ha <- 面积(亩) [mu]" in out and "3 of 5 rows accepted, 2 rejected" in out
    assert "no longer illustrative" in out
    assert "row 4: status '进行中?'" in err and "--values 'status:进行中?=CODE'" in err
    layer = load_project(project).layer("shanty_sites")
    assert not layer.is_illustrative and layer.feature_count == 3
    assert layer.provenance["source"] == "Jixi housing bureau survey"
    assert sorted(set(pd.read_csv(report, encoding="utf-8-sig")["row"])) == [4, 5]
    assert any(tmp_path.glob("jixi*bak*"))  # the previous file kept beside it


def test_values_and_set_and_out_from_xlsx(project, tmp_path, capsys):
    xlsx = write_pillar_xlsx(tmp_path / "pillar.xlsx")
    out_path = tmp_path / "new.hljgis.gpkg"
    before = _digest(project)
    assert main(["layer", "replace", str(project), "pillar_industries", str(xlsx),
                 "--values", "industry:芯片=machinery", "--set", "city=Jixi",
                 "--source", "Jixi industry bureau", "--as-of", "2024", "--accuracy", "50",
                 "--out", str(out_path)]) == 0
    assert "4 of 4 rows accepted" in capsys.readouterr().out
    assert _digest(project) == before
    layer = load_project(out_path).layer("pillar_industries")
    assert list(layer.gdf["industry"]) == ["graphite", "green_food",
                                           "coal_electricity_chemistry", "machinery"]
    assert not layer.is_illustrative


@pytest.mark.parametrize(("extra", "message"), [
    (["--map", "colour=名称"], "'colour' is not a field of the shanty_sites layer"),
    (["--map", "district=区名"], "the file has no column '区名'"),
    (["--values", "status:已完成=done"], "'done' is not a code of 'status'"),
    (["--values", "status=cleared"], "is not FIELD:SOURCE_TEXT=CODE"),
    (["--unit", "area_ha=km"], "'km' cannot be converted"),
    (["--set", "city=Harbin"], "not an allowed value of 'city'"),
])
def test_bad_mappings_exit_2_and_leave_the_project(project, tmp_path, capsys, extra, message):
    csv = write_shanty_csv(tmp_path / "survey.csv")
    before = _digest(project)
    assert main(["layer", "replace", str(project), "shanty_sites", str(csv), *PROV,
                 *extra]) == 2
    err = capsys.readouterr().err
    assert message in err and "what to do:" in err
    assert _digest(project) == before


def test_missing_provenance_exits_2(project, tmp_path, capsys):
    csv = write_shanty_csv(tmp_path / "survey.csv")
    assert main(["layer", "replace", str(project), "shanty_sites", str(csv),
                 "--as-of", "2024"]) == 2
    assert "--source TEXT" in capsys.readouterr().err


def test_nothing_fits_exits_2_never_overwrites_but_writes_the_report(project, tmp_path,
                                                                      capsys):
    csv = tmp_path / "points.csv"
    pd.DataFrame({"名称": ["a", "b"], "经度": [130.9, 131.0], "纬度": [45.3, 45.3],
                  "状态": ["规划", "规划"], "城市": ["鸡西", "鸡西"], "所在区": ["x", "y"],
                  "面积": [3, 4]}).to_csv(csv, index=False)
    report = tmp_path / "r.csv"
    before = _digest(project)
    assert main(["layer", "replace", str(project), "shanty_sites", str(csv), *PROV,
                 "--report", str(report)]) == 2
    err = capsys.readouterr().err
    assert "no row of points.csv fits" in err and "the layer was not changed" in err
    assert _digest(project) == before
    assert len(pd.read_csv(report, encoding="utf-8-sig")) == 2


def test_dry_run_changes_nothing(project, tmp_path, capsys):
    csv = write_shanty_csv(tmp_path / "survey.csv")
    before = _digest(project)
    assert main(["layer", "replace", str(project), "shanty_sites", str(csv), *PROV,
                 "--dry-run"]) == 0
    assert "dry run" in capsys.readouterr().out
    assert _digest(project) == before


def test_a_layer_without_a_thematic_schema_is_refused(project, tmp_path, capsys):
    csv = write_shanty_csv(tmp_path / "survey.csv")
    assert main(["layer", "replace", str(project), "towns", str(csv), *PROV]) == 2
    assert "not a thematic layer" in capsys.readouterr().err
    assert main(["layer", "replace", str(project), "nope", str(csv), *PROV]) == 2
    assert "has no layer 'nope'" in capsys.readouterr().err
