"""Cold start: a new process until the login window is shown."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from .figures import stats


def _without_auto_backup(home: str) -> None:
    from .. import local_settings

    previous = os.environ.get("PATOLAB_HOME")
    os.environ["PATOLAB_HOME"] = home
    try:
        local_settings.update(auto_backup=False)
    finally:
        if previous is None:
            os.environ.pop("PATOLAB_HOME", None)
        else:
            os.environ["PATOLAB_HOME"] = previous


def measure_cold_start(result: dict, db_path: str | Path, log, runs: int = 5) -> None:
    """A new process until the login window is shown (PATOLAB_EXIT_WHEN_SHOWN)."""
    log("Cold start to the login window (separate process)…")
    env = dict(
        os.environ,
        QT_QPA_PLATFORM=os.environ.get("QT_QPA_PLATFORM", "offscreen"),
        PATOLAB_EXIT_WHEN_SHOWN="1",
    )
    # A home of its own, with the automatic backup off: on PostgreSQL the start-of-day
    # backup is a pg_dump in the background that outlived each measured start (ended with
    # os._exit), five dumps of the big database fighting the measurement for the CPU.
    home = tempfile.mkdtemp(prefix="patolab-bench-home-")
    env["PATOLAB_HOME"] = home
    _without_auto_backup(home)
    times = []
    main = Path(__file__).resolve().parents[2] / "main.py"
    for _ in range(runs):
        start = time.perf_counter()
        completed = subprocess.run(
            [sys.executable, str(main), "--db", str(db_path)],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        elapsed = (time.perf_counter() - start) * 1000
        if completed.returncode != 0:
            result["cold_start_to_login_ms"] = {"error": completed.stderr[-2000:]}
            return
        times.append(elapsed)
    result["cold_start_to_login_ms"] = stats(times)


# every figure a run writes (the CI smoke test checks them all)
