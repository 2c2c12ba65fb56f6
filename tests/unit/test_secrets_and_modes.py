"""Issue 15, point 4: secrets out of files and command lines; private files on POSIX.

The PostgreSQL password lives in the OS credential store through ``keyring`` (here the
test backend ``tests.keyring_backend.FileKeyring``, a file in the temp home: never the
real store), never in local_settings.json, logs or argv; pg_dump gets it in PGPASSWORD.
The database, backups, logs and settings are 0600 in folders 0700.
"""

from __future__ import annotations

import json
import logging
import os
import stat
import sys
from pathlib import Path

import keyring
import pytest

from patolab_desktop import local_settings, paths
from patolab_desktop.db.database import db, make_database
from patolab_desktop.services.bootstrap import close_db, open_db
from patolab_desktop.services.safety import backups
from patolab_desktop.util import credentials

URL = "postgresql://laboratorio:S3creto%21x@db.lab.local:5433/patolab"
BARE = "postgresql://laboratorio@db.lab.local:5433/patolab"
SECRET = "S3creto!x"


def test_the_tests_use_the_file_keyring_never_the_real_store():
    assert type(keyring.get_keyring()).__name__ == "FileKeyring"


def test_saving_a_url_keeps_the_password_out_of_the_settings_file():
    local_settings.update(database=URL)
    text = local_settings.settings_path().read_text(encoding="utf-8")
    assert SECRET not in text and "S3creto" not in text
    assert json.loads(text)["database"] == BARE
    assert keyring.get_password(credentials.SERVICE, BARE) == SECRET
    assert local_settings.database_target() == BARE  # what the CLI and GUI open


def test_the_url_saved_is_the_one_the_store_is_asked_for():
    local_settings.update(database=URL)
    database = make_database(local_settings.database_target())
    assert database.connect_params["port"] == 5433
    # read when the server asks for it (tests/unit/test_pg_password_on_demand.py)
    assert database.store_url == BARE
    assert credentials.lookup(database.store_url) == SECRET


def test_a_file_written_by_an_older_version_is_cleaned_when_read():
    path = local_settings.settings_path()
    path.write_text(json.dumps({"database": URL}), encoding="utf-8")
    assert local_settings.load().database == BARE
    assert SECRET not in path.read_text(encoding="utf-8")
    assert keyring.get_password(credentials.SERVICE, BARE) == SECRET


def test_without_a_credential_store_nothing_is_written(monkeypatch):
    monkeypatch.setattr(credentials, "_keyring", lambda: _Failing())
    with pytest.raises(local_settings.CredentialStoreError, match="PGPASSWORD"):
        local_settings.update(database=URL)
    assert not local_settings.settings_path().exists()


class _Failing:
    def set_password(self, *a):
        from keyring.errors import NoKeyringError

        raise NoKeyringError("no backend")

    def get_password(self, *a):
        return None


def test_pg_dump_gets_the_password_in_its_environment_not_argv(tmp_path, monkeypatch):
    """A fake pg_dump records its argv and environment; the database is a PostgreSQL
    connection object (never connected) as the one the program would hold."""
    from peewee import PostgresqlDatabase

    record = tmp_path / "pg_dump_call.json"
    fake = tmp_path / "bin" / "pg_dump"
    fake.parent.mkdir()
    fake.write_text(
        f"#!{sys.executable}\n"
        "import json, os, sys\n"
        f"json.dump({{'argv': sys.argv, 'pw': os.environ.get('PGPASSWORD')}}, "
        f"open({str(record)!r}, 'w'))\n"
        "out = sys.argv[sys.argv.index('-f') + 1]\n"
        "open(out, 'wb').write(b'PGDMP fake')\n",
        encoding="utf-8",
    )
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", f"{fake.parent}{os.pathsep}{os.environ['PATH']}")
    previous = db.obj
    db.initialize(
        PostgresqlDatabase("patolab", user="laboratorio", password=SECRET, host="127.0.0.1")
    )
    try:
        path = backups.backup_now(tmp_path / "copias", kind="inicio")
    finally:
        db.initialize(previous)
    call = json.loads(record.read_text(encoding="utf-8"))
    assert not any(SECRET in arg or "S3creto" in arg for arg in call["argv"])
    assert call["pw"] == SECRET
    assert path.read_bytes().startswith(b"PGDMP")
    if os.name == "posix":
        assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_describe_and_errors_never_show_the_password():
    from patolab_desktop.db.database import describe

    assert SECRET not in describe(URL) and "S3creto" not in describe(URL)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.mark.sqlite_only
@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
def test_database_backups_logs_and_settings_are_private(tmp_path):
    old = os.umask(0o022)  # the usual umask: files would be 0644 without the rule
    try:
        home = Path(os.environ["PATOLAB_HOME"])
        db_path = paths.default_db_path()
        open_db(db_path)
        try:
            backup = backups.backup_now(kind="inicio")
            from patolab_desktop.db.models import Gender

            Gender.create(code="Z", name="Prueba")  # the -wal file gets written
        finally:
            close_db()
        local_settings.update(backup_keep_days=9)
        from patolab_desktop.ui import errors

        errors.setup_logging()
        logging.getLogger("patolab.test").warning("una línea")
        errors.shutdown_logging()
    finally:
        os.umask(old)
    assert _mode(db_path) == 0o600
    for side in ("-wal", "-shm"):
        side_file = Path(f"{db_path}{side}")
        if side_file.exists():
            assert _mode(side_file) == 0o600, side
    assert _mode(backup) == 0o600
    assert _mode(backup.parent) == 0o700
    assert _mode(local_settings.settings_path()) == 0o600
    assert _mode(errors.log_file()) == 0o600
    for folder in (paths.data_dir(), paths.config_dir(), paths.log_dir()):
        assert _mode(folder) == 0o700, folder
    assert home.exists()


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
def test_a_rotated_log_file_is_private_too(tmp_path):
    from patolab_desktop.ui.errors import PrivateRotatingFileHandler

    old = os.umask(0o022)
    try:
        handler = PrivateRotatingFileHandler(tmp_path / "x.log", maxBytes=50, backupCount=2)
        record = logging.LogRecord("t", logging.INFO, __file__, 1, "x" * 80, None, None)
        handler.emit(record)
        handler.emit(record)
        handler.close()
    finally:
        os.umask(old)
    logs = sorted(tmp_path.glob("x.log*"))
    assert len(logs) >= 2 and all(_mode(p) == 0o600 for p in logs)


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
def test_a_pdf_is_private_like_a_csv(tmp_path, qapp):
    """A summary or a factura carries a patient's data: readable by its owner only (the
    CSV exports were; the PDFs were readable by every account of the computer)."""
    from patolab_desktop.documents.paper import document_layout
    from patolab_desktop.documents.pdf_output import write_pdf

    old = os.umask(0o022)
    try:
        out = tmp_path / "resumen.pdf"
        write_pdf(out, document_layout("Letter"), lambda painter, device: 1)
    finally:
        os.umask(old)
    assert _mode(out) == 0o600
