"""An investigation credited with a Nota de Crédito leaves its request (probe2 §3): an
invoiced investigation is not removed (the desk says to issue a credit note), and after the
note it stayed pending, counted in «x/y listas» and the lab would run a refunded test."""

from __future__ import annotations

import pytest

from patolab_desktop.db.models import RequestLine
from patolab_desktop.db.models_billing import FiscalDocument
from patolab_desktop.services import requests
from patolab_desktop.services.access import session
from patolab_desktop.services.errors import RuleError
from tests.security_helpers import login_as
from tests.unit.billing_helpers import billing_lab  # noqa: F401
from tests.unit.requests_fixtures import lab  # noqa: F401
from tests.unit.test_billing_documents import note


def line_of(request_id: int, investigation_id: int) -> RequestLine:
    return RequestLine.get(
        (RequestLine.lab_request == request_id) & (RequestLine.investigation == investigation_id)
    )


def test_the_credited_investigation_is_cancelled_left_out_of_the_count_and_explained(
    billing_lab,
):
    b = billing_lab
    request_id = b.request(b.lab.hem, b.lab.glu)
    doc_id = b.invoice(request_id)
    glu = line_of(request_id, b.lab.glu)
    with session.acting_as(login_as("Supervisor")):
        note_id = note(
            doc_id,
            request_line_ids=(glu.id,),
            reason="Paciente ya no la quiere",
            settlement="balance",
        )
    number = FiscalDocument.get_by_id(note_id).number
    assert line_of(request_id, b.lab.glu).status == "cancelled"
    assert line_of(request_id, b.lab.hem).status == "pending"
    detail = requests.get(request_id)
    assert (detail.lines_total, detail.lines_released) == (1, 0)  # «0/1 listas»
    removed = [e["detail"] for e in detail.events if e["action"] == "line_removed"]
    assert removed == [f"GLU: se quita con la nota de crédito {number} (Paciente ya no la quiere)"]
    with session.acting_as(login_as("Laboratorio")), pytest.raises(RuleError, match="Cancelada"):
        requests.mark_lines(request_id, [glu.id], "released")
    # the result left to do is the last one: when it is ready the request is complete
    with session.acting_as(login_as("Laboratorio")):
        requests.mark_lines(request_id, [line_of(request_id, b.lab.hem).id], "released")
    assert requests.get(request_id).status == "completed"


def test_a_credited_panel_takes_its_members(billing_lab):
    b = billing_lab
    request_id = b.request(b.lab.lipid, b.lab.hem)
    doc_id = b.invoice(request_id)
    panel = line_of(request_id, b.lab.lipid)
    with session.acting_as(login_as("Supervisor")):
        note(doc_id, request_line_ids=(panel.id,), settlement="balance")
    statuses = {
        line.investigation_id: line.status
        for line in RequestLine.select().where(RequestLine.lab_request == request_id)
    }
    assert statuses == {
        b.lab.lipid: "cancelled",
        b.lab.col: "cancelled",
        b.lab.tri: "cancelled",
        b.lab.hdl: "cancelled",
        b.lab.hem: "pending",
    }
    assert requests.get(request_id).lines_total == 1


def test_a_request_left_without_investigations_is_cancelled_with_the_note(billing_lab):
    b = billing_lab
    request_id = b.request(b.lab.hem, b.lab.glu)
    doc_id = b.invoice(request_id)
    with session.acting_as(login_as("Supervisor")):
        note_id = note(doc_id, whole=True, settlement="balance", reason="Muestra hemolizada")
    number = FiscalDocument.get_by_id(note_id).number
    detail = requests.get(request_id)
    assert detail.status == "cancelled" and detail.lines_total == 0
    assert detail.cancellation_reason == (
        f"Todas sus investigaciones se acreditan con la nota de crédito {number} "
        "(Muestra hemolizada)"
    )
    assert {line.status for line in RequestLine.select()} == {"cancelled"}


def test_a_member_another_panel_includes_stays_under_it(billing_lab):
    from tests.unit.requests_fixtures import make_panel

    b = billing_lab
    check = make_panel("CHK", "Chequeo", "200", [b.lab.col, b.lab.glu])
    request_id = b.request(b.lab.lipid, check)
    doc_id = b.invoice(request_id)
    with session.acting_as(login_as("Supervisor")):
        note(
            doc_id,
            request_line_ids=(line_of(request_id, b.lab.lipid).id,),
            settlement="balance",
        )
    col = line_of(request_id, b.lab.col)
    assert col.status == "pending" and col.parent_line_id == line_of(request_id, check).id
    assert line_of(request_id, b.lab.tri).status == "cancelled"
    assert requests.get(request_id).lines_total == 2  # COL and GLU, for CHK
