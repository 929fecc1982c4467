/* Exact distance from simple polygon sites to their candidate pieces (points and straight
 * segments), for hljgis.analysis.outline_kernel (loaded with ctypes, which lets go of the
 * GIL for the call: slices of sites run on threads side by side).
 *
 * A site is one closed ring: vertices xy[first[i]] .. xy[first[i] + count[i]] (count[i]
 * edges, the last vertex repeating the first). Its pieces are cand[cstart[b] ..
 * cstart[b] + reps[i]) of its bucket b. Every point of the site lies within r[i] of its centre (cx[i], cy[i]).
 *
 * For each site the least distance to its pieces, as GEOS measures it, when no piece
 * comes within r[i] of the centre (then no piece can touch or enter the site): a point
 * piece's distance to the site's edges; a segment's, the least of its ends' distances to
 * the edges and the site's vertices' distances to it (two disjoint segments are nearest at
 * an end of one of them). A piece is skipped when even its centre distance less r[i]
 * cannot beat the best so far. Sites with a piece within r[i] of their centre are flagged
 * (1) for the caller's general search, which handles touching and overlap.
 *
 * The point-segment distance is GEOS's (Distance::pointToSegment), so results agree with
 * shapely.distance to rounding.
 */
#include <math.h>
#include <stdint.h>

static inline double point_point(double px, double py, double ax, double ay) {
    double dx = px - ax, dy = py - ay;
    return sqrt(dx * dx + dy * dy);
}

static inline double point_segment(double px, double py, double ax, double ay, double bx,
                                   double by) {
    if (ax == bx && ay == by) return point_point(px, py, ax, ay);
    double dx = bx - ax, dy = by - ay;
    double len2 = dx * dx + dy * dy;
    double r = ((px - ax) * dx + (py - ay) * dy) / len2;
    if (r <= 0.0) return point_point(px, py, ax, ay);
    if (r >= 1.0) return point_point(px, py, bx, by);
    double s = ((ay - py) * dx - (ax - px) * dy) / len2;
    return fabs(s) * sqrt(len2);
}

/* Least distance from point (px, py) to the edges of the ring v[0..m] (m edges). */
static double point_ring(double px, double py, const double *v, int64_t m) {
    double best = INFINITY;
    for (int64_t e = 0; e < m; e++) {
        double d = point_segment(px, py, v[2 * e], v[2 * e + 1], v[2 * e + 2], v[2 * e + 3]);
        if (d < best) best = d;
    }
    return best;
}

/* Pieces per site sorted by their distance from its centre (more are measured in the
   order given). */
#define MAX_SORTED 64

/* Distance from a piece (a point when a == b, else a segment) to the ring v[0..m]. */
static double piece_ring(const double *a, const double *b, const double *v, int64_t m) {
    double ax = a[0], ay = a[1], bx = b[0], by = b[1];
    double d = point_ring(ax, ay, v, m);
    if (ax != bx || ay != by) {
        double e = point_ring(bx, by, v, m);
        if (e < d) d = e;
        for (int64_t t = 0; t < m; t++) {
            e = point_segment(v[2 * t], v[2 * t + 1], ax, ay, bx, by);
            if (e < d) d = e;
        }
    }
    return d;
}

int64_t hljgis_outline_min(
    int64_t i0, int64_t i1,          /* sites to measure, in the file's order (their
                                        vertices are read one after another) */
    const int64_t *bucket,           /* bucket of each site */
    const int64_t *reps,             /* pieces each site may reach */
    const int64_t *cstart,           /* first piece of each bucket in cand */
    const int64_t *cand,             /* pieces, bucket after bucket */
    const double *xy, const int64_t *first, const int64_t *count,
    const double *cx, const double *cy, const double *r,
    const double *pa, const double *pb, /* piece ends (x, y); equal for point pieces */
    double *out, uint8_t *flag)       /* per site: the distance, 1 = measure elsewhere */
{
    int64_t flagged = 0;
    for (int64_t i = i0; i < i1; i++) {
        int64_t m = count[i];
        if (m <= 0) { flag[i] = 1; flagged++; continue; }
        const double *v = xy + 2 * first[i];
        double ci = cx[i], cj = cy[i], ri = r[i];
        const int64_t *pc = cand + cstart[bucket[i]];
        int64_t k = reps[i];
        /* centre distances first, then the pieces nearest the centre first: the best so
           far is tight early and the rest fall to the bound */
        double dcs[MAX_SORTED];
        int64_t ids[MAX_SORTED];
        int64_t ks = k < MAX_SORTED ? k : MAX_SORTED;
        double best = INFINITY;
        int near = 0;
        for (int64_t q = 0; q < k && !near; q++) {
            int64_t p = pc[q];
            double dc = point_segment(ci, cj, pa[2 * p], pa[2 * p + 1], pb[2 * p], pb[2 * p + 1]);
            if (dc <= ri) near = 1;
            if (q < ks) {  /* insertion into the sorted head */
                int64_t t = q;
                while (t > 0 && dcs[t - 1] > dc) { dcs[t] = dcs[t - 1]; ids[t] = ids[t - 1]; t--; }
                dcs[t] = dc;
                ids[t] = p;
            } else if (dc - ri < best) {  /* past the head: measured in list order */
                double d = piece_ring(pa + 2 * p, pb + 2 * p, v, m);
                if (d < best) best = d;
            }
        }
        for (int64_t q = 0; q < ks && !near; q++) {
            if (dcs[q] - ri >= best) break;  /* sorted: none after it can do better */
            int64_t p = ids[q];
            double d = piece_ring(pa + 2 * p, pb + 2 * p, v, m);
            if (d < best) best = d;
        }
        if (near) { flag[i] = 1; flagged++; continue; }
        out[i] = best;
        flag[i] = 0;
    }
    return flagged;
}

/* Per site i in [i0, i1) with vertices: the least and largest x, y, x + y and x - y of its
 * vertices (lo and hi: n x 4, row-major); sites without vertices are left as they are. */
void hljgis_ring_extents(int64_t i0, int64_t i1, const double *xy, const int64_t *first,
                         const int64_t *nv, double *lo, double *hi) {
    for (int64_t i = i0; i < i1; i++) {
        int64_t k = nv[i];
        if (k <= 0) continue;
        const double *v = xy + 2 * first[i];
        double l0 = v[0], l1 = v[1], l2 = v[0] + v[1], l3 = v[0] - v[1];
        double h0 = l0, h1 = l1, h2 = l2, h3 = l3;
        for (int64_t t = 1; t < k; t++) {
            double x = v[2 * t], y = v[2 * t + 1], s = x + y, d = x - y;
            if (x < l0) l0 = x;
            if (x > h0) h0 = x;
            if (y < l1) l1 = y;
            if (y > h1) h1 = y;
            if (s < l2) l2 = s;
            if (s > h2) h2 = s;
            if (d < l3) l3 = d;
            if (d > h3) h3 = d;
        }
        lo[4 * i] = l0; lo[4 * i + 1] = l1; lo[4 * i + 2] = l2; lo[4 * i + 3] = l3;
        hi[4 * i] = h0; hi[4 * i + 1] = h1; hi[4 * i + 2] = h2; hi[4 * i + 3] = h3;
    }
}

/* ---- vertices straight from WKB ---------------------------------------------------------
 * Canonical WKB only (little-endian, 2-D Point, Polygon or MultiPolygon; io.source_wkb
 * keeps nothing else). Per record: its type (0 point, 3 polygon, 6 multipolygon, as
 * shapely.get_type_id), its vertices (all rings, as shapely.get_num_coordinates; 0 for an
 * empty point), its interior rings (a polygon's; a one-part multipolygon's part's; else 0)
 * and its parts. -1 in type: a record this reader does not know (the caller uses GEOS). */
#include <string.h>

static inline uint32_t u32(const uint8_t *p) { uint32_t v; memcpy(&v, p, 4); return v; }

/* Walks one polygon body (after byte order and type) from p; returns the byte after it,
 * or NULL past end. Adds its vertices to *nv, its rings less one to *holes; copies the
 * coordinates to out (when not NULL). */
static const uint8_t *polygon_body(const uint8_t *p, const uint8_t *end, int64_t *nv,
                                   int64_t *holes, double *out) {
    if (p + 4 > end) return NULL;
    uint32_t rings = u32(p);
    p += 4;
    for (uint32_t k = 0; k < rings; k++) {
        if (p + 4 > end) return NULL;
        uint32_t pts = u32(p);
        p += 4;
        if (p + 16 * (size_t)pts > end) return NULL;
        if (out) memcpy(out + 2 * *nv, p, 16 * (size_t)pts);
        *nv += pts;
        p += 16 * (size_t)pts;
    }
    *holes = rings > 0 ? rings - 1 : 0;
    return p;
}

static int64_t wkb_record(const uint8_t *p, const uint8_t *end, int64_t *nv, int64_t *holes,
                          int64_t *parts, double *out) {
    *nv = 0; *holes = 0; *parts = 1;
    if (p + 5 > end || p[0] != 1) return -1;
    uint32_t type = u32(p + 1);
    p += 5;
    if (type == 1) {
        if (p + 16 > end) return -1;
        double xy[2];
        memcpy(xy, p, 16);
        if (isnan(xy[0]) && isnan(xy[1])) return 0;  /* POINT EMPTY */
        if (out) memcpy(out, p, 16);
        *nv = 1;
        return 0;
    }
    if (type == 3) return polygon_body(p, end, nv, holes, out) ? 3 : -1;
    if (type == 6) {
        if (p + 4 > end) return -1;
        uint32_t n = u32(p);
        p += 4;
        *parts = n;
        int64_t h = 0;
        for (uint32_t k = 0; k < n; k++) {
            if (p + 5 > end || p[0] != 1 || u32(p + 1) != 3) return -1;
            p = polygon_body(p + 5, end, nv, &h, out);
            if (!p) return -1;
        }
        *holes = n == 1 ? h : 0;
        return 6;
    }
    return -1;
}

/* Pass 1 (xy NULL): type, vertices, holes, parts of records [i0, i1). Pass 2: their
 * coordinates into xy from row first[i]. Offsets: n + 1 of them, 32- or 64-bit. */
void hljgis_wkb_rings(int64_t i0, int64_t i1, const uint8_t *data, const void *offsets,
                      int wide, int64_t *type, int64_t *nv, int64_t *holes, int64_t *parts,
                      const int64_t *first, double *xy) {
    for (int64_t i = i0; i < i1; i++) {
        int64_t a = wide ? ((const int64_t *)offsets)[i] : ((const int32_t *)offsets)[i];
        int64_t b = wide ? ((const int64_t *)offsets)[i + 1]
                         : ((const int32_t *)offsets)[i + 1];
        int64_t v, h, n;
        int64_t t = wkb_record(data + a, data + b, &v, &h, &n, xy ? xy + 2 * first[i] : NULL);
        if (!xy) { type[i] = t; nv[i] = v; holes[i] = h; parts[i] = n; }
    }
}

/* ---- centroids of the kept WKB (as GEOS's algorithm::Centroid computes them) ----------
 * Polygons: the triangle fan from each shell's first vertex, a ring's sign from its
 * orientation (GEOS's Orientation::isCCW, with a plain orientation test), holes taken
 * away; when the area is zero, the rings' segment midpoints weighted by length; when
 * those are too, the mean of the rings' first points. Points: the point. Coordinates are
 * read in place (WKB doubles are not aligned: memcpy, which compiles to a load). */
typedef struct {
    double cx, cy, area2;  /* sum of 3 x triangle centroid x signed double area; of area */
    double lx, ly, len;    /* sum of segment midpoints x length; of lengths */
    double px, py;         /* sum of lone points */
    int64_t points;
} Centre;

static inline double X(const uint8_t *v, int64_t i) { double d; memcpy(&d, v + 16 * i, 8); return d; }
static inline double Y(const uint8_t *v, int64_t i) { double d; memcpy(&d, v + 16 * i + 8, 8); return d; }
static inline int same_at(const uint8_t *v, int64_t i, int64_t j) {
    return X(v, i) == X(v, j) && Y(v, i) == Y(v, j);
}

static int ring_is_ccw(const uint8_t *v, int64_t m) {
    int64_t n = m - 1;  /* points without the closing one */
    if (n < 3) return 0;
    int64_t up_hi = 0, up_lo = -1;
    double prev_y = Y(v, 0);
    for (int64_t i = 1; i <= n; i++) {
        double y = Y(v, i);
        if (y > prev_y && y >= Y(v, up_hi)) { up_hi = i; up_lo = i - 1; }
        prev_y = y;
    }
    if (up_hi == 0) return 0;  /* flat */
    int64_t down_lo = up_hi;
    do { down_lo = (down_lo + 1) % n; } while (down_lo != up_hi && Y(v, down_lo) == Y(v, up_hi));
    int64_t down_hi = down_lo > 0 ? down_lo - 1 : n - 1;
    if (same_at(v, up_hi, down_hi)) {
        if (same_at(v, up_lo, up_hi) || same_at(v, down_lo, up_hi) || same_at(v, up_lo, down_lo))
            return 0;
        double det = (X(v, up_hi) - X(v, up_lo)) * (Y(v, down_lo) - Y(v, up_lo))
                   - (X(v, down_lo) - X(v, up_lo)) * (Y(v, up_hi) - Y(v, up_lo));
        return det > 0;
    }
    return X(v, down_hi) - X(v, up_hi) < 0;
}

static void add_ring(Centre *c, double bx, double by, const uint8_t *v, int64_t m, int shell) {
    int positive = shell ? !ring_is_ccw(v, m) : ring_is_ccw(v, m);
    double sign = positive ? 1.0 : -1.0, line = 0.0;
    for (int64_t i = 0; i + 1 < m; i++) {
        double x1 = X(v, i), y1 = Y(v, i), x2 = X(v, i + 1), y2 = Y(v, i + 1);
        double a2 = (x1 - bx) * (y2 - by) - (x2 - bx) * (y1 - by);
        c->cx += sign * a2 * (bx + x1 + x2);
        c->cy += sign * a2 * (by + y1 + y2);
        c->area2 += sign * a2;
    }
    for (int64_t i = 0; i + 1 < m; i++) {
        double x1 = X(v, i), y1 = Y(v, i), x2 = X(v, i + 1), y2 = Y(v, i + 1);
        double seg = sqrt((x1 - x2) * (x1 - x2) + (y1 - y2) * (y1 - y2));
        if (seg == 0.0) continue;
        line += seg;
        c->lx += seg * ((x1 + x2) / 2);
        c->ly += seg * ((y1 + y2) / 2);
    }
    c->len += line;
    if (line == 0.0 && m > 0) { c->px += X(v, 0); c->py += Y(v, 0); c->points++; }
}

/* One polygon body from p into c (an empty shell: an empty polygon, left out as GEOS
 * does); returns the byte after it, or NULL past end. */
static const uint8_t *polygon_centre(const uint8_t *p, const uint8_t *end, Centre *c) {
    if (p + 4 > end) return NULL;
    uint32_t rings = u32(p);
    p += 4;
    double bx = 0.0, by = 0.0;
    int empty = 0;
    for (uint32_t k = 0; k < rings; k++) {
        if (p + 4 > end) return NULL;
        uint32_t pts = u32(p);
        p += 4;
        if (p + 16 * (size_t)pts > end) return NULL;
        if (k == 0) { empty = pts == 0; if (!empty) { bx = X(p, 0); by = Y(p, 0); } }
        if (!empty) add_ring(c, bx, by, p, pts, k == 0);
        p += 16 * (size_t)pts;
    }
    return p;
}

/* Centroids of records [i0, i1) into xy (NaN for an empty geometry); ok[i] = 0 for a
 * record this reader does not know (the caller asks GEOS). */
void hljgis_wkb_centroids(int64_t i0, int64_t i1, const uint8_t *data, const void *offsets,
                          int wide, double *xy, uint8_t *ok) {
    for (int64_t i = i0; i < i1; i++) {
        int64_t a = wide ? ((const int64_t *)offsets)[i] : ((const int32_t *)offsets)[i];
        int64_t b = wide ? ((const int64_t *)offsets)[i + 1]
                         : ((const int32_t *)offsets)[i + 1];
        const uint8_t *p = data + a, *end = data + b;
        Centre c = {0};
        xy[2 * i] = xy[2 * i + 1] = NAN;
        ok[i] = 0;
        if (p + 5 > end || p[0] != 1) continue;
        uint32_t type = u32(p + 1);
        p += 5;
        if (type == 1) {
            if (p + 16 > end) continue;
            double x = X(p, 0), y = Y(p, 0);
            if (!(isnan(x) && isnan(y))) { xy[2 * i] = x; xy[2 * i + 1] = y; }
            ok[i] = 1;
            continue;
        }
        if (type == 3) {
            if (!polygon_centre(p, end, &c)) continue;
        } else if (type == 6) {
            if (p + 4 > end) continue;
            uint32_t n = u32(p);
            p += 4;
            int bad = 0;
            for (uint32_t k = 0; k < n && !bad; k++) {
                if (p + 5 > end || p[0] != 1 || u32(p + 1) != 3) { bad = 1; break; }
                p = polygon_centre(p + 5, end, &c);
                if (!p) bad = 1;
            }
            if (bad) continue;
        } else {
            continue;
        }
        ok[i] = 1;
        if (fabs(c.area2) > 0.0) {
            xy[2 * i] = c.cx / 3 / c.area2;
            xy[2 * i + 1] = c.cy / 3 / c.area2;
        } else if (c.len > 0.0) {
            xy[2 * i] = c.lx / c.len;
            xy[2 * i + 1] = c.ly / c.len;
        } else if (c.points > 0) {
            xy[2 * i] = c.px / (double)c.points;
            xy[2 * i + 1] = c.py / (double)c.points;
        }
    }
}
