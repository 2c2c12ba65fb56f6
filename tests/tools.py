"""Outside tools some tests need (LibreOffice, poppler's pdftoppm, zbar, PostgreSQL).

On a machine without one of them those tests skip with a reason that says how to install
it (``make test`` lists the reasons). CI sets ``PATOLAB_REQUIRE_ALL=1``: there a missing tool
fails the test instead, so no skip hides a feature.
"""

from __future__ import annotations

import os
import shutil

import pytest

REQUIRE_ALL = os.environ.get("PATOLAB_REQUIRE_ALL") == "1"


def need(available: bool, what: str, install: str) -> None:
    """Skip (or, with PATOLAB_REQUIRE_ALL=1, fail) unless ``available``."""
    if available:
        return
    reason = f"{what} is not available here (install: {install})"
    if REQUIRE_ALL:
        pytest.fail(f"PATOLAB_REQUIRE_ALL=1: {reason}")
    pytest.skip(reason)


def soffice() -> str:
    path = shutil.which("soffice") or shutil.which("libreoffice")
    need(path is not None, "LibreOffice", "apt-get install libreoffice-calc-nogui")
    return str(path)


def pdftoppm() -> str:
    path = shutil.which("pdftoppm")
    need(path is not None, "pdftoppm (poppler)", "apt-get install poppler-utils")
    return str(path)


def zbar_decode():
    """pyzbar's ``decode``; it needs the zbar shared library."""
    try:
        from pyzbar.pyzbar import decode
    except ImportError:
        decode = None
    need(decode is not None, "the zbar library", "apt-get install libzbar0")
    return decode


def postgres_url() -> str:
    url = os.environ.get("PATOLAB_TEST_PG", "")
    need(bool(url), "PostgreSQL (PATOLAB_TEST_PG)", "scripts/pg_cluster.sh start DIR PORT")
    return url
