"""Thin entry point: ``python main.py [subcommand]``."""

import multiprocessing
import sys

from patolab_desktop.cli import main

if __name__ == "__main__":
    # In the packaged program a worker process (a part of a big export) starts as this
    # executable: this turns it into the worker instead of a second PatoLab.
    multiprocessing.freeze_support()
    sys.exit(main())
