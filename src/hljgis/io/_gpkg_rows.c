/* Rows of an Arrow table inserted into a GeoPackage layer table GDAL made, in one SQLite
 * transaction, for hljgis.io.gpkg_rows (loaded with ctypes: no GIL held during the call).
 *
 * GDAL writes a feature at a time through OGRFeature objects (2.2 us a row for a ranked
 * parcel's 28 columns); here each row's values are bound straight from the Arrow buffers
 * and its geometry blob is the GeoPackage header GDAL writes (magic, version 0, flags 0x03:
 * little-endian with an [minx, maxx, miny, maxy] envelope, the SRS id), the envelope and
 * the WKB as given.
 *
 * Column kinds: 1 float64, 2 int64, 3 bool (bit-packed, as 0/1), 4 utf8 with int32
 * offsets, 5 utf8 with int64 offsets. A validity bitmap may be NULL (no nulls).
 */
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static inline int valid(const uint8_t *bits, int64_t i) {
    return bits == NULL || (bits[i >> 3] >> (i & 7)) & 1;
}

static int fail(sqlite3 *db, char *err, int errlen, const char *what) {
    snprintf(err, errlen, "%s: %s", what, db ? sqlite3_errmsg(db) : "no database");
    return 1;
}

int hljgis_gpkg_insert(const char *path, const char *insert_sql, int64_t row0, int64_t n,
                       int64_t fid0, int32_t srs_id,
                       const uint8_t *geom_data, const int64_t *geom_offsets,
                       const double *bounds, /* n x 4: minx, miny, maxx, maxy */
                       int ncols, const int *kinds, const void **data,
                       const void **offsets, const uint8_t **validity,
                       char *err, int errlen) {
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    uint8_t *blob = NULL;
    size_t cap = 0;
    int rc = 1;
    /* one thread uses the connection: no mutex round each bind (a quarter of the time) */
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL)
        != SQLITE_OK) {
        fail(db, err, errlen, "open");
        goto done;
    }
    if (sqlite3_exec(db, "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; BEGIN",
                     NULL, NULL, NULL) != SQLITE_OK) {
        fail(db, err, errlen, "begin");
        goto done;
    }
    if (sqlite3_prepare_v2(db, insert_sql, -1, &st, NULL) != SQLITE_OK) {
        fail(db, err, errlen, "prepare");
        goto done;
    }
    for (int64_t r = 0; r < n; r++) {
        int64_t i = row0 + r;
        sqlite3_bind_int64(st, 1, fid0 + r);
        int64_t g0 = geom_offsets[i], g1 = geom_offsets[i + 1];
        size_t size = 40 + (size_t)(g1 - g0);
        if (size > cap) {
            free(blob);
            cap = size * 2;
            blob = malloc(cap);
            if (!blob) { snprintf(err, errlen, "out of memory"); goto done; }
        }
        blob[0] = 'G'; blob[1] = 'P'; blob[2] = 0; blob[3] = 0x03;
        memcpy(blob + 4, &srs_id, 4);
        const double *b = bounds + 4 * i;
        double env[4] = {b[0], b[2], b[1], b[3]};
        memcpy(blob + 8, env, 32);
        memcpy(blob + 40, geom_data + g0, (size_t)(g1 - g0));
        sqlite3_bind_blob(st, 2, blob, (int)size, SQLITE_STATIC);
        for (int c = 0; c < ncols; c++) {
            int at = c + 3;
            if (!valid(validity[c], i)) { sqlite3_bind_null(st, at); continue; }
            switch (kinds[c]) {
            case 1: sqlite3_bind_double(st, at, ((const double *)data[c])[i]); break;
            case 2: sqlite3_bind_int64(st, at, ((const int64_t *)data[c])[i]); break;
            case 3: sqlite3_bind_int(st, at, valid((const uint8_t *)data[c], i)); break;
            case 4: {
                const int32_t *o = (const int32_t *)offsets[c];
                sqlite3_bind_text(st, at, (const char *)data[c] + o[i], o[i + 1] - o[i],
                                  SQLITE_STATIC);
                break;
            }
            case 5: {
                const int64_t *o = (const int64_t *)offsets[c];
                sqlite3_bind_text64(st, at, (const char *)data[c] + o[i],
                                    (sqlite3_uint64)(o[i + 1] - o[i]), SQLITE_STATIC,
                                    SQLITE_UTF8);
                break;
            }
            default:
                snprintf(err, errlen, "column %d: unknown kind %d", c, kinds[c]);
                goto done;
            }
        }
        if (sqlite3_step(st) != SQLITE_DONE) {
            fail(db, err, errlen, "insert");
            goto done;
        }
        sqlite3_reset(st);
    }
    if (sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
        fail(db, err, errlen, "commit");
        goto done;
    }
    rc = 0;
done:
    free(blob);
    if (st) sqlite3_finalize(st);
    if (db) {
        if (rc) sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
        sqlite3_close(db);
    }
    return rc;
}
