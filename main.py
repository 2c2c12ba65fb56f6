"""Thin entry point: ``python main.py [subcommand]``."""

import sys

from patolab_desktop.cli import main

if __name__ == "__main__":
    sys.exit(main())
