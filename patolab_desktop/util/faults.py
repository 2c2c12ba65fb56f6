"""Test hooks that make crash tests deterministic (no sleeps, no timing).

``pause_point("name")`` does nothing unless the environment variable ``PATOLAB_PAUSE_AT``
equals ``name``: then it prints ``PATOLAB_PAUSED name`` on stdout and blocks for ever, so
a test that started the real program as a subprocess reads that line and kills the
process (SIGKILL) exactly at that point.
"""

from __future__ import annotations

import os
import sys
import threading

ENV = "PATOLAB_PAUSE_AT"


def pause_point(name: str) -> None:
    if os.environ.get(ENV) != name:
        return
    sys.stdout.write(f"PATOLAB_PAUSED {name}\n")
    sys.stdout.flush()
    threading.Event().wait()
