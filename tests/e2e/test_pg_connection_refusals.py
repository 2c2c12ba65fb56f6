"""A PostgreSQL server that refuses the desk is explained in Spanish, with what to do
(the password: PGPASSWORD, .pgpass or the credential store; the server down or out of
reach: host, port, network; a database that does not exist), libpq's words kept as a short
detail at the end: the CLI exits 1, the GUI says it in «No se pudo abrir la base de datos».
It printed libpq's English («fe_sendauth: no password supplied», «Is the server running on
that host…»). The password is never printed."""

from __future__ import annotations

import os
import socket
from urllib.parse import urlparse

import pytest

from patolab_desktop.ui import app, errors, prompts
from tests.conftest import PG_URL
from tests.safety_helpers import run_process
from tests.unit.test_pg_password_on_demand import _password_url

WRONG_PASSWORD = "Clave-Equivocada-123"
needs_pg = pytest.mark.skipif(
    not PG_URL, reason="needs PATOLAB_TEST_PG (make test-pg): a server that refuses the desk"
)


def _closed_port() -> int:
    """A port of this computer where nothing listens (the connection is refused)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _check(url: str, tmp_path, **env: str):
    """``main.py --db URL check`` with no password but ``env``'s: no PGPASSWORD, no
    ``.pgpass``, nothing in the credential store of a fresh home."""
    clean = {k: v for k, v in os.environ.items() if k != "PGPASSWORD"}
    clean.update(
        PATOLAB_HOME=str(tmp_path / "home"),
        PGPASSFILE=str(tmp_path / "no.pgpass"),
        QT_QPA_PLATFORM="offscreen",
        **env,
    )
    done = run_process("--db", url, "check", env=clean)
    assert done.returncode == 1, done
    assert "Traceback" not in done.stderr + done.stdout
    return done.stderr


def test_a_server_that_is_not_running_says_what_to_check(tmp_path):
    said = _check(f"postgresql://lab@127.0.0.1:{_closed_port()}/patolab", tmp_path)
    assert "no se pudo conectar con el servidor" in said
    assert "PostgreSQL esté encendido" in said and "el puerto de la URL" in said
    assert said.rstrip().endswith("(Connection refused)")
    assert "Is the server running" not in said


def test_the_gui_says_it_in_its_open_error(qapp, monkeypatch):
    shown = []
    monkeypatch.setattr(errors, "install", lambda: None)
    monkeypatch.setattr(prompts, "error", lambda parent, title, text: shown.append((title, text)))
    url = f"postgresql://lab@127.0.0.1:{_closed_port()}/patolab"
    assert app.run_gui(db_target=url) == 1
    [(title, text)] = shown
    assert title == "No se pudo abrir la base de datos"
    assert "no se pudo conectar con el servidor" in text and "Is the server running" not in text


@needs_pg
def test_a_password_not_given_or_wrong_says_where_it_comes_from(tmp_path):
    url = _password_url()
    said = _check(url, tmp_path)
    assert "el servidor pide una contraseña y no se dio ninguna" in said
    assert "PGPASSWORD" in said and ".pgpass" in said and "Conexión a base de datos" in said
    assert said.rstrip().endswith("(fe_sendauth: no password supplied)")
    said = _check(url, tmp_path, PGPASSWORD=WRONG_PASSWORD)
    assert "el servidor rechazó el usuario o la contraseña" in said
    assert "password authentication failed" in said  # the detail, at the end
    assert WRONG_PASSWORD not in said


@needs_pg
def test_a_database_that_does_not_exist_says_so(tmp_path):
    server = urlparse(PG_URL)
    said = _check(server._replace(path="/no_existe_esta_base").geturl(), tmp_path)
    assert "esa base de datos no existe en el servidor" in said
    assert 'database "no_existe_esta_base" does not exist' in said


def test_a_server_name_not_found_says_to_check_it(tmp_path):
    said = _check("postgresql://lab@no-such-host.invalid:5432/patolab", tmp_path)
    assert "no se encontró el servidor por su nombre" in said
