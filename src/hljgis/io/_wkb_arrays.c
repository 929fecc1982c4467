/* WKB records of an Arrow binary column walked into coordinate arrays, for
 * hljgis.io.wkb_arrays (loaded with ctypes: no GIL held during the call).
 *
 * shapely.from_wkb needs one Python bytes object a record (a copy of every geometry) and
 * parses each; here the records are read in place and their coordinates, ring lengths and
 * rings per part laid out as shapely.from_ragged_array takes them. Only plain records:
 * little-endian 2-D Polygon (3) or MultiPolygon (6) whose rings are closed and have at
 * least four points (or none at all: an empty polygon); kind -1 marks any other record
 * (the caller then leaves the batch to shapely.from_wkb, which reads or refuses it as
 * before), kind 0 a null one.
 */
#include <stdint.h>
#include <string.h>

static inline uint32_t u32(const uint8_t *p) { uint32_t v; memcpy(&v, p, 4); return v; }

static inline int valid(const uint8_t *bits, int64_t i) {
    return bits == NULL || (bits[i >> 3] >> (i & 7)) & 1;
}

/* One polygon body from p: its rings and coordinates counted (and, with xy, copied from
 * coord_at, ring lengths written from *ring); the byte after it, or NULL when not plain.
 * part: inside a multipolygon, where an empty polygon is not taken. */
static const uint8_t *polygon(const uint8_t *p, const uint8_t *end, int part, int64_t *rings,
                              int64_t *coords, double *xy, int64_t *ring_len) {
    if (p + 4 > end) return NULL;
    uint32_t nr = u32(p);
    p += 4;
    if (part && nr == 0) return NULL;
    for (uint32_t k = 0; k < nr; k++) {
        if (p + 4 > end) return NULL;
        uint32_t np = u32(p);
        p += 4;
        if (np < 4 || p + 16 * (size_t)np > end) return NULL;
        if (memcmp(p, p + 16 * (size_t)(np - 1), 16) != 0) return NULL;  /* not closed */
        if (xy) {
            memcpy(xy + 2 * *coords, p, 16 * (size_t)np);
            ring_len[*rings] = np;
        }
        *coords += np;
        *rings += 1;
        p += 16 * (size_t)np;
    }
    return p;
}

/* One record: kind (3, 6, -1), parts, rings, coordinates; with xy, also the coordinates
 * (from xy row 0), ring lengths and rings per part (from index 0). */
static int record(const uint8_t *p, const uint8_t *end, int64_t *parts, int64_t *rings,
                  int64_t *coords, double *xy, int64_t *ring_len, int64_t *part_rings) {
    *parts = 0; *rings = 0; *coords = 0;
    if (p + 5 > end || p[0] != 1) return -1;
    uint32_t type = u32(p + 1);
    p += 5;
    if (type == 3) {
        p = polygon(p, end, 0, rings, coords, xy, ring_len);
        *parts = 1;
        if (p && xy) part_rings[0] = *rings;
        return p == end ? 3 : -1;
    }
    if (type != 6 || p + 4 > end) return -1;
    uint32_t n = u32(p);
    p += 4;
    for (uint32_t k = 0; k < n; k++) {
        if (p + 5 > end || p[0] != 1 || u32(p + 1) != 3) return -1;
        int64_t before = *rings;
        p = polygon(p + 5, end, 1, rings, coords, xy, ring_len);
        if (!p) return -1;
        if (xy) part_rings[k] = *rings - before;
    }
    *parts = n;
    return p == end ? 6 : -1;
}

static inline void span(const void *offsets, int wide, int64_t i, int64_t *a, int64_t *b) {
    *a = wide ? ((const int64_t *)offsets)[i] : ((const int32_t *)offsets)[i];
    *b = wide ? ((const int64_t *)offsets)[i + 1] : ((const int32_t *)offsets)[i + 1];
}

/* Pass 1 over records [0, n): kind, parts, rings and coordinates of each. validity: the
 * Arrow bitmap (NULL: no nulls), starting at bit voff. */
void hljgis_wkb_count(int64_t n, const uint8_t *data, const void *offsets, int wide,
                      const uint8_t *validity, int64_t voff, int8_t *kind, int64_t *parts,
                      int64_t *rings, int64_t *coords) {
    for (int64_t i = 0; i < n; i++) {
        if (!valid(validity, voff + i)) {
            kind[i] = 0; parts[i] = 0; rings[i] = 0; coords[i] = 0;
            continue;
        }
        int64_t a, b;
        span(offsets, wide, i, &a, &b);
        kind[i] = (int8_t)record(data + a, data + b, parts + i, rings + i, coords + i, NULL,
                                 NULL, NULL);
    }
}

/* Pass 2: each record of kind ``want``: its coordinates into xy from row coord_at[i],
 * its ring lengths into ring_len from ring_at[i], its rings per part into part_rings from
 * part_at[i]. */
void hljgis_wkb_fill(int64_t n, const uint8_t *data, const void *offsets, int wide,
                     const int8_t *kind, int8_t want, const int64_t *coord_at,
                     const int64_t *ring_at, const int64_t *part_at, double *xy,
                     int64_t *ring_len, int64_t *part_rings) {
    for (int64_t i = 0; i < n; i++) {
        if (kind[i] != want) continue;
        int64_t a, b, parts, rings, coords;
        span(offsets, wide, i, &a, &b);
        record(data + a, data + b, &parts, &rings, &coords, xy + 2 * coord_at[i],
               ring_len + ring_at[i], part_rings + part_at[i]);
    }
}
