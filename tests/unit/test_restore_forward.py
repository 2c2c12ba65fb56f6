"""Issue 15, point 6: a restore keeps history moving forward.

After a restore every number counter is at least the highest number issued before it
(no request number printed on a tube is given again), the audit rows written after the
backup are carried over, and the restore is audited even when the process is SIGKILLed
right after it (the audit row travels in the same transaction as the restored data).
"""

from __future__ import annotations

import signal

import pytest

from patolab_desktop.db.models import AuditLog, Branch, LabRequest, RequestCounter
from patolab_desktop.db.models_safety import CounterFloor
from patolab_desktop.services import requests
from patolab_desktop.services.access import audit
from patolab_desktop.services.bootstrap import close_db, open_db
from patolab_desktop.services.safety import backups, check, counters
from tests.safety_helpers import kill_at, make_lab
from tests.unit.requests_fixtures import lab  # noqa: F401 - fixture

pytestmark = pytest.mark.sqlite_only


def _numbers() -> set[str]:
    return {n for (n,) in LabRequest.select(LabRequest.request_number).tuples()}


def test_restore_never_gives_a_number_again(lab, tmp_path):  # noqa: F811
    lab.create()
    backup = backups.backup_now(tmp_path / "copias")
    printed = {lab.create()[1] for _ in range(3)}  # issued (and printed) after the backup
    issued_before = _numbers()

    backups.restore(backup)

    assert not printed & _numbers()  # those requests are gone with the restore…
    new_number = lab.create()[1]
    assert new_number not in issued_before  # …but their numbers are never given again
    assert new_number.endswith("000005")


def test_a_branch_created_after_the_backup_keeps_its_numbers_through_a_floor(
    lab,  # noqa: F811
    tmp_path,
):
    backup = backups.backup_now(tmp_path / "copias")
    branch = Branch.create(code="NUE", name="Sucursal nueva").id
    printed = {lab.create(branch_id=branch)[1] for _ in range(2)}

    backups.restore(backup)

    assert Branch.get_or_none(Branch.code == "NUE") is None
    floors = {(f.name, f.key): f.last_number for f in CounterFloor.select()}
    assert len(floors) == 1 and list(floors.values()) == [2]
    again = Branch.create(code="NUE", name="Sucursal nueva otra vez").id  # recreated
    number = lab.create(branch_id=again)[1]
    assert number not in printed and number.endswith("000003")


def test_audit_rows_after_the_backup_are_carried_over_and_the_restore_audited(
    lab,  # noqa: F811
    tmp_path,
):
    backup = backups.backup_now(tmp_path / "copias")
    request_id, number = lab.create()
    requests.cancel(request_id, "Muestra hemolizada", by="t")
    after = [
        (r.action, r.entity, r.entity_id, r.detail)
        for r in AuditLog.select().order_by(AuditLog.id)
        if r.id > 0
    ]

    result = backups.restore(backup)

    rows = [(r.action, r.entity, r.entity_id, r.detail) for r in AuditLog.select()]
    for row in after:
        assert row in rows  # nothing written after the backup is lost from the trail
    restore_rows = [r for r in AuditLog.select() if r.action == "restore"]
    assert len(restore_rows) == 1 and backup.name in restore_rows[0].detail
    assert result.audit_rows_carried >= 2
    assert LabRequest.get_or_none(LabRequest.request_number == number) is None
    assert check.check().ok


def test_the_counter_registry_is_generic(lab, tmp_path):  # noqa: F811
    """Billing adds invoice counters by registering one; a restore raises it too."""
    state = {"live": {"SPS-001-001": 57}, "restored": {}}

    def snapshot():
        return dict(state["live"])

    def raise_to(values):
        state["restored"].update(values)
        return {}

    counters.register(counters.Counter("test-invoice", snapshot, raise_to))
    try:
        backup = backups.backup_now(tmp_path / "copias")
        backups.restore(backup)
    finally:
        counters.COUNTERS.pop("test-invoice")
    assert state["restored"] == {"SPS-001-001": 57}


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="POSIX signals")
def test_restore_killed_right_after_the_copy_is_audited_and_moves_forward(tmp_path):
    db_path = make_lab(tmp_path / "lab.db", customers=20, requests=10)
    open_db(db_path)
    backup = backups.backup_now(tmp_path / "copias")
    before_counters = {(c.branch_id, c.year): c.last_number for c in RequestCounter.select()}
    audit._write("update", "branch", 1, detail="escrito después de la copia")
    # numbers issued after the backup: raise the counters as saved requests would
    for c in RequestCounter.select():
        RequestCounter.update(last_number=c.last_number + 5).where(
            RequestCounter.id == c.id
        ).execute()
    issued = {(c.branch_id, c.year): c.last_number for c in RequestCounter.select()}
    close_db()

    kill_at("restore-copied", "--db", db_path, "restore", backup)

    open_db(db_path)
    try:
        details = [r.detail for r in AuditLog.select().where(AuditLog.action == "restore")]
        assert len(details) == 1 and backup.name in details[0]
        assert AuditLog.get_or_none(AuditLog.detail == "escrito después de la copia")
        now = {(c.branch_id, c.year): c.last_number for c in RequestCounter.select()}
        assert now == issued and now != before_counters
        assert check.check().ok
    finally:
        close_db()
