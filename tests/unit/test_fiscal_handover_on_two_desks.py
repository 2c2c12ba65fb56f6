"""Two desks issuing when the active CAI is used up and its renewal waits (PostgreSQL): the
desk that waits for the handover continues with the renewal's next number; it is not told
that there is no authorisation."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import pytest

from patolab_desktop.db.models_billing import FiscalAuthorisation, FiscalDocument
from patolab_desktop.services.access import auth, session
from patolab_desktop.services.billing import cash
from tests.conftest import PG_URL
from tests.security_helpers import ADMIN, PASSWORD, RECEPTION, login_as, make_user
from tests.two_desks import Desk, finish, waits_for
from tests.unit.billing_helpers import add_authorisation, billing_lab  # noqa: F401
from tests.unit.requests_fixtures import lab  # noqa: F401

pytestmark = pytest.mark.skipif(
    not PG_URL,
    reason="the race between desks exists only on PostgreSQL (SQLite's write transaction, "
    "BEGIN IMMEDIATE, lets one desk in at a time)",
)


def _number(document_id: int) -> str:
    return FiscalDocument.get_by_id(document_id).number


def _issued_after(held: Desk, what: str, actor: session.Actor, issue: Callable[[], int]) -> Desk:
    """``actor`` opens a drawer and runs ``issue`` at a desk of its own, which waits for
    ``held`` (doing ``what``) to commit and then issues without an error."""
    with session.acting_as(actor):
        cash.open_session(Decimal("0"))
        paying = Desk(issue)
        waited = waits_for(paying, held)
    held.commit()
    finish(paying)
    assert waited, paying.error or f"issued without waiting for the {what}"
    assert paying.error is None, paying.error
    return paying


def test_a_factura_issued_during_the_handover_takes_the_renewal_s_next_number(billing_lab):  # noqa: F811
    b = billing_lab
    # the current CAI has one number; its renewal, registered ahead, waits after it
    FiscalAuthorisation.update(range_to=1).where(FiscalAuthorisation.id == b.invoice_auth).execute()
    renewal = add_authorisation(b.lab.branch, "01", cai="ABCDEF-0123", first=2, last=1000)
    assert FiscalAuthorisation.get_by_id(renewal).status == "waiting"
    first_desk = login_as(RECEPTION)
    make_user("recepcion2", RECEPTION)
    second_desk = auth.login("recepcion2", PASSWORD)
    requests = [b.request(x) for x in (b.lab.hem, b.lab.glu, b.lab.ure)]
    with session.acting_as(first_desk):
        cash.open_session(Decimal("0"))
        assert _number(b.invoice(requests[0])).endswith("00000001")  # the last of the CAI
        # the next one hands over to the renewal; its transaction is still open
        handing_over = Desk(lambda: b.invoice(requests[1]), held=True).hold()
    paying = _issued_after(handing_over, "handover", second_desk, lambda: b.invoice(requests[2]))
    assert _number(handing_over.result).endswith("00000002")
    assert _number(paying.result).endswith("00000003")
    assert FiscalAuthorisation.get_by_id(renewal).status == "active"


def test_a_factura_issued_while_the_administrator_closes_the_cai_takes_the_renewal(billing_lab):  # noqa: F811
    from patolab_desktop.services.billing import authorisations

    b = billing_lab
    renewal = add_authorisation(b.lab.branch, "01", cai="ABCDEF-0123", first=5001, last=9000)
    request_id = b.request()
    with session.acting_as(login_as(ADMIN)):
        closing = Desk(
            lambda: authorisations.end(b.invoice_auth, "El SAR entregó la renovación"), held=True
        ).hold()
    paying = _issued_after(closing, "close", login_as(RECEPTION), lambda: b.invoice(request_id))
    assert _number(paying.result).endswith("00005001")
    assert FiscalAuthorisation.get_by_id(renewal).status == "active"
