"""Results progress per investigation (issue 18, part 1): line statuses with their steps,
the request's status derived from its lines, the list's "3/8 listas" and its filter."""

from __future__ import annotations

import pytest

from patolab_desktop.db.models import AuditLog, Customer, LabRequest, Outbox, RequestLine
from patolab_desktop.services import requests
from patolab_desktop.services.access import permissions, session
from patolab_desktop.services.errors import ConflictError, PermissionDenied, RuleError
from patolab_desktop.services.paging import PageRequest
from tests.security_helpers import login_as
from tests.unit.notify_helpers import CONSENTING
from tests.unit.requests_fixtures import lab, make_doctor, make_panel, set_status  # noqa: F401


def _lines(request_id) -> dict[str, object]:
    return {line["code"]: line for line in requests.get(request_id).lines}


def _consent(customer_id) -> None:
    Customer.update(**CONSENTING).where(Customer.id == customer_id).execute()


def test_laboratorio_releases_lines_one_by_one(lab):
    _consent(lab.patient)
    request_id, number = lab.create(lab.hem, lab.glu, lab.ure)
    login_as(permissions.ROLE_LAB)
    lines = _lines(request_id)
    assert {code: line["status"] for code, line in lines.items()} == {
        "HEM": "pending",
        "GLU": "pending",
        "URE": "pending",
    }
    detail = requests.get(request_id)
    assert (detail.lines_released, detail.lines_total) == (0, 3)

    # en proceso: the request follows (it was pending)
    status = requests.mark_lines(request_id, [lines["HEM"]["id"]], "in_progress")
    assert status == "in_progress"
    # first result: partial
    status = requests.mark_lines(request_id, [lines["HEM"]["id"]], "released")
    assert status == "partial_result"
    detail = requests.get(request_id)
    assert detail.completed_at is None and (detail.lines_released, detail.lines_total) == (1, 3)
    hem = _lines(request_id)["HEM"]
    assert hem["status"] == "released" and hem["status_label"] == "Resultado listo"
    assert hem["started_by"] == "laboratorio" and hem["released_by"] == "laboratorio"
    assert hem["started_at"] is not None and hem["released_at"] is not None
    assert [m.event for m in Outbox.select().order_by(Outbox.id)] == ["received", "partial"]

    status = requests.mark_lines(request_id, [lines["GLU"]["id"]], "released")
    assert status == "partial_result"
    assert Outbox.select().where(Outbox.event == "partial").count() == 1  # deduplicated

    status = requests.mark_lines(request_id, [lines["URE"]["id"]], "released")
    assert status == "completed"
    detail = requests.get(request_id)
    assert detail.completed_at is not None and detail.read_only
    assert (detail.lines_released, detail.lines_total) == (3, 3)
    assert [m.event for m in Outbox.select().order_by(Outbox.id)] == [
        "received",
        "partial",
        "ready",
    ]
    ready = Outbox.get(Outbox.event == "ready")
    assert ready.dedupe_key == f"ready:{request_id}" and ready.phone == "+50499887766"
    actions = [
        a.action
        for a in AuditLog.select().where(AuditLog.entity == "lab_request").order_by(AuditLog.id)
    ]
    assert actions.count("release_lines") == 3 and "start_lines" in actions
    events = [e["action"] for e in detail.events]
    assert events.count("lines") == 4


def test_many_lines_at_once_and_a_panel_brings_its_members(lab):
    request_id, _ = lab.create(lab.hem, lab.lipid)
    detail = requests.get(request_id)
    assert detail.lines_total == 4  # HEM + 3 members (the panel line itself carries none)
    panel = next(line for line in detail.lines if line["code"] == "PLIP")
    status = requests.mark_lines(request_id, [panel["id"]], "released", version=detail.version)
    assert status == "partial_result"
    statuses = {code: line["status"] for code, line in _lines(request_id).items()}
    assert statuses == {
        "HEM": "pending",
        "PLIP": "released",
        "COL": "released",
        "TRI": "released",
        "HDL": "released",
    }
    hem = _lines(request_id)["HEM"]["id"]
    assert requests.mark_lines(request_id, [hem], "released") == "completed"


def test_optimistic_lock_and_permission(lab):
    request_id, _ = lab.create(lab.hem, lab.glu)
    shown = requests.get(request_id)
    requests.mark_lines(request_id, [shown.lines[0]["id"]], "in_progress", version=shown.version)
    with pytest.raises(ConflictError):
        requests.mark_lines(request_id, [shown.lines[1]["id"]], "released", version=shown.version)
    login_as(permissions.ROLE_RECEPTION)
    with pytest.raises(PermissionDenied):
        requests.mark_lines(request_id, [shown.lines[1]["id"]], "released")
    login_as(permissions.ROLE_SUPERVISOR)
    assert requests.mark_lines(request_id, [shown.lines[1]["id"]], "released") == "partial_result"


def test_released_is_final_and_lines_must_belong(lab):
    request_id, _ = lab.create(lab.hem, lab.glu)
    other, _ = lab.create(lab.ure)
    lines = _lines(request_id)
    requests.mark_lines(request_id, [lines["HEM"]["id"]], "released")
    # marking a released line "en proceso" leaves it released (nothing to do)
    assert requests.mark_lines(request_id, [lines["HEM"]["id"]], "in_progress") == (
        "partial_result"
    )
    assert _lines(request_id)["HEM"]["status"] == "released"
    with pytest.raises(RuleError):
        requests.mark_lines(request_id, [_lines(other)["URE"]["id"]], "released")


def test_adding_and_removing_keep_the_derivation(lab):
    request_id, _ = lab.create(lab.hem, lab.glu)
    lines = _lines(request_id)
    requests.mark_lines(request_id, [lines["HEM"]["id"]], "released")
    assert requests.get(request_id).status == "partial_result"
    # a new investigation: one more to wait for
    requests.add_investigation(request_id, lab.ure)
    detail = requests.get(request_id)
    assert (detail.status, detail.lines_released, detail.lines_total) == (
        "partial_result",
        1,
        3,
    )
    requests.mark_lines(request_id, [_lines(request_id)["URE"]["id"]], "released")
    assert requests.get(request_id).status == "partial_result"
    # removing the last one still waiting completes the request
    requests.remove_investigation(request_id, lab.glu)
    detail = requests.get(request_id)
    assert detail.status == "completed" and detail.completed_at is not None
    assert (detail.lines_released, detail.lines_total) == (2, 2)


def test_cancel_cancels_every_line_with_its_step(lab):
    request_id, _ = lab.create(lab.hem, lab.glu)
    requests.cancel(request_id, "No vino", by="recepcion1")
    rows = list(RequestLine.select().where(RequestLine.lab_request == request_id))
    assert {r.status for r in rows} == {"cancelled"}
    assert all(r.cancelled_at is not None and r.cancelled_by == "recepcion1" for r in rows)
    with pytest.raises(RuleError):
        requests.mark_lines(request_id, [rows[0].id], "released")


def test_manual_steps_stay(lab):
    request_id, _ = lab.create(lab.hem, lab.glu)
    set_status(request_id, "sample_collected")
    assert {x["status"] for x in requests.get(request_id).lines} == {"pending"}
    set_status(request_id, "in_progress")
    assert {x["status"] for x in requests.get(request_id).lines} == {"in_progress"}
    requests.mark_lines(request_id, [requests.get(request_id).lines[0]["id"]], "released")
    assert requests.get(request_id).status == "partial_result"


def test_list_shows_progress_and_filters_by_it(lab):
    none_id, _ = lab.create(lab.hem, lab.glu)
    some_id, _ = lab.create(lab.hem, lab.glu, lab.ure)
    all_id, _ = lab.create(lab.hem)
    requests.mark_lines(some_id, [_lines(some_id)["HEM"]["id"]], "released")
    requests.mark_lines(all_id, [_lines(all_id)["HEM"]["id"]], "released")
    rows = {r["id"]: r for r in requests.page(requests.RequestFilter(), PageRequest()).rows}
    assert rows[none_id]["progress"] == "0/2 listas"
    assert rows[some_id]["progress"] == "1/3 listas"
    assert rows[all_id]["progress"] == "1/1 listas"

    def ids(progress):
        page = requests.page(requests.RequestFilter(progress=progress), PageRequest())
        return {r["id"] for r in page.rows}

    assert ids("none") == {none_id}
    assert ids("some") == {some_id}
    assert ids("all") == {all_id}
    assert requests.count(requests.RequestFilter(progress="some")) == 1


def test_laboratorio_role_is_seeded_with_release_and_supervisor_has_it(database):
    from patolab_desktop.services.access import auth

    actor = login_as(permissions.ROLE_LAB)
    assert actor.has("results.release") and actor.has("lis.requests.view")
    assert not actor.has("lis.requests.create")
    assert auth.actor_for  # the role exists and signs in
    assert "results.release" in permissions.SUPERVISOR
    assert session.current().role == permissions.ROLE_LAB


def test_progress_columns_survive_a_request_without_lines_count(lab):
    request_id, _ = lab.create(lab.hem)
    assert LabRequest.get_by_id(request_id).lines_total == 1


def test_the_first_result_after_a_manual_partial_step_tells_the_patient(lab):
    """A supervisor may move a request to «Resultado parcial» by hand before any result is
    ready; the patient hears of partial results when the first one is, not never."""
    _consent(lab.patient)
    request_id, _ = lab.create(lab.hem, lab.glu)
    login_as(permissions.ROLE_SUPERVISOR)
    for _step in range(3):
        requests.advance(request_id, by="supervisor")
    detail = requests.get(request_id)
    assert (detail.status, detail.lines_released) == ("partial_result", 0)
    assert [m.event for m in Outbox.select()] == ["received"]  # nothing is ready yet
    login_as(permissions.ROLE_LAB)
    requests.mark_lines(request_id, [_lines(request_id)["HEM"]["id"]], "released")
    assert [m.event for m in Outbox.select().order_by(Outbox.id)] == ["received", "partial"]
    requests.mark_lines(request_id, [_lines(request_id)["GLU"]["id"]], "released")
    assert [m.event for m in Outbox.select().order_by(Outbox.id)] == [
        "received",
        "partial",
        "ready",
    ]


def test_a_panel_is_ready_when_every_one_of_its_members_is(lab):
    """PLIP [COL, TRI, HDL] and CHK [COL, GLU] on one request: COL has one line, under
    PLIP, and it is CHK's too. CHK is not «Resultado listo» while COL is pending."""
    chk = make_panel("CHK", "Chequeo", "200", [lab.col, lab.glu])
    request_id, _ = lab.create(lab.lipid, chk)
    assert requests.get(request_id).lines_total == 4  # COL, TRI, HDL, GLU
    login_as(permissions.ROLE_LAB)
    requests.mark_lines(request_id, [_lines(request_id)["GLU"]["id"]], "released")
    lines = _lines(request_id)
    assert (lines["CHK"]["status"], lines["COL"]["status"]) == ("in_progress", "pending")
    requests.mark_lines(request_id, [lines["COL"]["id"]], "released")
    lines = _lines(request_id)
    assert (lines["CHK"]["status"], lines["PLIP"]["status"]) == ("released", "in_progress")
    detail = requests.get(request_id)
    assert (detail.status, detail.lines_released, detail.lines_total) == ("partial_result", 2, 4)


def test_a_panel_whose_members_sit_under_another_is_no_result_of_its_own(lab):
    """CHK2 [COL, TRI] brings no line of its own next to PLIP [COL, TRI, HDL]: it is not
    a result, marking it marks COL and TRI, and the patient hears of real results only."""
    _consent(lab.patient)
    chk2 = make_panel("CHK2", "Perfil corto", "180", [lab.col, lab.tri])
    request_id, _ = lab.create(lab.lipid, chk2)
    assert requests.get(request_id).lines_total == 3  # COL, TRI, HDL
    later, _ = lab.create(lab.lipid)
    requests.add_investigation(later, chk2)
    assert requests.get(later).lines_total == 3
    login_as(permissions.ROLE_LAB)
    requests.mark_lines(request_id, [_lines(request_id)["CHK2"]["id"]], "released")
    lines = _lines(request_id)
    assert {code: line["status"] for code, line in lines.items()} == {
        "PLIP": "in_progress",
        "COL": "released",
        "TRI": "released",
        "HDL": "pending",
        "CHK2": "released",
    }
    detail = requests.get(request_id)
    assert (detail.status, detail.lines_released, detail.lines_total) == ("partial_result", 2, 3)
    partial = Outbox.select().where(Outbox.event == "partial")
    assert [m.lab_request_id for m in partial] == [request_id]
