"""The figures of a benchmark run: timing, percentiles and the machine it ran on."""

from __future__ import annotations

import os
import platform
import sqlite3
import statistics
import sys
import time
from collections.abc import Callable

from .. import __version__


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    k = (len(ordered) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def process_status_mb(wanted: dict[str, str]) -> dict[str, float]:
    """Linux: the ``/proc/self/status`` lines named in ``wanted`` (its keys), in MB under
    ``wanted``'s values; empty where the system has no such file."""
    out = {}
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                key, _, value = line.partition(":")
                if key in wanted:
                    out[wanted[key]] = round(int(value.split()[0]) / 1024, 1)
    except OSError:
        pass
    return out


def timed(fn: Callable, *args, **kwargs) -> tuple[float, object]:
    start = time.perf_counter()
    result = fn(*args, **kwargs)
    return (time.perf_counter() - start) * 1000.0, result


def stats(values: list[float]) -> dict:
    return {
        "n": len(values),
        "p50": round(percentile(values, 0.5), 3),
        "p95": round(percentile(values, 0.95), 3),
        "max": round(max(values), 3) if values else None,
        "mean": round(statistics.fmean(values), 3) if values else None,
    }


def machine() -> dict:
    from PySide6 import __version__ as pyside_version

    mem_kb = 0
    try:
        with open("/proc/meminfo") as fh:
            mem_kb = int(fh.readline().split()[1])
    except OSError:
        pass
    cpu = platform.processor()
    try:
        with open("/proc/cpuinfo") as fh:
            cpu = next(
                (ln.split(":", 1)[1].strip() for ln in fh if ln.startswith("model name")), cpu
            )
    except OSError:
        pass
    return {
        "platform": platform.platform(),
        "cpu": cpu,
        "cores": os.cpu_count(),
        "cpu_count": os.cpu_count(),
        # the machine is shared: the load when the run started says how quiet it was
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "memory_gb": round(mem_kb / 1024 / 1024, 1),
        "python": sys.version.split()[0],
        "pyside6": pyside_version,
        "sqlite": sqlite3.sqlite_version,
        "patolab": __version__,
    }
