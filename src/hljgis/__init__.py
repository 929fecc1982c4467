"""hljgis: offline desktop GIS and site ranking for the coal cities of East Heilongjiang."""

import os as _os

__version__ = "0.1.0"

# GDAL's PAM writes "<file>.aux.xml" statistics files next to rasters it reads: hljgis never
# writes beside a planner's data (or into an installed bundle) without being asked.
_os.environ.setdefault("GDAL_PAM_ENABLED", "NO")

# At exit, skip the cycle collector's passes over every object (0.1-0.15 s; see _exit).
from hljgis import _exit  # noqa: E402, F401
