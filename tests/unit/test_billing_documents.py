"""Void, credit notes and the printed view of a document (issue 17, points 3 and 5)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from patolab_desktop.db.models_billing import BalanceMove, FiscalDocument, Payment
from patolab_desktop.services.access import session
from patolab_desktop.services.billing import credit_notes, records
from patolab_desktop.services.billing.credit_notes import CreditNoteInput
from patolab_desktop.services.errors import PermissionDenied, RuleError, ValidationError
from tests.security_helpers import login_as
from tests.unit.billing_helpers import billing_lab  # noqa: F401
from tests.unit.requests_fixtures import lab  # noqa: F401


def note(original_id, **kwargs):
    data = dict(
        original_id=original_id,
        reason="Investigación no realizada",
        receiver_name="Ana María Pérez",
        receiver_document="0501-1990-12345",
    )
    data.update(kwargs)
    return credit_notes.issue(CreditNoteInput(**data))


def test_the_view_carries_every_printed_field(billing_lab):
    b = billing_lab
    doc_id = b.invoice(b.request(b.lab.hem, b.lab.glu))
    view = records.view(doc_id)
    assert view.title == "FACTURA" and view.number == "000-001-01-00000001"
    assert view.cai.startswith("3B82F6") and "00000001 al" in view.range_text
    assert view.totals.total == Decimal("230.00")
    assert view.totals.total_words == "DOSCIENTOS TREINTA LEMPIRAS CON 00/100"
    assert view.buyer_name == "CONSUMIDOR FINAL"
    assert view.copies == ("Original: Cliente", "Copia: Obligado Tributario Emisor")
    assert [p.method_label for p in view.payments] == ["Efectivo"]


def test_void_keeps_the_number_reverses_the_payment_and_frees_the_request(billing_lab):
    b = billing_lab
    request_id = b.request()
    doc_id = b.invoice(request_id)
    with pytest.raises(ValidationError, match="motivo"):
        records.void(doc_id, "")
    records.void(doc_id, "Nombre del comprador equivocado")
    doc = FiscalDocument.get_by_id(doc_id)
    assert doc.status == "void" and doc.number == "000-001-01-00000001"
    assert records.view(doc_id).voided
    total = sum(p.amount for p in Payment.select().where(Payment.document == doc_id))
    assert total == 0  # taken and given back in the same drawer
    again = b.invoice(request_id)  # the request can be invoiced again, with the next number
    assert FiscalDocument.get_by_id(again).number == "000-001-01-00000002"
    with pytest.raises(RuleError, match="ya está anulado"):
        records.void(doc_id, "otra vez por error")


def test_receptionist_cannot_void(billing_lab):
    b = billing_lab
    doc_id = b.invoice(b.request())
    with session.acting_as(login_as("Recepción")), pytest.raises(PermissionDenied):
        records.void(doc_id, "Nombre del comprador equivocado")


def test_credit_note_for_a_removed_investigation_refunds_and_cites_the_original(billing_lab):
    b = billing_lab
    request_id = b.request(b.lab.hem, b.lab.glu)
    doc_id = b.invoice(request_id)
    line_id = next(
        line.request_line_id
        for line in FiscalDocument.get_by_id(doc_id).lines
        if line.description == "Glucosa en ayunas"
    )
    note_id = note(doc_id, request_line_ids=(line_id,))
    cn = FiscalDocument.get_by_id(note_id)
    assert cn.number == "000-001-06-00000001" and cn.total == Decimal("80.000")
    view = records.view(note_id)
    assert view.title == "NOTA DE CRÉDITO"
    assert view.original_number == "000-001-01-00000001" and view.original_cai.startswith("3B8")
    assert view.receiver_name == "Ana María Pérez"
    refund = Payment.get((Payment.document == doc_id) & (Payment.kind == "refund"))
    assert refund.amount == Decimal("-80.000")
    with pytest.raises(RuleError, match="ya tiene su nota"):
        note(doc_id, request_line_ids=(line_id,))
    with pytest.raises(RuleError, match="no se puede anular"):
        records.void(doc_id, "Nombre del comprador equivocado")


def test_credit_notes_never_exceed_the_original(billing_lab):
    b = billing_lab
    doc_id = b.invoice(b.request(b.lab.hem, b.lab.glu))  # 230
    note(doc_id, amount="200")
    # the rest at the amount's rate, before ISV: what the amount field takes
    with pytest.raises(RuleError, match=r"le quedan L 30\.00 exento por acreditar"):
        note(doc_id, amount="30.01")
    note(doc_id, amount="30", settlement="balance")
    assert credit_notes.remaining(doc_id) == Decimal("0.00")
    customer = FiscalDocument.get_by_id(doc_id).customer_id
    assert sum(m.amount for m in BalanceMove.select().where(BalanceMove.customer == customer)) == (
        Decimal("30.000")
    )


def test_a_credit_note_needs_reason_receiver_and_document(billing_lab):
    b = billing_lab
    doc_id = b.invoice(b.request())
    with pytest.raises(ValidationError) as error:
        credit_notes.issue(CreditNoteInput(doc_id, "", "", "", whole=True))
    assert {"reason", "receiver_name", "receiver_document"} <= set(error.value.fields)
    assert FiscalDocument.select().count() == 1
    with pytest.raises(ValidationError) as short:  # a reason given, too short: said so
        credit_notes.issue(CreditNoteInput(doc_id, "x", "Ana", "0501-1990-12345", whole=True))
    assert "al menos 5 caracteres" in short.value.fields["reason"]


def test_a_cancelled_request_that_was_invoiced_gets_a_whole_credit_note(billing_lab):
    from patolab_desktop.services import requests

    b = billing_lab
    request_id = b.request()
    doc_id = b.invoice(request_id)
    requests.cancel(request_id, "Paciente no se presentó", by="t")
    info = credit_notes.invoiced_lines(request_id)
    assert info["number"] == "000-001-01-00000001" and info["left"] == Decimal("230.00")
    note_id = note(doc_id, whole=True, settlement="refund")
    assert FiscalDocument.get_by_id(note_id).total == Decimal("230.000")
    assert credit_notes.invoiced_lines(request_id)["left"] == Decimal("0.00")


def test_credit_balance_pays_a_later_invoice(billing_lab):
    from patolab_desktop.services.billing.payments import PaymentInput

    b = billing_lab
    doc_id = b.invoice(b.request())
    note(doc_id, amount="100", settlement="balance")
    second = b.invoice(
        b.request(b.lab.ure),  # 95.50
        pay=(PaymentInput("balance", "95.50"),),
    )
    assert FiscalDocument.get_by_id(second).total == Decimal("95.500")
    customer = FiscalDocument.get_by_id(doc_id).customer_id
    left = sum(m.amount for m in BalanceMove.select().where(BalanceMove.customer == customer))
    assert left == Decimal("4.500")
    with pytest.raises(ValidationError, match="saldo a favor"):
        b.invoice(b.request(b.lab.glu), pay=(PaymentInput("balance", "80"),))


@pytest.mark.sqlite_only
def test_buyer_and_receiver_documents_are_not_in_clear_in_the_database_or_a_backup(
    billing_lab, db_target, tmp_path
):
    """Issue 15 point 13 also covers the fiscal documents: the buyer's identity number
    printed on a factura and the receiver's on a credit note are stored encrypted."""
    from pathlib import Path

    from patolab_desktop.db.database import db
    from patolab_desktop.services.billing.buyers import BuyerInput
    from patolab_desktop.services.safety import backups
    from tests.unit.test_identity_at_rest import _strings_hits

    b = billing_lab
    doc_id = b.invoice(b.request(), buyer=BuyerInput(name="Rosa Amador", document="0801198877777"))
    note(doc_id, amount="10", receiver_document="0801-1966-55555")
    view = records.view(doc_id)
    assert view.buyer_document == "0801-1988-77777"  # printed in full on the legal paper
    assert records.view(doc_id + 1).receiver_document == "0801-1966-55555"
    backup = backups.backup_now(folder=tmp_path / "copias")
    db.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    numbers = ["0801198877777", "0801-1988-77777", "0801196655555", "0801-1966-55555"]
    assert _strings_hits(Path(db_target), numbers) == []
    assert _strings_hits(backup, numbers) == []
    assert _strings_hits(backup, ["Rosa Amador"]) == ["Rosa Amador"]  # the search works


def test_an_invoiced_investigation_is_not_removed_but_credited(billing_lab):
    from patolab_desktop.services import requests

    b = billing_lab
    request_id = b.request(b.lab.hem, b.lab.glu)
    b.invoice(request_id)
    with pytest.raises(RuleError, match="ya está en la factura 000-001-01-00000001"):
        requests.remove_investigation(request_id, b.lab.glu, by="t")
    assert len(requests.get(request_id).lines) == 2
    history = (
        [e["action_label"] for e in requests.get(request_id).events]
        if hasattr(requests.get(request_id), "events")
        else []
    )
    assert "invoiced" not in history
