"""Set-up for the billing screen tests: the lab's fiscal authorisations (Factura and Nota
de Crédito at this workstation's point), the catalog and a doctor, created as the system
user before the day starts; then each test acts as the real role."""

from __future__ import annotations

from patolab_desktop.db.models import Branch
from patolab_desktop.services import settings
from patolab_desktop.services.access import session
from patolab_desktop.services.billing import credit_notes

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
