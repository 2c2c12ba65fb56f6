"""A restore never quietly undoes fiscal documents (BILLING.md: issued documents are kept,
numbers never reused).

Before the restore the person is told what it will undo, counted by comparing the open
database with the copy (requests, facturas, notas de crédito, voids, payments, with the
fiscal numbers); a restore that would lose fiscal documents needs explicit consent; the
later void and credit notes of a factura the copy has are carried over; every other
fiscal number is recorded, so the report of unused numbers (Art. 42) says «emitido antes
de restaurar una copia», never «salto», and the message after the restore lists them.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from patolab_desktop.db.models_billing import FiscalDocument, Payment
from patolab_desktop.services.billing import cash, credit_notes, records, reports
from patolab_desktop.services.bootstrap import close_db, open_db
from patolab_desktop.services.errors import RuleError
from patolab_desktop.services.safety import backups, check
from patolab_desktop.services.safety.errors import BackupError
from tests.unit.billing_helpers import billing_lab  # noqa: F401 - fixture
from tests.unit.requests_fixtures import lab  # noqa: F401 - fixture

pytestmark = pytest.mark.sqlite_only


def _number(document_id: int) -> str:
    return FiscalDocument.get_by_id(document_id).number


def _whole_note(original_id: int) -> int:
    return credit_notes.issue(
        credit_notes.CreditNoteInput(
            original_id=original_id,
            reason="Devolución total",
            receiver_name="Ana Pérez",
            receiver_document="0801199012345",
            whole=True,
        )
    )


def _unused(doc_type: str) -> dict:
    return next(u for u in reports.unused_numbers() if u["key"].endswith(doc_type))


def _paid_factura_and_backup(b, tmp_path) -> tuple[int, object]:
    """A factura paid in the open cash, then a backup."""
    factura = b.invoice(b.request())
    return factura, backups.backup_now(tmp_path / "copias")


def _after_the_backup(b, tmp_path):
    """A backup, then three requests, two facturas (one voided), a credit note on the
    other: everything fiscal made after the copy."""
    backup = backups.backup_now(tmp_path / "copias")
    requests = [b.request() for _ in range(3)]
    paid = b.invoice(requests[0])
    voided = b.invoice(requests[1])
    records.void(voided, "Nombre equivocado")
    note = _whole_note(paid)
    return backup, [_number(paid), _number(voided)], _number(note)


def test_the_preview_counts_what_the_restore_would_undo(billing_lab, tmp_path):  # noqa: F811
    b = billing_lab
    b.invoice(b.request())
    backup, facturas, note = _after_the_backup(b, tmp_path)

    preview = backups.preview_restore(backup)

    from patolab_desktop.services.safety import later_text

    later = preview.later
    assert later.requests == 3 and len(later.request_numbers) == 3
    assert [d.number for d in later.documents] == [*facturas, note]
    assert later.payments == 2 and later.paid == Decimal("460.00")
    assert later.fiscal_lost
    text = later_text.describe(later)
    for number in (*facturas, note, *later.request_numbers):
        assert number in text
    assert "Facturas: 2" in text and "Notas de crédito: 1" in text
    assert "Emitido antes de restaurar una copia" in text
    assert FiscalDocument.select().count() == 4  # nothing changed


def test_a_restore_that_would_lose_fiscal_documents_needs_consent(
    billing_lab,  # noqa: F811
    tmp_path,
):
    b = billing_lab
    backup, facturas, _note = _after_the_backup(b, tmp_path)
    before = backups.list_backups(tmp_path / "copias")

    with pytest.raises(BackupError, match="aceptar expresamente") as refused:
        backups.restore(backup)

    assert facturas[0] in str(refused.value)
    assert {d.number for d in FiscalDocument.select()} >= set(facturas)  # nothing changed
    assert backups.list_backups(tmp_path / "copias") == before  # not even a safety copy
    result = backups.restore(backup, lose_documents=True)
    assert not FiscalDocument.select().exists()
    assert [d.number for d in result.later.documents][:2] == facturas


def test_lost_numbers_are_reported_as_issued_before_a_restore_never_as_gaps(
    billing_lab,  # noqa: F811
    tmp_path,
):
    b = billing_lab
    kept = _number(b.invoice(b.request()))
    backup, facturas, note = _after_the_backup(b, tmp_path)

    result = backups.restore(backup, lose_documents=True)

    from patolab_desktop.services.safety import later_text

    invoices = _unused("01")
    assert invoices["gaps"] == []  # was [(…02, …03)]: «salto» for printed facturas
    assert invoices["before_restore"] == [facturas[0]]
    assert invoices["voided_before_restore"] == [facturas[1]]
    assert _unused("06")["before_restore"] == [note]
    rows = reports.unused_rows()
    classes = {row[4]: row[3] for row in rows[1:]}
    assert classes[facturas[0]] == "emitido antes de restaurar una copia"
    assert classes[facturas[1]] == "anulado antes de restaurar una copia"
    assert classes[note] == "emitido antes de restaurar una copia"
    assert kept not in classes and "salto" not in classes.values()
    message = later_text.after_restore(result.later)
    for number in (*facturas, note):
        assert number in message
    assert check.check().ok
    # the record is carried over by the next restore, as the counters are
    backups.restore(backup)
    assert _unused("01")["before_restore"] == [facturas[0]]
    assert _unused("01")["gaps"] == []


def test_a_void_after_the_backup_is_carried_and_the_factura_stays_void(
    billing_lab,  # noqa: F811
    tmp_path,
):
    factura, backup = _paid_factura_and_backup(billing_lab, tmp_path)
    records.void(factura, "Nombre equivocado")

    result = backups.restore(backup)  # nothing fiscal lost: no consent needed

    row = FiscalDocument.get_by_id(factura)
    assert row.status == "void" and row.void_reason == "Nombre equivocado"
    paid = sum((p.amount for p in Payment.select().where(Payment.document == factura)), Decimal(0))
    assert paid == 0  # the reversal of its payment came along
    assert _unused("01")["voided"] == [row.number]
    assert result.later.carried.voided == (row.number,)
    assert check.check().ok


def test_a_credit_note_after_the_backup_is_carried_with_its_refund(
    billing_lab,  # noqa: F811
    tmp_path,
):
    factura, backup = _paid_factura_and_backup(billing_lab, tmp_path)
    note = _number(_whole_note(factura))

    backups.restore(backup)

    assert credit_notes.remaining(factura) == Decimal("0.00")  # was the whole amount again
    assert records.view(records.find(note)).original_number == _number(factura)
    refunds = Payment.select().where((Payment.document == factura) & (Payment.kind == "refund"))
    assert refunds.count() == 1
    with pytest.raises(RuleError, match="nada por acreditar"):
        _whole_note(factura)  # the money is not given back twice
    assert _unused("06")["gaps"] == [] and _unused("06")["before_restore"] == []
    assert check.check().ok


def test_a_void_that_cannot_be_carried_is_listed_and_reported(billing_lab, tmp_path):  # noqa: F811
    """The cash session that took the factura closed; the void's reversal went into a
    session the copy does not have: the void is not carried but said and reported."""
    factura, backup = _paid_factura_and_backup(billing_lab, tmp_path)
    number = _number(factura)
    cash.close({"1": 0}, {}, note="Cierre de prueba")
    cash.open_session("100")
    records.void(factura, "Nombre equivocado")

    preview = backups.preview_restore(backup)
    from patolab_desktop.services.safety import later_text

    assert [d.number for d in preview.later.voids] == [number]
    assert "volvería a quedar vigente" in later_text.describe(preview.later)
    result = backups.restore(backup, lose_documents=True)

    assert FiscalDocument.get_by_id(factura).status == "issued"
    assert _unused("01")["voided_before_restore"] == [number]
    assert number in later_text.after_restore(result.later)
    records.void(factura, "Nombre equivocado")  # the supervisor voids it again
    assert _unused("01")["voided_before_restore"] == [] and _unused("01")["voided"] == [number]


def test_the_cli_restores_a_copy_that_loses_fiscal_documents_only_when_told(
    billing_lab,  # noqa: F811
    tmp_path,
    db_path,
    capsys,
):
    from patolab_desktop.cli import main

    b = billing_lab
    backup, facturas, note = _after_the_backup(b, tmp_path)
    close_db()
    try:
        assert main(["--db", str(db_path), "restore", str(backup)]) == 1
        out, err = capsys.readouterr()
        assert facturas[0] in out and note in out and "--lose-documents" in err
        assert main(["--db", str(db_path), "restore", str(backup), "--lose-documents"]) == 0
        out = capsys.readouterr().out
        assert "Restaurada la copia" in out and facturas[0] in out.split("Restaurada")[1]
    finally:
        open_db(db_path)
    assert not FiscalDocument.select().exists()
    assert _unused("01")["before_restore"] == [facturas[0]]
