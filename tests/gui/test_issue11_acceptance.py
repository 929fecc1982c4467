"""Issue #11's acceptance, driven like a planner: the bureau's own parcels (GBK shapefile in
EPSG:4549, no city field) and bus stops added to the bundled project in the main window,
a scenario built in the ranking dock's widgets (a preset duplicated, the parcels as
candidates, a distance to the bus stops, a constraint of their own), run, exported and
re-run by ``hljgis rank`` with the same results, saved and reopened; then an illustrative
layer replaced from an XLSX survey, after which nothing calls it illustrative."""

from __future__ import annotations

import re
import shutil

import numpy as np
import pandas as pd
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication

from hljgis.io.bundled import bundled_project_path
from hljgis.io.project_file import load_project
from tests.fixtures import planner_parcels
from tests.gui.ranking_support import (
    add_criterion,
    choose,
    fill_form,
    run_and_wait,
    shown_results,
)

pytestmark = pytest.mark.usefixtures("user_dir")


@pytest.fixture
def bundled_window(qtbot, tmp_path):
    """The main window on a copy of the bundled project (so Ctrl+S writes the copy)."""
    from hljgis.gui.main_window import MainWindow

    windows = []

    def make(path=None):
        window = MainWindow(lang="en")
        qtbot.addWidget(window)
        windows.append(window)
        window.resize(1400, 900)
        window.show()
        if path is None:
            path = tmp_path / "bureau.hljgis.gpkg"
            shutil.copy(bundled_project_path(), path)
        window.open_project(str(path))
        assert window.session.project.path
        return window

    yield make
    for window in windows:
        window.session.project.dirty = False
        window.views.ranking.shutdown()
        window.canvas.shutdown()


def ranking_of(gdf) -> pd.DataFrame:
    """Site id -> (score, rank, excluded), sorted by site id, for comparison."""
    out = pd.DataFrame({"site_id": gdf["site_id"].astype(str).to_numpy(),
                        "score": gdf["score"].to_numpy(dtype=float),
                        "rank": gdf["rank"].to_numpy(dtype=float),
                        "excluded": gdf["excluded"].astype(bool).to_numpy()})
    return out.sort_values("site_id").reset_index(drop=True)


def assert_same_ranking(a: pd.DataFrame, b: pd.DataFrame) -> None:
    assert a["site_id"].tolist() == b["site_id"].tolist()
    assert a["excluded"].tolist() == b["excluded"].tolist()
    ok = ~a["excluded"].to_numpy()
    np.testing.assert_array_equal(a["rank"].to_numpy()[ok], b["rank"].to_numpy()[ok])
    np.testing.assert_allclose(a["score"].to_numpy()[ok], b["score"].to_numpy()[ok],
                               rtol=0, atol=1e-9)
    order_a = a[ok].sort_values("rank")["site_id"].tolist()
    order_b = b[ok].sort_values("rank")["site_id"].tolist()
    assert order_a == order_b


def _rgb(image: QImage) -> np.ndarray:
    image = image.convertToFormat(QImage.Format.Format_RGB32)
    arr = np.frombuffer(image.constBits(), dtype=np.uint8).reshape(
        image.height(), image.bytesPerLine())[:, : image.width() * 4]
    return arr.reshape(image.height(), image.width(), 4)[..., :3].astype(int)


def changed_pixels(a: QImage, b: QImage) -> int:
    """Pixels that differ clearly between two grabs of the same view."""
    return int((np.abs(_rgb(a) - _rgb(b)).sum(axis=2) > 60).sum())


def _row_ink_right(panel, name: str) -> int:
    """Rightmost column of text drawn in the layer panel's row of layer ``name``."""
    from tests.gui import pixels

    index = panel.model.index_of_layer(name)
    panel.view.scrollTo(index)
    rect = panel.view.visualRect(index)
    port = panel.view.viewport()
    arr = pixels.rgb(port)
    scale = arr.shape[1] / port.width()
    row = arr[int(rect.top() * scale):int(rect.bottom() * scale),
              int(rect.left() * scale):int(port.width() * scale)]
    cols = np.flatnonzero((row.max(axis=2) < 110).any(axis=0))
    assert cols.size, f"no text drawn in the row of {name}"
    return int(cols.max() / scale)


def coloured_pixels(image: QImage) -> int:
    """Pixels that are neither grey nor white (drawn content, not just frames)."""
    image = image.convertToFormat(QImage.Format.Format_RGB32)
    arr = np.frombuffer(image.constBits(), dtype=np.uint8).reshape(
        image.height(), image.bytesPerLine())[:, : image.width() * 4]
    arr = arr.reshape(image.height(), image.width(), 4)[..., :3].astype(int)
    return int((arr.max(axis=2) - arr.min(axis=2) > 40).sum())


def test_own_parcels_ranked_in_the_window_then_by_the_cli_then_reopened(
        qtbot, bundled_window, tmp_path, capsys):
    files = planner_parcels.write_all(tmp_path / "bureau")
    window = bundled_window()
    session = window.session
    # the planner adds the two files as they came (Add data)
    window.add_data([str(files["parcels"]), str(files["stops"])])
    project = session.project
    assert {"parcels", "bus_stops"} <= set(project.layer_names())
    parcels = project.layer("parcels")
    assert parcels.feature_count == 50 and "city" not in parcels.gdf.columns
    assert parcels.gdf["DKMC"].iloc[0] == "桃山101号地块"  # GBK read right, no .cpg

    window.actions_by_key["ranking"].trigger()
    panel = window.views.ranking
    assert window.docks["ranking"].isVisible()
    # a preset made the planner's own
    choose(panel.scenario_box, "sme-space")
    assert panel.duplicate_scenario("taoshan-parcels") == "taoshan-parcels"
    # candidates: the parcels, their id and name fields
    ce = panel.candidates_editor
    choose(ce.source, "layer")
    choose(ce.layer, "parcels")
    choose(ce.id_field, "DKBH")
    choose(ce.name_field, "DKMC")
    assert panel.draft.candidates["layer"] == "parcels"
    assert panel.draft.candidates["id_field"] == "DKBH"
    assert panel.draft.candidates["name_field"] == "DKMC"
    panel.tabs.setCurrentIndex(0)
    assert ce.labels["name_field"].text() == "Site name field"
    assert ce.name_field.isVisibleTo(panel) and ce.name_field.currentText() == "DKMC"
    panel.candidates_group.grab().save("/tmp/issue11_candidates.png")
    # a new criterion: distance to the bus stops, the nearer the better
    row = add_criterion(panel, "distance", layer="bus_stops", name="bus_access",
                        title="Distance to a bus stop", title_zh="到公交站距离", unit="m",
                        direction="cost")
    c = panel.draft.criteria[row]
    assert (c["name"], c["layer"], c["direction"]) == ("bus_access", "bus_stops", "cost")
    presets = [c["name"] for c in panel.draft.criteria if c["name"] != "bus_access"]
    assert presets  # preset criteria stay alongside the new one
    # a constraint of their own: no housing land
    crow = panel.add_constraint()
    co = panel.constraint_editor
    fill_form(co, kind="attribute", where="用途 not in 居住用地", name="not_housing",
              reason="housing land is not for workshops", reason_zh="居住用地不作工坊")
    choose(co.action, "exclude")
    k = panel.draft.constraints[crow]
    assert (k["kind"], k["mode"], k["where"]) == (
        "attribute", "exclude", [{"field": "用途", "not_in": ["居住用地"]}])

    run_and_wait(qtbot, panel, monte_carlo=False)
    result = panel.result
    g = result.gdf
    assert len(g) == 50
    housing = planner_parcels.parcels_frame()["用途"].eq("居住用地").to_numpy()
    excluded = g.set_index(g["site_id"].astype(str))["excluded"]
    assert excluded.sum() == housing.sum() == 10
    assert np.isfinite(g["raw_bus_access"].to_numpy()).all()
    # the result table names the parcels, with their district; no bare row numbers
    rows = shown_results(panel)
    assert rows, panel.status.text()
    text = " | ".join(" ".join(r) for r in rows)
    assert re.search(r"桃山1\d\d号地块, Taoshan District", text), rows[:3]
    m = panel.results_view.model()
    heads = [str(m.headerData(c, Qt.Orientation.Horizontal)) for c in range(m.columnCount())]
    site = heads.index("Site")
    ranks = [int(r[heads.index("Rank")]) for r in rows if r[heads.index("Rank")]]
    assert ranks == sorted(ranks) and len(ranks) == 40
    for r in rows:  # every site by its parcel name and district, never a bare number
        assert re.fullmatch(r"桃山1\d\d号地块, Taoshan District", r[site]), r

    # in Chinese the same sites read "<parcel>（桃山区）"
    window.switch_language("zh")
    qtbot.waitUntil(lambda: "区" in shown_results(panel)[0][site], timeout=5000)
    zh_rows = shown_results(panel)
    assert all(re.fullmatch(r"桃山1\d\d号地块（桃山区）", r[site]) for r in zh_rows), zh_rows[:2]
    assert [r[site].split("（")[0] for r in zh_rows] == [r[site].split(",")[0] for r in rows]
    window.docks["ranking"].grab().save("/tmp/issue11_dock_zh.png")
    window.switch_language("en")
    qtbot.waitUntil(lambda: shown_results(panel) == rows, timeout=5000)

    # the map draws the ranked parcels (graduated by score) where they lie
    rank_layer = panel.result_layer
    window.zoom_to_layer(rank_layer.name)
    assert window.canvas.wait_for_render()
    with_ranking = window.canvas.grab().toImage()
    with_ranking.save("/tmp/issue11_map.png")
    window.session.set_layer_property(rank_layer.name, "visible", False)
    assert window.canvas.wait_for_render()
    without = window.canvas.grab().toImage()
    window.session.set_layer_property(rank_layer.name, "visible", True)
    assert window.canvas.wait_for_render()
    assert changed_pixels(with_ranking, without) > 0.05 * without.width() * without.height()

    grab = tmp_path / "issue11_dock.png"
    window.docks["ranking"].grab().save(str(grab))
    window.grab().save(str(tmp_path / "issue11_window.png"))
    shutil.copy(grab, "/tmp/issue11_dock.png")
    shutil.copy(tmp_path / "issue11_window.png", "/tmp/issue11_window.png")
    assert coloured_pixels(QImage(str(grab))) > 200

    # the same scenario from the command line
    exported = panel.export_json(str(tmp_path / "exported.json"))
    assert exported
    from hljgis import cli

    out = tmp_path / "r.gpkg"
    code = cli.main(["rank", str(files["parcels"]), "--add", f"bus_stops={files['stops']}",
                     "--scenario", exported, "--out", str(out)])
    assert code == 0, capsys.readouterr()
    import geopandas as gpd

    cli_result = gpd.read_file(out)
    assert_same_ranking(ranking_of(g), ranking_of(cli_result))

    assert cli_result.set_index("site_id")["site_name"].sort_index().tolist() == \
        g.set_index(g["site_id"].astype(str))["site_name"].sort_index().tolist()

    # Ctrl+S, reopen: the same ranking comes back
    assert window.save_project()
    path = project.path
    window.session.project.dirty = False
    again = bundled_window(path)
    panel2 = again.views.ranking
    assert panel2.scenario_box.currentData() == "taoshan-parcels"
    assert panel2.draft.candidates["name_field"] == "DKMC"
    run_and_wait(qtbot, panel2, monte_carlo=False)
    assert_same_ranking(ranking_of(g), ranking_of(panel2.result.gdf))
    assert shown_results(panel2) == rows


def _pdf_text(path) -> str:
    import pypdf

    reader = pypdf.PdfReader(str(path))
    text = "\n".join(page.extract_text() for page in reader.pages)
    return re.sub(r"\s+", " ", text)  # words of a wrapped line come apart with tabs


def _illustrative_notes(text: str) -> tuple[str, str]:
    """The English and Chinese "illustrative data" notes of an exported page."""
    en = re.search(r"Illustrative data:(.*?)contain illustrative", text)
    zh = re.search(r"示意数据：(.*?)含示意", text)
    return (en.group(1) if en else ""), (zh.group(1) if zh else "")


def test_a_layer_replaced_from_an_xlsx_survey_is_nowhere_called_illustrative(
        qtbot, bundled_window, tmp_path, monkeypatch):
    from hljgis.export.api import export_layout
    from hljgis.gui.dialogs.replace_dialog import ReplaceDialog
    from tests.io.replace_support import SHANTY_PROVENANCE, shanty_frame

    xlsx = tmp_path / "棚户区调查.xlsx"
    with pd.ExcelWriter(xlsx) as xw:
        shanty_frame().to_excel(xw, sheet_name="棚户区", index=False)
    window = bundled_window()
    project = window.session.project
    layer = project.layer("shanty_sites")
    title, title_zh = layer.title, layer.title_zh
    model = window.layer_panel.model

    def shown() -> str:
        return model.index_of_layer("shanty_sites").data(Qt.ItemDataRole.DisplayRole)

    before = tmp_path / "before.pdf"
    export_layout(project, "dfr-annex-a4", before, dpi=96)
    before_text = _pdf_text(before)
    assert shown().endswith("(illustrative)")
    assert layer.is_illustrative
    # a layers dock wide enough to show the whole title, suffix included
    window.resizeDocks([window.docks["layers"]], [520], Qt.Orientation.Horizontal)
    QApplication.processEvents()
    wide = _row_ink_right(window.layer_panel, "shanty_sites")
    for other in project.layers:  # the planner unticks the other stand-ins
        if other.is_illustrative and other.name != "shanty_sites":
            window.session.set_layer_property(other.name, "visible", False)
    assert "illustrative" in window.illustrative_label.text()  # shanty_sites still shown
    en, zh = _illustrative_notes(before_text)
    assert title in en and title_zh in zh  # listed among the illustrative layers before

    def fake_exec(self):  # the planner picks the workbook, fills the provenance, Replace
        self.load(str(xlsx))
        self.source_edit.setText(SHANTY_PROVENANCE["source"])
        self.as_of_edit.setText(SHANTY_PROVENANCE["as_of"])
        self.accuracy_edit.setText(str(SHANTY_PROVENANCE["accuracy_m"]))
        self.refresh()
        assert self.replace_button.isEnabled(), self.summary.text()
        self.replace_button.click()
        return self.result()

    monkeypatch.setattr(ReplaceDialog, "exec", fake_exec)
    window.layer_panel.replace_requested.emit("shanty_sites")
    assert layer.feature_count == 3 and not layer.is_illustrative
    assert layer.provenance["source"] == SHANTY_PROVENANCE["source"]
    # the layer panel, its tooltip and the status bar
    assert "illustrative" not in shown().lower() and "示意" not in shown()
    tip = str(model.index_of_layer("shanty_sites").data(Qt.ItemDataRole.ToolTipRole) or "")
    assert "illustrative" not in tip.lower(), tip
    assert "3 of 5 rows accepted" in window.statusBar().currentMessage()
    assert window.illustrative_label.text() == ""  # the status-bar warning is gone
    assert "shanty_sites" not in [x.name for x in project.illustrative_layers]
    QApplication.processEvents()
    window.layer_panel.grab().save(str(tmp_path / "layers.png"))
    # the row's text lost its " (illustrative)" suffix on screen too, not only in the model
    narrow = _row_ink_right(window.layer_panel, "shanty_sites")
    assert narrow < wide - 40, (narrow, wide)
    shutil.copy(tmp_path / "layers.png", "/tmp/issue11_layers.png")
    # the PDF the bureau prints
    after = tmp_path / "after.pdf"
    export_layout(project, "dfr-annex-a4", after, dpi=96)
    text = _pdf_text(after)
    shutil.copy(after, "/tmp/issue11_after.pdf")
    en, zh = _illustrative_notes(text)
    assert (en, zh) == ("", "")  # no stand-in left on the map: no illustrative note
    assert "Illustrative data" not in text and "示意数据" not in text
    assert f"{title}: {SHANTY_PROVENANCE['source']} (as of 2024-06)" in text  # sources
    # a ranking that reads the layer: its note in the dock and the web map it exports
    window.actions_by_key["ranking"].trigger()
    panel = window.views.ranking
    choose(panel.scenario_box, "sme-space")
    assert "shanty_sites" in [c["layer"] for c in panel.draft.criteria + panel.draft.constraints
                              if c.get("layer")]
    panel.city_box.setCurrentIndex(panel.city_box.findData("Jixi"))  # the surveyed city
    assert panel.city() == "Jixi"
    run_and_wait(qtbot, panel, monte_carlo=False)
    note = panel.illustrative_note.text()
    assert "Coal-mining subsidence zones" in note  # still a stand-in, and said so
    assert title not in note and title_zh not in note
    from hljgis.export.webmap import build_webmap

    html = build_webmap(project, tmp_path / "map.html", result=panel.result,
                        embed_font=False).read_text(encoding="utf-8")
    notes = re.findall(r"Illustrative data:[^<]*", html)
    assert notes and all(title not in n for n in notes), notes


def test_autosave_copy_holds_the_docks_unsaved_scenario_edits(qtbot, bundled_window):
    from hljgis.gui.ranking.models import CriteriaModel
    from hljgis.io import recovery

    window = bundled_window()
    panel = window.views.ranking
    choose(panel.scenario_box, "sme-space")
    on_disk = load_project(window.session.project.path).scenarios.get("sme-space")
    m = panel.criteria
    assert m.setData(m.index(1, CriteriaModel.WEIGHT), "17")
    row = add_criterion(panel, "distance", layer="shanty_sites", name="to_shanty")
    assert panel.draft.modified and window.session.project.dirty
    assert window.session.project.scenarios.get("sme-space") == on_disk  # only in the dock
    window._on_autosave()
    window.wait_for_autosave()
    copy = load_project(recovery.recovery_path())
    stored = copy.scenarios["sme-space"]
    assert stored["criteria"][row]["name"] == "to_shanty"
    assert stored["criteria"][row]["layer"] == "shanty_sites"
    assert [c["weight"] for c in stored["criteria"] if c["name"] != "to_shanty"][1] == 17
    assert copy.metadata["ranking_scenario"] == "sme-space"
    assert window.session.project.dirty  # the planner's own file is still unsaved
    assert load_project(window.session.project.path).scenarios.get("sme-space") == on_disk


def test_autosave_with_a_half_built_criterion_still_writes_the_copy(qtbot, bundled_window):
    from hljgis.io import recovery

    window = bundled_window()
    panel = window.views.ranking
    choose(panel.scenario_box, "sme-space")
    on_disk = load_project(window.session.project.path).scenarios.get("sme-space")
    panel.add_criterion("overlap")  # no layer chosen yet: not a valid scenario
    assert panel.draft.modified and window.session.project.dirty
    window._on_autosave()
    window.wait_for_autosave()
    copy = load_project(recovery.recovery_path())
    assert copy.scenarios.get("sme-space") == on_disk  # nothing half-built stored
    assert "Edits not kept" in panel.status.text() and "layer is required" in \
        panel.status.text()
    assert panel.draft.modified  # the edits stay in the dock for the planner to finish
