"""City charts: series equal the long table, highlight follows set_city, gaps tolerated."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from PySide6.QtCharts import QLineSeries, QStackedBarSeries

from hljgis.gui.widgets.charts import CityChartsWidget

STATS = Path(__file__).resolve().parents[3] / "layers" / "city_statistics.csv"


def long_table() -> pd.DataFrame:
    rows = []
    for i, city in enumerate(("Hegang", "Jixi", "Qitaihe", "Shuangyashan")):
        for year in range(2005, 2016):
            rows.append((city, year, "population", 1000.0 + 100 * i - year % 7, "thousand"))
        for year in range(2008, 2016):
            rows.append((city, year, "gdp", 20.0 + i * 5 + (year - 2008), "RMB billion"))
        for year in (2008, 2010, 2015):
            for k, share in zip(("primary", "secondary", "tertiary"), (20, 45, 35), strict=True):
                rows.append((city, year, f"{k}_share", share + i, "% of GDP"))
    return pd.DataFrame(rows, columns=["city", "year", "indicator", "value", "unit"])


@pytest.fixture
def charts(qtbot):
    widget = CityChartsWidget(long_table())
    qtbot.addWidget(widget)
    widget.resize(420, 860)
    widget.show()
    return widget


def lines(view) -> dict[str, QLineSeries]:
    return {s.name(): s for s in view.chart().series() if isinstance(s, QLineSeries)}


def points(series) -> list[tuple[float, float]]:
    return [(p.x(), p.y()) for p in series.points()]


def test_population_and_gdp_series_equal_the_table(charts):
    df = long_table()
    for view, indicator in ((charts.population_view, "population"), (charts.gdp_view, "gdp")):
        series = lines(view)
        assert sorted(series) == ["Hegang", "Jixi", "Qitaihe", "Shuangyashan"]
        for city, s in series.items():
            d = df[(df.city == city) & (df.indicator == indicator)].sort_values("year")
            assert points(s) == list(zip(d.year.astype(float), d.value, strict=True))


def test_sector_shares_are_stacked_bars_of_the_selected_city(charts):
    assert charts.sector_view.chart().series() == []  # no city yet: a prompt, no bars
    charts.set_city("Jixi")
    (bars,) = charts.sector_view.chart().series()
    assert isinstance(bars, QStackedBarSeries)
    sets = {b.label(): [b.at(i) for i in range(b.count())] for b in bars.barSets()}
    assert sets == {"Primary": [21, 21, 21], "Secondary": [46, 46, 46],
                    "Tertiary": [36, 36, 36]}


def test_set_city_changes_the_highlight(charts, qtbot):
    with qtbot.assertNotEmitted(charts.city_changed):
        charts.set_city("Qitaihe")
    widths = {n: s.pen().widthF() for n, s in lines(charts.population_view).items()}
    assert widths["Qitaihe"] > max(w for n, w in widths.items() if n != "Qitaihe")
    assert lines(charts.gdp_view)["Qitaihe"].pointsVisible()
    assert charts.city_box.currentData() == "Qitaihe"
    charts.set_city("hegang")  # case-insensitive, as map attributes vary
    assert charts.city == "Hegang"
    charts.set_city(None)
    assert len({s.pen().widthF() for s in lines(charts.population_view).values()}) == 1
    charts.set_city("Harbin")  # not in the table: no highlight, no error
    assert charts.city is None


def test_choosing_a_city_in_the_box_emits(charts, qtbot):
    with qtbot.waitSignal(charts.city_changed) as blocker:
        charts.city_box.setCurrentIndex(charts.city_box.findData("Shuangyashan"))
    assert blocker.args == ["Shuangyashan"]


def test_missing_values_are_left_out(charts):
    df = long_table()
    blank = (df.city == "Qitaihe") & (df.indicator == "gdp") & (df.year == 2015)
    df.loc[blank, "value"] = np.nan
    df.loc[(df.city == "Qitaihe") & (df.indicator == "secondary_share") & (df.year == 2010),
           "value"] = None
    df = df[~((df.city == "Hegang") & (df.indicator == "population") & (df.year == 2009))]
    charts.set_statistics(df)
    charts.set_city("Qitaihe")
    gdp = points(lines(charts.gdp_view)["Qitaihe"])
    assert len(gdp) == 7 and 2015.0 not in [x for x, _ in gdp]
    assert len(points(lines(charts.population_view)["Hegang"])) == 10
    (bars,) = charts.sector_view.chart().series()
    secondary = next(b for b in bars.barSets() if b.label() == "Secondary")
    assert [secondary.at(i) for i in range(secondary.count())] == [47, 0, 47]
    assert math.isnan(dict(charts.series_values("gdp", "Qitaihe"))[2015])


def test_empty_or_odd_tables_do_not_crash(charts):
    charts.set_statistics(None)
    assert charts.population_view.chart().series() == []
    charts.set_statistics(pd.DataFrame({"a": [1]}))
    charts.set_city("Jixi")
    assert charts.city is None
    charts.set_statistics(pd.DataFrame({"city": ["Jixi"], "year": ["n/a"],
                                        "indicator": ["gdp"], "value": ["x"]}))
    assert charts.gdp_view.chart().series() == []


@pytest.mark.skipif(not STATS.exists(), reason="bundled statistics not built")
def test_bundled_statistics(charts):
    df = pd.read_csv(STATS)
    charts.set_statistics(df)
    charts.set_city("Shuangyashan")
    pop = points(lines(charts.population_view)["Shuangyashan"])
    assert pop[0] == (2005.0, 1502.0) and pop[-1] == (2015.0, 1474.0)
    (bars,) = charts.sector_view.chart().series()
    assert bars.barSets()[0].count() == 9  # 2000, 2004, 2008, 2010-2015
