"""A processed layer's lineage reaches the sources note of an exported map (PDF text)."""

from __future__ import annotations

import re

import pypdf
import pytest

from hljgis.processing import run_tool


def test_pdf_sources_note_traces_the_buffer_to_the_stations(tmp_path):
    from hljgis.export.api import export_layout
    from hljgis.io import load_project
    from hljgis.io.bundled import bundled_project_path

    path = bundled_project_path()
    if not path.is_file():
        pytest.skip("bundled project missing")
    project = load_project(path)
    buf = run_tool("buffer", {"layer": "hsr_stations", "distance_m": 2000}, project).layer
    project.add_layer(buf)
    result = export_layout(project, "dfr-annex-a4", tmp_path / "map.pdf", dpi=72, lang="en")
    text = " ".join(pypdf.PdfReader(str(result.path)).pages[0].extract_text().split())
    # the bundled font's "ff" ligature comes back from the PDF as one unknown glyph
    text = re.sub(r"([bB])u[^f\s]er", r"\1uffer", text)
    assert "High-speed railway stations: buffer 2000 m: hljgis Buffer (Distance 2000 m) of " \
           "High-speed railway stations [7 sources, see each feature, as of 2022-12]" in text
