"""Border rivers drawn from the border line (used by ``build_layers.py``).

Where the China-Russia border is a river it follows, by treaty, the river's main channel; the
surveyed border line (Amap, 100 m) is therefore a far better river line than WDB II (1.5 km
median off on the Amur). This module finds the stretches of the border that are river - the
Amur (Heilong), the Ussuri (Wusuli) and the Songacha between Lake Khanka and the Ussuri -
replaces the WDB II reaches that duplicate them by those stretches, and joins the remaining
WDB II lines (tributaries, the Amur below Khabarovsk, the upper Ussuri) to them.

A border point counts as river when it lies on the GSHHS river surface or within
``NEAR_WDB_M`` of a WDB II river line, and not in a lake; land stretches (a border crossing
an island on land, the land border south of Lake Khanka) are left out, and Lake Khanka itself
is a lake, not a river.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.ops import nearest_points, substring

#: The border rivers in their order along the border line from its north-west end, each with
#: the border point (lon, lat) where it ends: the Amur's main channel at the Khabarovsk corner
#: (where the border turns into the Kazakevichev channel, which WDB II names Ussuri), the
#: Ussuri at the mouth of the Songacha; the Songacha ends where the border enters Lake
#: Khanka. Beyond Lake Khanka the border runs on land (Mishan, Suifenhe, Dongning).
BORDER_RIVERS = (
    ("Heilong (Amur)", "黑龙江", (135.0863, 48.4382)),
    ("Wusuli (Ussuri)", "乌苏里江", (133.3992, 45.5710)),
    ("Songacha", "松阿察河", None),
)
LAKE_KHANKA = "Lake Khanka (Xingkai)"
#: Sample spacing along the border (degrees, about 70-110 m).
STEP_DEG = 0.001
#: A border point this close to a WDB II river line, or this close to the GSHHS river
#: surface, is taken to be on the river.
NEAR_WDB_M = 3500.0
NEAR_SURFACE_M = 300.0
#: Land gaps shorter than this inside a river stretch are closed; river stretches shorter
#: than this are dropped.
MAX_GAP_M = 1000.0
MIN_REACH_M = 2000.0
#: A WDB II reach of a border river lying within this of the border stretch (flat-ended
#: corridor; WDB II's worst offset on the Amur is 8.4 km) duplicates it and is removed.
CORRIDOR_NAMED_M = 9000.0
#: An unnamed WDB II line running more than ``PARALLEL_M`` inside this corridor duplicates
#: the border river too (WDB II leaves parts of the Ussuri unnamed); shorter pieces are the
#: mouths of tributaries.
CORRIDOR_UNNAMED_M = 2500.0
PARALLEL_M = 6000.0
#: Leftover WDB II pieces of a border river shorter than this are dropped.
MIN_LEFTOVER_M = 3000.0
#: A line end this close to a removed reach was attached to it and is joined to the border.
ATTACHED_M = 50.0
#: Pieces shorter than this after joining are dropped.
MIN_PIECE_M = 100.0
#: Ends farther than this from the border river are left as they are.
MAX_JOIN_M = 10000.0


def _cut_index(xy: np.ndarray, lonlat: tuple[float, float], m_xy: np.ndarray,
               m_point: np.ndarray) -> int:
    d = np.hypot(m_xy[:, 0] - m_point[0], m_xy[:, 1] - m_point[1])
    i = int(d.argmin())
    if d[i] > 500:
        raise SystemExit(f"border river cut {lonlat} is {d[i]:.0f} m from the border")
    return i


def _runs(mask: np.ndarray) -> list[tuple[int, int]]:
    """(start, stop) index pairs of the True runs of ``mask``."""
    edges = np.flatnonzero(np.diff(np.r_[0, mask.astype(int), 0]))
    return list(zip(edges[::2], edges[1::2], strict=True))


def classify_border(borders: gpd.GeoDataFrame, lakes: gpd.GeoDataFrame,
                    wdb: gpd.GeoDataFrame, metric) -> tuple[list, dict]:
    """Border stretches that are river: ``[(name, name_zh, LineString lon/lat), ...]`` and
    the lengths (km) of river and of excluded land per border river."""
    crs = borders.crs
    parts = [p for g in borders.geometry for p in shapely.get_parts(g)]
    dense = [shapely.segmentize(p, STEP_DEG) for p in parts]
    xy = np.vstack([shapely.get_coordinates(p) for p in dense])
    part_id = np.concatenate([np.full(len(shapely.get_coordinates(p)), i)
                              for i, p in enumerate(dense)])
    pts_m = gpd.GeoSeries(shapely.points(xy), crs=crs).to_crs(metric).values
    m_xy = shapely.get_coordinates(pts_m)
    lakes_m = lakes.to_crs(metric)
    surface = shapely.union_all(lakes_m.loc[lakes_m["kind"] == "river"].geometry.values)
    still = shapely.union_all(lakes_m.loc[lakes_m["kind"] != "river"].geometry.values)
    lines = shapely.union_all(wdb.to_crs(metric).geometry.values)
    water = ((shapely.distance(pts_m, surface) <= NEAR_SURFACE_M)
             | (shapely.distance(pts_m, lines) <= NEAR_WDB_M))
    water &= ~shapely.intersects(pts_m, still)
    # which border river each sample belongs to, by the cut points along the line
    label = np.full(len(xy), -1)
    start = 0
    for k, (_name, _zh, cut) in enumerate(BORDER_RIVERS):
        if cut is not None:
            cut_m = shapely.get_coordinates(gpd.GeoSeries(
                [shapely.Point(cut)], crs=crs).to_crs(metric).values)[0]
            stop = _cut_index(xy, cut, m_xy, cut_m) + 1
        else:
            khanka = lakes_m.loc[lakes_m["name"] == LAKE_KHANKA].geometry.iloc[0]
            inside = shapely.intersects(pts_m[start:], khanka)
            if not inside.any():
                raise SystemExit("the border does not enter Lake Khanka")
            stop = start + int(np.argmax(inside))
        label[start:stop] = k
        start = stop
    step = np.r_[0.0, np.hypot(*np.diff(m_xy, axis=0).T)]
    step[np.r_[True, np.diff(part_id) != 0]] = 0.0
    reaches, lengths = [], {}
    for k, (name, zh, _cut) in enumerate(BORDER_RIVERS):
        river_km = land_km = 0.0
        land: list[list[float]] = []
        for pid in np.unique(part_id[label == k]):
            idx = np.flatnonzero((label == k) & (part_id == pid))
            w = water[idx].copy()
            s = np.cumsum(step[idx])
            for a, b in _runs(~w):  # close short land gaps between river runs
                if a > 0 and b < len(w) and s[b] - s[a - 1] < MAX_GAP_M:
                    w[a:b] = True
            for a, b in _runs(w):
                if s[b - 1] - s[a] < MIN_REACH_M:
                    w[a:b] = False
            land_km += float(step[idx][1:][~(w[1:] & w[:-1])].sum()) / 1000
            for a, b in _runs(~w):
                if b - a > 1:
                    lon, lat = xy[idx[(a + b) // 2]]
                    land.append([round(float(lon), 3), round(float(lat), 3),
                                 round(float(s[b - 1] - s[a]) / 1000, 1)])
            for a, b in _runs(w):
                line = shapely.simplify(shapely.LineString(xy[idx[a:b]]), 1e-7)
                reaches.append((name, zh, line))
                river_km += float(s[b - 1] - s[a]) / 1000
        lengths[name] = {"river_km": round(river_km, 1), "land_km": round(land_km, 1),
                         "land_stretches_lon_lat_km": land}
    return reaches, lengths


def _corridor(reach_m, width: float):
    return shapely.buffer(reach_m, width, cap_style="flat")


def _follow(piece, end_is_last: bool, gone_parts, reach_m):
    """``piece`` lengthened from its attached end along the removed WDB II lines that touch
    it, each up to where it comes nearest to ``reach_m``, while that brings it nearer."""
    xy = shapely.get_coordinates(piece)
    for _ in range(6):
        end = shapely.Point(xy[-1] if end_is_last else xy[0])
        now = end.distance(reach_m)
        if now <= ATTACHED_M:
            break
        best = None
        for q in gone_parts:
            if q.distance(end) > ATTACHED_M:
                continue
            s0 = q.line_locate_point(end)
            halves = [substring(q, s0, q.length), shapely.reverse(substring(q, 0, s0))]
            for line in halves:
                if line.geom_type != "LineString" or line.length < 1.0:
                    continue
                s = np.r_[np.arange(0.0, line.length, 100.0), line.length]
                d = shapely.distance(shapely.line_interpolate_point(line, s), reach_m)
                rise = np.flatnonzero(np.diff(d) > 0)
                k = rise[0] if len(rise) else len(s) - 1
                if best is None or d[k] < best[0]:
                    best = (d[k], substring(line, 0, s[k]))
        if best is None or best[0] >= now - 1.0 or best[1].geom_type != "LineString":
            break
        add = shapely.get_coordinates(best[1])[1:]
        xy = np.vstack([xy, add]) if end_is_last else np.vstack([add[::-1], xy])
    return shapely.LineString(xy)


def _join(piece, end_is_last: bool, reach_m):
    """``piece`` cut at its crossing with ``reach_m`` nearest the attached end, or extended
    straight to the nearest point of ``reach_m`` when it does not cross it; unchanged when
    neither is within ``MAX_JOIN_M`` of the end."""
    cross = shapely.intersection(piece, reach_m)
    pts = shapely.get_coordinates(cross)
    if len(pts):
        s = shapely.line_locate_point(piece, shapely.points(pts))
        if end_is_last and piece.length - s.max() <= MAX_JOIN_M:
            return substring(piece, 0, s.max())
        if not end_is_last and s.min() <= MAX_JOIN_M:
            return substring(piece, s.min(), piece.length)
    xy = shapely.get_coordinates(piece)
    end = shapely.Point(xy[-1] if end_is_last else xy[0])
    near = shapely.get_coordinates(nearest_points(reach_m, end)[0])[0]
    if shapely.distance(end, reach_m) > MAX_JOIN_M:
        return piece
    return shapely.LineString(np.vstack([xy, near]) if end_is_last else np.vstack([near, xy]))


def draw_border_rivers(rivers: gpd.GeoDataFrame, borders: gpd.GeoDataFrame,
                       lakes: gpd.GeoDataFrame, metric) -> tuple[gpd.GeoDataFrame, dict]:
    """``rivers`` (WDB II, named) with the border rivers drawn from the border line.

    Returns the new layer (same columns; the border-derived reaches one feature per river,
    leftover WDB II pieces of the same river a feature of their own) and measurements."""
    crs = rivers.crs
    reaches, lengths = classify_border(borders, lakes, rivers, metric)
    names = [n for n, _z, _c in BORDER_RIVERS]
    reach_m = {n: shapely.union_all(gpd.GeoSeries([g for rn, _z, g in reaches if rn == n],
                                                  crs=crs).to_crs(metric).values)
               for n in names}
    all_reach = shapely.union_all(list(reach_m.values()))
    wdb = rivers.explode(index_parts=False).reset_index(drop=True).to_crs(metric)
    named_corr = {n: _corridor(reach_m[n], CORRIDOR_NAMED_M) for n in names}
    unnamed_corr = _corridor(all_reach, CORRIDOR_UNNAMED_M)
    kept, removed = [], []
    for row in wdb.itertuples():
        g = original = row.geometry
        if row.name in named_corr:
            inside = shapely.intersection(g, named_corr[row.name])
            rest = shapely.difference(g, named_corr[row.name])
            removed.append(inside)
            rest = [p for p in shapely.get_parts(shapely.line_merge(rest))
                    if p.length >= MIN_LEFTOVER_M]
        else:
            inside = shapely.get_parts(shapely.line_merge(shapely.intersection(g, unnamed_corr)))
            parallel = [p for p in inside if p.length > PARALLEL_M]
            if parallel:
                removed.extend(parallel)
                g = shapely.difference(g, shapely.buffer(shapely.union_all(parallel), 1.0))
            rest = [p for p in shapely.get_parts(shapely.line_merge(g)) if p.length > 0]
        own = original if row.name in named_corr else None
        kept.extend((row.name, row.name_zh, p, own) for p in rest)
    gone = shapely.union_all([g for g in removed if not g.is_empty])
    gone_parts = shapely.get_parts(shapely.line_merge(gone))
    joined, n_joined, join_m = [], 0, []
    for name, zh, p, own in kept:
        for last in (False, True):
            end = shapely.Point(shapely.get_coordinates(p)[-1 if last else 0])
            if (shapely.distance(end, gone) <= ATTACHED_M
                    and shapely.distance(end, all_reach) > ATTACHED_M):
                if own is not None:
                    p = _follow(p, last, gone_parts, all_reach)
                xy = shapely.get_coordinates(p)
                join_m.append(shapely.distance(shapely.Point(xy[-1 if last else 0]), all_reach))
                p = _join(p, last, all_reach)
                n_joined += 1
        if p.length >= MIN_PIECE_M and p.is_valid:  # a tributary's mouth can shrink to nothing
            joined.append((name, zh, p))
    wdb_src = rivers["source"].iloc[0]
    wdb_acc = float(rivers["accuracy_m"].iloc[0])
    rows = []
    for name, zh, p in joined:
        rows.append({"name": name, "name_zh": zh, "geometry": p, "source": wdb_src,
                     "accuracy_m": wdb_acc, "as_of": rivers["as_of"].iloc[0],
                     "status": rivers["status"].iloc[0], "illustrative": False})
    out = gpd.GeoDataFrame(rows, geometry="geometry", crs=metric).to_crs(crs)
    named = out[out["name"].notna()].dissolve(
        by=["name", "name_zh", "source", "accuracy_m", "as_of", "status", "illustrative"],
        as_index=False, sort=True)
    named["geometry"] = shapely.line_merge(named.geometry.values)
    unnamed = out[out["name"].isna()]
    measures = measure_width(reaches, lakes, metric)
    border_src = borders["source"].iloc[0]
    drawn = []
    for name, zh, _cut in BORDER_RIVERS:
        geom = shapely.line_merge(shapely.MultiLineString(
            [g for rn, _z, g in reaches if rn == name]))
        m = measures.get(name)
        acc = ACCURACY_M[name]
        if name in (AMUR, USSURI) and AMUR in measures:
            # 1 sigma: the border's 100 m plus the 68th percentile of its distance from the
            # centre of the water surface (the Ussuri is narrower than the Amur: upper bound)
            acc = 100.0 + float(np.ceil(measures[AMUR]["centre_offset_p68"] / 100.0) * 100)
        note = (f"; width of the GSHHS river surface across the border, measured every 500 m: "
                f"median {m['width_median']} m, 90 % below {m['width_p90']} m, border "
                f"{m['centre_offset_median']} m (median) from the surface's centre"
                if m else "; no water surface in GSHHS here, width not measured")
        drawn.append({"name": name, "name_zh": zh, "geometry": geom, "accuracy_m": acc,
                      "as_of": borders["as_of"].iloc[0], "status": "mapped",
                      "illustrative": False,
                      "source": f"drawn from the China-Russia border line, which follows the "
                                f"river's main channel ({border_src}){note}; accuracy: the "
                                f"border's 100 m plus the distance a main channel can lie "
                                f"from the river's centre line"})
    drawn = gpd.GeoDataFrame(drawn, geometry="geometry", crs=crs)
    result = pd.concat([drawn, named, unnamed], ignore_index=True)
    result = gpd.GeoDataFrame(result, geometry="geometry", crs=crs)
    measures = {"border_river_km": lengths, "width_m": measures,
                "wdb_joined_ends": n_joined,
                # distance bridged (by a cut at the crossing or a straight line) from a WDB II
                # end that met a removed reach to the border river
                "wdb_join_gap_m": {"median": round(float(np.median(join_m))) if join_m else 0,
                                   "max": round(float(max(join_m, default=0.0)))}}
    return result, measures


#: Stated accuracy (m) of the border-derived reaches when nothing is measured: the border's
#: 100 m plus the distance of the main channel from the river's centre line. The Amur's and
#: the Ussuri's are computed from the GSHHS widths (:func:`measure_width`, recorded in
#: scripts/build_report.json). The Songacha is a small river GSHHS does not map as water:
#: 100 m allowed for its width, not measured.
ACCURACY_M = {"Heilong (Amur)": 1500.0, "Wusuli (Ussuri)": 1500.0, "Songacha": 200.0}
AMUR, USSURI = "Heilong (Amur)", "Wusuli (Ussuri)"


def measure_width(reaches: list, lakes: gpd.GeoDataFrame, metric) -> dict:
    """Width (m) of the GSHHS river surface across each border river, and the border's
    distance from the surface's centre, sampled every 500 m where the border lies on it."""
    lakes_m = lakes.to_crs(metric)
    surface = shapely.union_all(lakes_m.loc[lakes_m["kind"] == "river"].geometry.values)
    out = {}
    for name, _zh, _cut in BORDER_RIVERS:
        widths, offsets = [], []
        for rn, _z, g in reaches:
            if rn != name:
                continue
            line = gpd.GeoSeries([g], crs=lakes.crs).to_crs(metric).iloc[0]
            for s in np.arange(250.0, line.length - 250.0, 500.0):
                p = line.interpolate(s)
                if not surface.contains(p):
                    continue
                a, b = line.interpolate(s - 50), line.interpolate(s + 50)
                t = np.array([b.x - a.x, b.y - a.y])
                n = np.array([-t[1], t[0]]) / np.hypot(*t)
                cross = shapely.LineString([(p.x - 8000 * n[0], p.y - 8000 * n[1]),
                                            (p.x + 8000 * n[0], p.y + 8000 * n[1])])
                piece = [q for q in shapely.get_parts(shapely.intersection(cross, surface))
                         if q.distance(p) < 1.0]
                if not piece:
                    continue
                widths.append(piece[0].length)
                offsets.append(p.distance(piece[0].interpolate(0.5, normalized=True)))
        if len(widths) >= 20:
            out[name] = {"samples": len(widths),
                         "width_median": round(float(np.median(widths))),
                         "width_p90": round(float(np.percentile(widths, 90))),
                         "centre_offset_median": round(float(np.median(offsets))),
                         "centre_offset_p68": round(float(np.percentile(offsets, 68))),
                         "centre_offset_p90": round(float(np.percentile(offsets, 90)))}
    return out
