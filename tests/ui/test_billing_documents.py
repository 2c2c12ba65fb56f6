"""Issue 17: the Documentos fiscales window (search, reprint, void with a reason as
Supervisor, credit note), the authorisations window (Administrador) and its warnings in
the start-up banner, company credit, the reports menu — each as the real role."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from PySide6.QtCore import Qt

from patolab_desktop.db.models_billing import FiscalAuthorisation, FiscalDocument
from patolab_desktop.services.access import permissions, session
from patolab_desktop.services.billing import cash, invoices
from patolab_desktop.services.billing.payments import PaymentInput
from patolab_desktop.ui.billing.authorisations_window import (
    AuthorisationDialog,
    AuthorisationsWindow,
)
from patolab_desktop.ui.billing.documents_window import CreditNoteDialog, FiscalDocumentsWindow
from tests.unit.billing_helpers import CAI_01

from .billing_ui_helpers import billing_setup, issue_credit_note
from .role_helpers import main_window_as

pytestmark = pytest.mark.usefixtures("no_crash_dialog")


def invoice_as_reception(as_role, lab) -> int:
    as_role(permissions.ROLE_RECEPTION)
    cash.open_session("100")
    return invoices.issue(
        invoices.InvoiceInput((lab["request"],), payments=(PaymentInput("cash", "330.00"),))
    )


def invoiced_for_a_supervisor(as_role, lab) -> int:
    """``invoice_as_reception``, then a Supervisor at a drawer opened with L 500."""
    document_id = invoice_as_reception(as_role, lab)
    as_role(permissions.ROLE_SUPERVISOR)
    cash.open_session("500")
    return document_id


def test_reception_lists_and_reprints_but_cannot_void(qtbot, database, as_role):
    lab = billing_setup()
    document_id = invoice_as_reception(as_role, lab)
    window = FiscalDocumentsWindow()
    qtbot.addWidget(window)
    assert window.model.rowCount() == 1
    row = window.model.row_dict(0)
    assert row["number"] == "000-001-01-00000001" and row["total"] == Decimal("330.00")
    assert row["paid"] == Decimal("330.00") and row["balance"] == Decimal("0.00")
    window.search.setText("00000002")
    window.search.flush()
    assert window.model.rowCount() == 0
    window.search.setText("0000001")
    window.search.flush()
    assert window.select_document(document_id)
    assert window.reprint_button.isEnabled()
    assert not window.void_button.isVisible() and not window.note_button.isVisible()
    assert window.void_current() is False


def test_supervisor_voids_with_a_reason(qtbot, database, as_role, dialog_trap):
    lab = billing_setup()
    document_id = invoice_as_reception(as_role, lab)
    as_role(permissions.ROLE_SUPERVISOR)
    cash.open_session("0")
    window = FiscalDocumentsWindow()
    qtbot.addWidget(window)
    window.show()
    assert window.void_button.isVisible() and window.select_document(document_id)
    seen = []

    def void(dialog):
        dialog.ok_button.click()  # no reason: the service's message, inline
        seen.append(dialog.error.text())
        dialog.reason_edit.setPlainText("Se facturó a nombre equivocado")
        dialog.ok_button.click()

    dialog_trap.handlers["VoidDialog"] = void
    assert window.void_current()
    assert "motivo" in seen[0]
    assert FiscalDocument.get_by_id(document_id).status == "void"
    assert window.model.row_dict(window.model.row_of_id(document_id))["status_label"] == "ANULADA"


def test_supervisor_issues_a_partial_credit_note_as_credit_balance(
    qtbot, database, as_role, prompt_log
):
    lab = billing_setup()
    document_id = invoice_as_reception(as_role, lab)
    as_role(permissions.ROLE_SUPERVISOR)
    dialog = CreditNoteDialog(document_id)
    qtbot.addWidget(dialog)
    dialog.amount_radio.setChecked(True)
    dialog.amount_edit.setText("50.00")
    dialog.reason_edit.setText("Descuento de cortesía no aplicado")
    dialog.receiver_document_edit.setText("0801199012345")
    dialog.set_settlement("balance")
    prompt_log.answer = False
    note_id = dialog.issue()
    assert note_id is not None, dialog.error.text()
    note = FiscalDocument.get_by_id(note_id)
    assert note.doc_type == "06" and note.total == Decimal("50.00")
    assert note.original_id == document_id and note.receiver_name == "Carlos Ruiz Mejía"
    # more than what is left: the service refuses, shown in the dialog
    again = CreditNoteDialog(document_id)
    qtbot.addWidget(again)
    again.whole_radio.setChecked(True)
    again.reason_edit.setText("Anular todo")
    assert again.issue() is None and "notas de crédito" in again.error.text()


def taxed_invoice_as_reception(as_role, lab) -> int:
    """The request's HEM (L 250.00) and GLU (L 80.00) at 15 %: total L 379.50, paid."""
    from patolab_desktop.db.models import Investigation

    with session.acting_as(session.system_actor("tests")):
        Investigation.update(tax_class="gravado15").where(
            Investigation.code.in_(["HEM", "GLU"])
        ).execute()
    as_role(permissions.ROLE_RECEPTION)
    cash.open_session("100")
    return invoices.issue(
        invoices.InvoiceInput((lab["request"],), payments=(PaymentInput("cash", "379.50"),))
    )


def credit_note_dialog(qtbot, document_id: int) -> CreditNoteDialog:
    dialog = CreditNoteDialog(document_id)
    qtbot.addWidget(dialog)
    dialog.reason_edit.setText("Descuento de cortesía no aplicado")
    dialog.receiver_document_edit.setText("0801199012345")
    dialog.set_settlement("balance")
    return dialog


def test_supervisor_rebates_a_taxed_factura_only_at_its_own_rate(
    qtbot, database, as_role, prompt_log
):
    lab = billing_setup()
    document_id = taxed_invoice_as_reception(as_role, lab)
    as_role(permissions.ROLE_SUPERVISOR)
    prompt_log.answer = False  # no printing
    dialog = credit_note_dialog(qtbot, document_id)
    dialog.amount_radio.setChecked(True)
    dialog.amount_edit.setText("50.00")
    dialog.tax_combo.setCurrentIndex(dialog.tax_combo.findData("exento"))
    dialog.issue_button.click()
    # the factura has no exempt amount: no note crediting one, the reason in the dialog
    assert dialog.note_id is None
    assert "le quedan L 0.00 exento por acreditar" in dialog.error.text()
    assert FiscalDocument.select().where(FiscalDocument.doc_type == "06").count() == 0
    dialog.tax_combo.setCurrentIndex(dialog.tax_combo.findData("gravado15"))
    dialog.issue_button.click()
    assert dialog.note_id is not None, dialog.error.text()
    assert FiscalDocument.get_by_id(dialog.note_id).total == Decimal("57.50")


def test_supervisor_told_what_to_type_for_the_rest_of_a_taxed_factura(
    qtbot, database, as_role, prompt_log
):
    from patolab_desktop.services.billing import credit_notes

    lab = billing_setup()
    document_id = taxed_invoice_as_reception(as_role, lab)
    as_role(permissions.ROLE_SUPERVISOR)
    prompt_log.answer = False
    glu = next(
        line["request_line_id"]
        for line in credit_notes.invoice_lines(document_id)
        if line["code"] == "GLU"
    )
    first = credit_note_dialog(qtbot, document_id)
    first.lines_radio.setChecked(True)
    for index in range(first.lines_list.count()):
        item = first.lines_list.item(index)
        if item.data(Qt.ItemDataRole.UserRole) == glu:
            item.setCheckState(Qt.CheckState.Checked)
    first.issue_button.click()
    assert first.note_id is not None, first.error.text()  # L 80.00 + ISV
    rest = credit_note_dialog(qtbot, document_id)
    rest.whole_radio.setChecked(True)
    rest.issue_button.click()
    assert rest.note_id is None
    # what is left is L 287.50 with ISV; the amount field takes it before ISV
    assert "L 250.00 al 15 %" in rest.error.text(), rest.error.text()
    rest.amount_radio.setChecked(True)
    rest.amount_edit.setText("250.00")
    rest.tax_combo.setCurrentIndex(rest.tax_combo.findData("gravado15"))
    rest.issue_button.click()
    assert rest.note_id is not None, rest.error.text()
    assert FiscalDocument.get_by_id(rest.note_id).total == Decimal("287.50")
    assert credit_notes.remaining(document_id) == Decimal("0.00")


def test_administrator_adds_and_closes_authorisations(qtbot, database, as_role, prompt_log):
    billing_setup(with_request=False)
    as_role(permissions.ROLE_ADMIN)
    window = AuthorisationsWindow()
    qtbot.addWidget(window)
    assert window.model.rowCount() == 2
    assert window.model.row_dict(0)["remaining"] == 5000
    dialog = AuthorisationDialog()
    qtbot.addWidget(dialog)
    dialog.point_edit.setText("002")
    dialog.cai_edit.setText("xyz!")
    dialog.to_edit.setText("100")
    assert dialog.save() is None
    assert dialog.errors["cai"].text()
    dialog.cai_edit.setText(CAI_01)
    dialog.set_deadline(dt.date.today() + dt.timedelta(days=20))
    new_id = dialog.save()
    assert new_id is not None, dialog.error.text()
    window.reload()
    assert window.model.rowCount() == 3
    assert "vence" in window.warnings_label.text()
    assert window.select_authorisation(new_id)
    prompt_log.texts.append("Se reemplaza por la nueva autorización")
    assert window.end_current()
    assert FiscalAuthorisation.get_by_id(new_id).status != "active"


def test_banner_warns_the_desk_and_menus_follow_the_role(qtbot, database, as_role):
    billing_setup(with_request=False, first=1, last=10, days=10)
    reception = main_window_as(qtbot, permissions.ROLE_RECEPTION)
    assert reception.billing_banner.isVisibleTo(reception)
    assert "vence" in reception.billing_banner_label.text()

    def visible(window, key):
        return [
            a.text().replace("&", "")
            for a in window.menu(key).actions()
            if a.isVisible() and not a.isSeparator()
        ]

    shown = visible(reception, "billing")
    assert any("Documentos fiscales" in t for t in shown)
    assert not any("Autorizaciones" in t for t in shown)  # Administrador only
    assert not any("Libro de ventas" in t for t in shown)  # reports: Supervisor
    supervisor = main_window_as(qtbot, permissions.ROLE_SUPERVISOR)
    assert any("Libro de ventas" in t for t in visible(supervisor, "billing"))
    admin = main_window_as(qtbot, permissions.ROLE_ADMIN)
    assert any("Autorizaciones" in t for t in visible(admin, "billing"))
    lab_window = main_window_as(qtbot, permissions.ROLE_LAB)
    assert not lab_window.menu("billing").menuAction().isVisible()
    assert not lab_window.menu("cash").menuAction().isVisible()
    assert not lab_window.cash_indicator.isVisibleTo(lab_window)
    assert not lab_window.billing_banner.isVisibleTo(lab_window)
    assert session.current().role == permissions.ROLE_LAB


def test_cancelling_an_invoiced_request_as_supervisor_refunds_with_a_credit_note(
    qtbot, database, as_role, prompt_log
):
    from patolab_desktop.db.models import LabRequest
    from patolab_desktop.ui.requests.cancel_dialog import CancelRequestDialog

    lab = billing_setup()
    document_id = invoiced_for_a_supervisor(as_role, lab)
    dialog = CancelRequestDialog(lab["request"], lab["number"], "pending")
    qtbot.addWidget(dialog)
    assert dialog.settlement.invoiced and dialog.settlement.allowed
    assert dialog.settlement.settlement_combo.currentData() == "refund"  # it was paid
    dialog.settlement.receiver_document_edit.setText("0801199012345")
    dialog.set_reason("El paciente desistió del examen")
    dialog.accept()
    assert LabRequest.get_by_id(lab["request"]).status == "cancelled"
    note = FiscalDocument.get_by_id(dialog.credit_note_id)
    assert note.original_id == document_id and note.total == Decimal("330.00")
    assert note.settlement == "refund"
    assert any("Se emitió la nota de crédito" in c[2] for c in prompt_log.kinds("info"))


def test_reception_cancels_an_invoiced_request_and_is_told_a_supervisor_issues_the_note(
    qtbot, database, as_role, prompt_log
):
    from patolab_desktop.db.models import LabRequest
    from patolab_desktop.ui.requests.cancel_dialog import CancelRequestDialog

    lab = billing_setup()
    invoice_as_reception(as_role, lab)
    dialog = CancelRequestDialog(lab["request"], lab["number"], "pending")
    qtbot.addWidget(dialog)
    assert dialog.settlement.invoiced and not dialog.settlement.allowed
    dialog.set_reason("Solicitud duplicada")
    dialog.accept()
    assert LabRequest.get_by_id(lab["request"]).status == "cancelled"
    assert dialog.credit_note_id is None
    assert any("supervisor" in c[2] for c in prompt_log.kinds("info"))
    assert FiscalDocument.select().where(FiscalDocument.doc_type == "06").count() == 0


def test_removing_an_invoiced_investigation_goes_through_a_credit_note(
    qtbot, database, as_role, prompt_log, dialog_trap
):
    from patolab_desktop.services import requests as requests_service
    from patolab_desktop.ui.requests.remove_investigation_dialog import (
        RemoveInvestigationDialog,
    )

    lab = billing_setup()
    document_id = invoice_as_reception(as_role, lab)
    # Recepción: told, nothing removed, no crash
    dialog = RemoveInvestigationDialog(lab["request"])
    qtbot.addWidget(dialog)
    assert dialog.select_investigation(lab["catalog"]["GLU"])
    assert dialog.remove_selected() is False
    assert "supervisor" in prompt_log.kinds("info")[-1][2]
    # Supervisor: offered the credit note for that line, as credit balance
    as_role(permissions.ROLE_SUPERVISOR)

    def credit(note_dialog):
        assert note_dialog.lines_radio.isChecked()
        assert len(note_dialog.checked_lines()) == 1
        note_dialog.receiver_document_edit.setText("0801199012345")
        note_dialog.set_settlement("balance")
        note_dialog.issue_button.click()

    dialog_trap.handlers["CreditNoteDialog"] = credit
    prompt_log.answer = True
    again = RemoveInvestigationDialog(lab["request"])
    qtbot.addWidget(again)
    assert again.select_investigation(lab["catalog"]["GLU"])
    assert again.remove_selected() is False
    note = FiscalDocument.get(FiscalDocument.doc_type == "06")
    assert note.original_id == document_id and note.total == Decimal("80.00")
    assert len(requests_service.get(lab["request"]).lines) == 2  # the line stays on record


def test_cancelling_after_an_investigation_was_credited_refunds_the_rest(
    qtbot, database, as_role, prompt_log, dialog_trap
):
    """HEM + GLU paid, GLU removed through its credit note, then the request cancelled:
    the cancel's note credits HEM only (it failed re-crediting GLU and HEM's money stayed)."""
    from patolab_desktop.db.models import LabRequest
    from patolab_desktop.ui.requests.cancel_dialog import CancelRequestDialog
    from patolab_desktop.ui.requests.remove_investigation_dialog import (
        RemoveInvestigationDialog,
    )

    lab = billing_setup()
    document_id = invoiced_for_a_supervisor(as_role, lab)

    def credit(note_dialog):
        note_dialog.receiver_document_edit.setText("0801199012345")
        note_dialog.issue_button.click()

    dialog_trap.handlers["CreditNoteDialog"] = credit
    remove = RemoveInvestigationDialog(lab["request"])
    qtbot.addWidget(remove)
    assert remove.select_investigation(lab["catalog"]["GLU"])
    remove.remove_selected()
    assert FiscalDocument.get(FiscalDocument.doc_type == "06").total == Decimal("80.00")
    dialog = CancelRequestDialog(lab["request"], lab["number"], "pending")
    qtbot.addWidget(dialog)
    assert dialog.settlement.invoiced and dialog.settlement.allowed
    dialog.settlement.receiver_document_edit.setText("0801199012345")
    dialog.set_reason("El paciente desistió del examen")
    dialog.accept()
    assert LabRequest.get_by_id(lab["request"]).status == "cancelled"
    assert not prompt_log.kinds("error"), prompt_log.kinds("error")
    note = FiscalDocument.get_by_id(dialog.credit_note_id)
    assert note.original_id == document_id and note.total == Decimal("250.00")
    assert note.settlement == "refund"
    credited = FiscalDocument.select().where(FiscalDocument.original == document_id)
    assert sum(n.total for n in credited) == Decimal("330.00")


def test_a_note_crediting_every_investigation_cancels_the_request(qtbot, database, as_role):
    """Every investigation credited leaves nothing to do: the note cancels the request
    (``requests.credited``), so there is no cancel left to ask about."""
    from patolab_desktop.db.models import LabRequest

    lab = billing_setup()
    document_id = invoiced_for_a_supervisor(as_role, lab)
    issue_credit_note(document_id, "Investigaciones no realizadas", whole=True)
    request = LabRequest.get_by_id(lab["request"])
    assert request.status == "cancelled"
    assert "Investigaciones no realizadas" in request.cancellation_reason
    assert FiscalDocument.select().where(FiscalDocument.doc_type == "06").count() == 1


def test_supervisor_reports_from_the_menu(
    qtbot, database, as_role, prompt_log, dialog_trap, tmp_path
):
    lab = billing_setup()
    invoice_as_reception(as_role, lab)
    window = main_window_as(qtbot, permissions.ROLE_SUPERVISOR)

    def action(words):
        return next(
            a
            for a in window.menu("billing").actions()
            if words in a.text().replace("&", "") and a.isVisible()
        )

    month = dt.date.today().strftime("%Y-%m")
    prompt_log.texts.append(month)
    prompt_log.save_path = str(tmp_path / "libro.csv")
    action("Libro de ventas (CSV)").trigger()
    book = (tmp_path / "libro.csv").read_text(encoding="utf-8-sig")
    assert "000-001-01-00000001" in book and "330.00" in book
    prompt_log.texts.append(month)
    prompt_log.save_path = str(tmp_path / "libro.txt")
    action("texto SAR").trigger()
    assert "|" in (tmp_path / "libro.txt").read_text(encoding="utf-8")
    prompt_log.save_path = str(tmp_path / "no-usados.csv")
    action("Números no utilizados").trigger()
    assert (tmp_path / "no-usados.csv").exists()
    prompt_log.save_path = str(tmp_path / "documentos.csv")
    action("Facturas y notas").trigger()
    assert "000-001-01-00000001" in (tmp_path / "documentos.csv").read_text(encoding="utf-8-sig")
    assert not prompt_log.kinds("error"), prompt_log.kinds("error")
    seen = []
    dialog_trap.handlers["DailySalesDialog"] = lambda d: seen.append(d.body.text())
    action("Ventas del día").trigger()
    assert "L 330.00" in seen[0] and "recepcion" in seen[0]


def test_laboratory_sees_no_billing_action_in_the_request_screens(qtbot, database, as_role):
    from patolab_desktop.ui.requests.request_detail import RequestDetailDialog

    lab = billing_setup()
    window = main_window_as(qtbot, permissions.ROLE_LAB)
    detail = RequestDetailDialog(lab["request"])
    qtbot.addWidget(detail)
    assert not detail.charge_button.isVisibleTo(detail)
    area = window.tab("requests")
    if area is not None and getattr(area, "_list", None) is not None:
        area._list.refresh()
        assert not area._list.charge_button.isVisibleTo(area._list)
    assert not window.menu("billing").menuAction().isVisible()
