"""Survey lists a bureau might bring, written as CSV and XLSX for the replacement tests."""

from __future__ import annotations

import pandas as pd
import shapely

#: Jixi shanty-town survey: outlines as WKT, Chinese statuses, areas in mu (亩).
SHANTY_ROWS = [
    ("东山棚户区", "鸡西", "东山区", "已完成", 1200, "2,400",
     shapely.box(130.95, 45.28, 130.97, 45.30).wkt),
    ("城子河棚户区", "鸡西市", "城子河区", "在建", 600, "800",
     shapely.box(131.00, 45.33, 131.02, 45.34).wkt),
    ("滴道棚户区", "鸡西", "滴道区", "进行中?", "abc", "100",
     shapely.box(130.80, 45.35, 130.81, 45.36).wkt),
    ("梨树棚户区", "鸡西", "梨树区", "规划", 300, "", None),
    ("恒山棚户区", "鸡西", "恒山区", "规划", 450, "350",
     shapely.box(130.90, 45.20, 130.92, 45.21).wkt),
]
SHANTY_COLUMNS = ["名称", "城市", "所在区", "改造状态", "面积(亩)", "户数", "WKT"]

#: Pillar-industry survey: points with lon/lat, industries in Chinese.
PILLAR_ROWS = [
    ("鸡西石墨产业园", 130.97, 45.30, "石墨", "集群", "运营"),
    ("鸡西绿色食品加工", 130.99, 45.31, "绿色食品", "企业", "规划"),
    ("鸡西煤化工", 131.01, 45.29, "煤电化", "企业", "运营"),
    ("未知产业", 131.02, 45.32, "芯片", "企业", "运营"),
]
PILLAR_COLUMNS = ["名称", "经度", "纬度", "产业", "类型", "状态"]


def shanty_frame() -> pd.DataFrame:
    return pd.DataFrame(SHANTY_ROWS, columns=SHANTY_COLUMNS)


def pillar_frame() -> pd.DataFrame:
    return pd.DataFrame(PILLAR_ROWS, columns=PILLAR_COLUMNS)


def write_shanty_csv(path):
    shanty_frame().to_csv(path, index=False, encoding="utf-8-sig")
    return path


def write_pillar_xlsx(path):
    with pd.ExcelWriter(path) as xw:
        pillar_frame().to_excel(xw, sheet_name="支柱产业", index=False)
    return path


SHANTY_PROVENANCE = {"source": "Jixi housing bureau survey", "as_of": "2024-06",
                     "accuracy_m": 20}
