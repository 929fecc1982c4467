"""A ranking that will not fit in memory is refused before any cell is built."""

import geopandas as gpd
import pytest
import shapely

from hljgis.analysis.candidates import grid_cells
from hljgis.analysis.memory import BYTES_PER_CELL, check_cells_fit
from hljgis.core.errors import InputError


def test_refusal_names_a_cell_size_that_fits(monkeypatch):
    monkeypatch.setenv("HLJGIS_MEMORY_LIMIT_MB", "100")  # 84 MB usable (0.8 of 100 MiB)
    check_cells_fit(50_000, 100)  # 70 MB: fits
    with pytest.raises(InputError) as err:
        check_cells_fit(1_000_000, 100)  # 1.4 GB
    text = str(err.value)
    assert "1.4 GB" in text and "larger cell size (at least 410 m)" in text
    fits = 1_000_000 * (100 / 410) ** 2
    check_cells_fit(fits, 410)  # the suggestion does fit


def test_grid_cells_checks_before_building(monkeypatch):
    box = gpd.GeoDataFrame({"city": ["Qitaihe"]}, geometry=[shapely.box(0, 0, 20_000, 20_000)],
                           crs="EPSG:4553")
    monkeypatch.setenv("HLJGIS_MEMORY_LIMIT_MB", str(4_000_000 * BYTES_PER_CELL / 1e6 / 0.8 / 2))
    assert len(grid_cells(box, 100, crs=box.crs)) == 40_000
    with pytest.raises(InputError, match="candidate cells"):
        grid_cells(box, 10, crs=box.crs)  # 4 million cells: twice what may be used
