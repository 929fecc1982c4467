"""hljgis: offline desktop GIS and site ranking for the coal cities of East Heilongjiang."""

import os as _os

__version__ = "0.1.0"

# GDAL's PAM writes "<file>.aux.xml" statistics files next to rasters it reads: hljgis never
# writes beside a planner's data (or into an installed bundle) without being asked.
_os.environ.setdefault("GDAL_PAM_ENABLED", "NO")

# OpenBLAS (numpy's BLAS) starts a thread per core when numpy loads, and each spins for
# ~0.1 s waiting for work: 0.08 s of CPU stolen from a render-from-disk script's imports on
# this 2-core machine (perf). hljgis does no BLAS work worth threads (an AHP matrix is
# 10x10), so one thread, unless the user chose (only before numpy is first imported).
_os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
