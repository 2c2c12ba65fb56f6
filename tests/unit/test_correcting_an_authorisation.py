"""The administrator corrects a typo in an authorisation that has not issued yet
(``authorisations.update``): the correction is held to the rules of registering one, so
it can neither make a second active CAI for a point nor give numbers already printed."""

from __future__ import annotations

import pytest

from patolab_desktop.db.models_billing import FiscalAuthorisation, FiscalDocument
from patolab_desktop.db.models_safety import CounterFloor
from patolab_desktop.services.access import session
from patolab_desktop.services.billing import authorisations
from patolab_desktop.services.errors import RuleError, ValidationError
from tests.security_helpers import ADMIN, login_as
from tests.unit.billing_helpers import (  # noqa: F401
    add_authorisation,
    authorisation_input,
    billing_lab,
)
from tests.unit.requests_fixtures import lab  # noqa: F401


def _as_administrator(work) -> None:
    """``work`` done by the Administrador; then the desk that invoices (its cash open)
    acts again (signing in made the administrator the current user)."""
    desk = session.current()
    try:
        with session.acting_as(login_as(ADMIN)):
            work()
    finally:
        session.set_current(desk)


def _correct(authorisation_id: int, **fields) -> None:
    row = FiscalAuthorisation.get_by_id(authorisation_id)
    data = authorisation_input(row.branch_id, row.doc_type, cai=row.cai, **fields)
    _as_administrator(lambda: authorisations.update(authorisation_id, data, row.version))


def _number(document_id: int) -> str:
    return FiscalDocument.get_by_id(document_id).number


def test_moving_one_onto_a_point_with_an_active_cai_is_refused_with_a_message(billing_lab):
    b = billing_lab
    b.invoice(b.request())  # 000-001-01-00000001
    typo = add_authorisation(b.lab.branch, "01", cai="ABCDEF-0009", point="002")
    with pytest.raises(RuleError, match="Ya hay una autorización activa para 000-001-01"):
        _correct(typo, point="001")  # its range, 1-5000, is 001's
    assert FiscalAuthorisation.get_by_id(typo).point == "002"
    assert _number(b.invoice(b.request(b.lab.glu))).endswith("00000002")


def test_a_range_crossing_printed_numbers_is_refused_and_the_next_factura_continues(
    billing_lab,
):
    b = billing_lab
    FiscalAuthorisation.update(range_to=3).where(FiscalAuthorisation.id == b.invoice_auth).execute()
    for investigation in (b.lab.hem, b.lab.glu, b.lab.ure):
        b.invoice(b.request(investigation))  # 1, 2 and 3: the CAI is used up
    renewal = add_authorisation(b.lab.branch, "01", cai="ABCDEF-0010", first=101, last=200)
    with pytest.raises(ValidationError, match="se cruza") as refused:
        _correct(renewal, first=1, last=200)
    assert "range_from" in refused.value.fields
    _correct(renewal, first=4, last=200)  # the typo SAR's paper really fixes
    assert _number(b.invoice(b.request())).endswith("00000004")


def test_the_counter_keeps_the_numbers_issued_before_a_restore(billing_lab):
    """A copy restored without the authorisation of point 002: its last number (7) is kept
    as a floor, which a correction of the range's start does not go below."""
    b = billing_lab
    CounterFloor.create(name="fiscal", key="000-002-01", last_number=7)
    typo = add_authorisation(
        b.lab.branch, "01", cai="ABCDEF-0011", point="002", first=101, last=500
    )
    assert FiscalAuthorisation.get_by_id(typo).last_used == 100
    _correct(typo, point="002", first=1, last=500)
    assert FiscalAuthorisation.get_by_id(typo).last_used == 7


def test_a_renewal_typed_at_the_wrong_point_waits_after_the_active_one_once_corrected(
    billing_lab,
):
    b = billing_lab
    renewal = add_authorisation(
        b.lab.branch, "01", cai="ABCDEF-0012", point="002", first=5001, last=9000
    )
    assert FiscalAuthorisation.get_by_id(renewal).status == "active"  # nothing at 002
    _correct(renewal, point="001", first=5001, last=9000)
    row = FiscalAuthorisation.get_by_id(renewal)
    assert (row.point, row.status, row.last_used) == ("001", "waiting", 5000)
    # the active one keeps its renewal: it cannot end before where the renewal starts
    with pytest.raises(ValidationError, match="continúa esta numeración desde 5001"):
        _correct(b.invoice_auth, last=4000)


def test_a_closed_authorisation_is_not_corrected(billing_lab):
    b = billing_lab
    typo = add_authorisation(b.lab.branch, "01", cai="ABCDEF-0013", point="002")
    _as_administrator(lambda: authorisations.end(typo, "Registrada en el punto equivocado"))
    with pytest.raises(RuleError, match="está cerrada"):
        _correct(typo, point="003")
