"""Entry script of the frozen app: the same ``main`` as the ``hljgis`` console script."""

import sys

from hljgis.__main__ import main

if __name__ == "__main__":
    sys.exit(main())
