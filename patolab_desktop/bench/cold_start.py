"""Cold start: a new process until the login window is shown."""

from __future__ import annotations

import compileall
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


def compile_bytecode(root: Path) -> bool:
    """Compile the application's modules to bytecode, as an installed copy has them (pip
    compiles a wheel's modules when it installs it, and the bundle ships them compiled).

    A checkout installed in development mode has only sources, and where
    ``PYTHONDONTWRITEBYTECODE`` is set (this project's development machines set it) Python
    never keeps what it compiled: every start compiled the ~100 modules it imports before
    the login window, 60-75 ms of the measured start. Python still recompiles any module
    whose source is newer than its bytecode. True when everything compiled."""
    package = root / "patolab_desktop"
    return bool(compileall.compile_dir(package, quiet=2)) and bool(
        compileall.compile_file(root / "main.py", quiet=2)
    )


def measure_cold_start(result: dict, db_path: str | Path, log, runs: int = 5) -> None:
    """A new process until the login window is shown (PATOLAB_EXIT_WHEN_SHOWN), with the
    application's bytecode compiled first, as an installed copy starts."""
    log("Cold start to the login window (separate process)…")
    main = Path(__file__).resolve().parents[2] / "main.py"
    result["cold_start_bytecode"] = (
        "compiled before the runs" if compile_bytecode(main.parent) else "compile failed"
    )
    env = dict(
        os.environ,
        QT_QPA_PLATFORM=os.environ.get("QT_QPA_PLATFORM", "offscreen"),
        PATOLAB_EXIT_WHEN_SHOWN="1",
    )
    # A home of its own, with the automatic backup off: on PostgreSQL the start-of-day
    # backup is a pg_dump in the background that outlived each measured start (ended with
    # os._exit), five dumps of the big database fighting the measurement for the CPU.
    # Removed afterwards: every run of the bench had left one (its settings and logs).
    # (a file a start left open, on Windows, must not fail the bench after its measures)
    with tempfile.TemporaryDirectory(
        prefix="patolab-bench-home-", ignore_cleanup_errors=True
    ) as home:
        env["PATOLAB_HOME"] = home
        _without_auto_backup(home)
        times = []
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
