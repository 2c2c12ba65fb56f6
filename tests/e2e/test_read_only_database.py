"""A database file nobody may write (a read-only file, or its disk mounted read-only): the
command line says so, in Spanish, with what to do, and ``check`` does not call it damaged
(it printed «attempt to write a readonly database», and «PROBLEMAS ENCONTRADOS» with an
exit 1 for a healthy file, whose search-index check is a write)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.safety_helpers import make_lab, needs_mounts, run_on_a_read_only_file

pytestmark = [pytest.mark.sqlite_only, needs_mounts]


@pytest.fixture
def lab(tmp_path) -> Path:
    return make_lab(tmp_path / "lab.db", customers=5, requests=2)


def test_a_change_to_a_read_only_database_says_ask_the_administrator(lab):
    done = run_on_a_read_only_file(lab, "--db", lab, "seed-demo", "--customers", "30")
    assert done.returncode == 1, done
    assert done.stderr.count("Error:") == 1 and "Traceback" not in done.stderr, done.stderr
    assert "No se guardó nada" in done.stderr and "solo lectura" in done.stderr, done.stderr
    assert "administrador" in done.stderr and "readonly" not in done.stderr, done.stderr


def test_check_of_a_read_only_database_does_not_call_it_damaged(lab):
    done = run_on_a_read_only_file(lab, "--db", lab, "check")
    assert done.returncode == 0, done
    assert "Integridad: correcta" in done.stdout and "PROBLEMAS" not in done.stdout, done.stdout
    assert "Sin comprobar:" in done.stdout and "solo lectura" in done.stdout, done.stdout
    assert "readonly" not in done.stdout + done.stderr, done
