"""Set-up for the billing screen tests: the lab's fiscal authorisations (Factura and Nota
de Crédito at this workstation's point), the catalog and a doctor, created as the system
user before the day starts; then each test acts as the real role."""

from __future__ import annotations

from decimal import Decimal

from patolab_desktop.db.models import Branch
from patolab_desktop.services import customers, reference, settings
from patolab_desktop.services.access import session
from patolab_desktop.services.billing import credit_notes, invoices, statements
from patolab_desktop.services.billing.payments import PaymentInput

from .requests_helpers import make_catalog, make_doctor, make_patient, make_request


def billing_setup(with_request: bool = True, **auth) -> dict:
    """Catalog, doctor, authorisations 01 and 06; optionally a patient with a request."""
    with session.acting_as(session.system_actor("tests")):
        ids = make_catalog()
        doctor = make_doctor()
        branch = Branch.select(Branch.id).order_by(Branch.id).scalar()
        settings.put("default_branch_id", branch)
        from tests.unit.billing_helpers import add_authorisation, set_lab_data

        set_lab_data()  # legal name, RTN, head-office address, phone, e-mail
        invoice_auth = add_authorisation(branch, "01", **auth)
        note_auth = add_authorisation(branch, "06")
        found = {"catalog": ids, "doctor": doctor, "branch": branch}
        found.update(invoice_auth=invoice_auth, note_auth=note_auth)
        if with_request:
            patient = make_patient("Carlos", "Ruiz Mejía", age=52, gender="Hombre")
            request_id, number = make_request(patient, doctor, [ids["HEM"], ids["GLU"]])
            found.update(patient=patient, request=request_id, number=number)
    return found


def issue_credit_note(original_id: int, reason: str, **fields) -> int:
    """A credit note on ``original_id`` to the request's patient, as the current user
    (``fields``: ``whole``, ``amount``, ``settlement``…)."""
    return credit_notes.issue(
        credit_notes.CreditNoteInput(
            original_id=original_id,
            reason=reason,
            receiver_name="Carlos Ruiz Mejía",
            receiver_document="0801199012345",
            **fields,
        )
    )


def pay_part_with_balance(request_id: int, balance: str) -> Decimal:
    """Invoice ``request_id`` as the current user: ``balance`` of the patient's saldo a
    favor and the rest in cash. Returns the cash paid."""
    total = invoices.preview(invoices.InvoiceInput((request_id,)))["amounts"].total
    in_cash = total - Decimal(balance)
    invoices.issue(
        invoices.InvoiceInput(
            (request_id,),
            payments=(PaymentInput("balance", balance), PaymentInput("cash", str(in_cash))),
        )
    )
    return in_cash


def make_company(name: str, rtn: str, with_credit: bool = False) -> int:
    """A company («empresa») in the first department and municipality, created as the
    system user; ``with_credit``: an account of L 5000 at 30 days."""
    with session.acting_as(session.system_actor("tests")):
        department_id = reference.departments()[0][0]
        company = customers.create(
            customers.CustomerData(
                type="empresa",
                name=name,
                id_number=rtn,
                phone="2550-1234",
                department_id=department_id,
                municipality_id=reference.municipalities(department_id)[0][0],
            )
        )
        if with_credit:
            statements.set_account(company, "5000", 30)
    return company


def bill_on_credit(lab: dict, company: int, facturas: int) -> None:
    """``facturas`` on credit to ``company``, each for an employee's request (HEM + GLU),
    issued as the system user (``lab``: what ``billing_setup`` made)."""
    with session.acting_as(session.system_actor("tests")):
        for index in range(facturas):
            patient = make_patient("Luis", f"Empleado {index}", age=30)
            request_id, _ = make_request(
                patient,
                lab["doctor"],
                [lab["catalog"]["HEM"], lab["catalog"]["GLU"]],
                bill_to_id=company,
            )
            invoices.issue(invoices.InvoiceInput((request_id,), on_credit=True))


def void_dialog_as_shown(qtbot, window, document: int, dialog_trap) -> tuple:
    """(Documentos fiscales, seen): what the void dialog says for ``document`` when the
    person of ``window`` asks to void it there, before she types anything: ``error`` (its
    text), ``can_type`` (the reason), ``can_void`` (the OK button). The trap answers it,
    so the document is not voided."""
    from patolab_desktop.ui.billing.documents_window import FiscalDocumentsWindow

    docs = FiscalDocumentsWindow(window)
    qtbot.addWidget(docs)
    docs.show()
    assert docs.select_document(document)
    seen: dict = {}

    def look(dialog) -> None:
        seen["error"] = dialog.error.text()
        seen["can_type"] = dialog.reason_edit.isEnabled()
        seen["can_void"] = dialog.ok_button.isEnabled()

    dialog_trap.handlers["VoidDialog"] = look
    assert not docs.void_current()
    return docs, seen
