"""The ``hljgis`` entry point: a subcommand runs headless, none opens the desktop app.

Kept apart from :mod:`hljgis.cli` so the headless commands never import the GUI.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence


def main(argv: Sequence[str] | None = None) -> int:
    from hljgis.cli import COMMANDS, build_parser

    args = build_parser().parse_args(argv)
    if args.command in COMMANDS:
        from hljgis.cli import main as cli_main

        return cli_main(argv)
    from hljgis.gui.app import run_app

    return run_app(project=args.project, lang=args.lang, screenshot=args.screenshot,
                   size=args.size)


def run() -> None:
    """Console entry point: like :func:`main`, quiet when the output pipe closes early."""
    import os

    from hljgis import _exit

    _exit.install()  # no cycle-collector passes at exit (0.1-0.15 s; see hljgis._exit)
    try:
        sys.exit(main())
    except BrokenPipeError:  # e.g. `hljgis info big.gpkg | head`
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        sys.exit(0)


if __name__ == "__main__":
    run()
