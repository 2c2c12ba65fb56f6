"""Issue 15, point 6 on PostgreSQL: a ``pg_dump`` backup restored through the program
(``patolab restore COPIA.dump``) keeps history moving forward, as an SQLite restore does.

``pg_restore --clean`` over the live database put the backup's counters back: the next
request and factura reused numbers printed after the backup. The program restores into
a staging database, carries the live counters and audit rows into it and swaps it in.
"""

from __future__ import annotations

import shutil

import psycopg2
import pytest

from patolab_desktop.db.models import AuditLog, LabRequest
from patolab_desktop.db.models_billing import FiscalDocument
from patolab_desktop.services import requests
from patolab_desktop.services.safety import backups, check
from patolab_desktop.services.safety.errors import BackupError
from tests.conftest import PG_URL
from tests.unit.billing_helpers import billing_lab, lab  # noqa: F401 - fixtures

pytestmark = [
    pytest.mark.skipif(not PG_URL, reason="PostgreSQL-only (make test-pg)"),
    pytest.mark.skipif(
        not (shutil.which("pg_dump") and shutil.which("pg_restore")),
        reason="needs pg_dump and pg_restore (PostgreSQL client tools) on PATH",
    ),
]


def _databases() -> set[str]:
    conn = psycopg2.connect(PG_URL)
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT datname FROM pg_database")
            return {name for (name,) in cur.fetchall()}
    finally:
        conn.close()


def _audit_rows(after: int) -> list[tuple]:
    query = AuditLog.select().where(AuditLog.id > after).order_by(AuditLog.id)
    return [(r.action, r.entity, r.entity_id, r.detail, r.at) for r in query]


def _issue(b) -> tuple[str, str]:
    """A request and its factura: (request number, factura number)."""
    request_id, number = b.lab.create(b.lab.glu)
    return number, FiscalDocument.get_by_id(b.invoice(request_id)).number


def test_a_restored_dump_never_gives_a_request_or_factura_number_again(
    billing_lab,  # noqa: F811
    tmp_path,
):
    b = billing_lab
    _issue(b)
    backup_last = AuditLog.select(AuditLog.id).order_by(AuditLog.id.desc()).scalar()
    backup = backups.backup_now(tmp_path / "copias")
    printed = [_issue(b) for _ in range(2)]  # issued (and printed) after the backup
    request_id, _number = b.lab.create()
    requests.cancel(request_id, "Muestra hemolizada", by="t")
    written_after = _audit_rows(after=backup_last)
    before = set(_databases())

    result = backups.restore(backup)

    numbers = {n for (n,) in LabRequest.select(LabRequest.request_number).tuples()}
    assert not {r for r, _f in printed} & numbers  # those requests went with the restore…
    request_number, factura = _issue(b)
    assert request_number not in {r for r, _f in printed}  # …their numbers never come back
    assert factura not in {f for _r, f in printed}
    assert request_number.endswith("000005") and factura.endswith("00000004")
    restore_rows = [r.detail for r in AuditLog.select().where(AuditLog.action == "restore")]
    assert len(restore_rows) == 1 and backup.name in restore_rows[0]
    assert set(written_after) <= set(_audit_rows(after=0))  # the trail lost nothing
    assert result.audit_rows_carried == len(written_after)
    assert result.counters_moved >= 2 and result.safety_backup.exists()
    assert _databases() == before  # no staging or previous database left on the server
    assert check.check().ok


def test_a_restore_is_refused_while_another_desk_is_connected(
    billing_lab,  # noqa: F811
    db_target,
    tmp_path,
):
    b = billing_lab
    backup = backups.backup_now(tmp_path / "copias")
    number, factura = _issue(b)
    before = set(_databases())
    other_desk = psycopg2.connect(db_target)
    try:
        with pytest.raises(BackupError, match="abierta en otra computadora"):
            backups.restore(backup)
        assert _databases() == before  # the staging database is gone again
        with other_desk.cursor() as cur:  # the other desk keeps working on the same data
            cur.execute("SELECT count(*) FROM lab_request WHERE request_number = %s", (number,))
            assert cur.fetchone()[0] == 1
    finally:
        other_desk.close()
    assert FiscalDocument.get_or_none(FiscalDocument.number == factura) is not None
    assert _issue(b)[0] != number
