"""Entry script of the frozen app: the same ``run`` as the ``hljgis`` console script."""

from hljgis.__main__ import run

if __name__ == "__main__":
    run()
