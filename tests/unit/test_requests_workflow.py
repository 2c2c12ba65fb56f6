"""Workflow, cancel, read-only requests, versions and history (seed 004)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from patolab_desktop.db.models import LabRequest, RequestLine
from patolab_desktop.services import requests
from patolab_desktop.services.errors import ConflictError, RuleError, ValidationError
from tests.expected import STATUSES
from tests.security_helpers import fast_hashing  # noqa: F401 (a fixture)
from tests.unit.requests_fixtures import fields_of, lab, make_doctor, set_status  # noqa: F401


def _line_statuses(request_id) -> set[str]:
    return {
        line.status for line in RequestLine.select().where(RequestLine.lab_request == request_id)
    }


def test_workflow_runs_in_order_and_lines_follow(lab):
    request_id, _ = lab.create(lab.hem, lab.lipid)
    seen = []
    # lines have their own statuses (issue 18): the manual steps start, then release them
    lines_after = {
        "sample_collected": {"pending"},
        "in_progress": {"in_progress"},
        "partial_result": {"in_progress"},
        "completed": {"released"},
    }
    for expected in ["sample_collected", "in_progress", "partial_result", "completed"]:
        assert requests.advance(request_id, by="supervisor") == expected
        seen.append(requests.get(request_id).status)
        assert _line_statuses(request_id) == lines_after[expected]
    assert seen == ["sample_collected", "in_progress", "partial_result", "completed"]
    detail = requests.get(request_id)
    assert detail.completed_at is not None and detail.cancelled_at is None
    assert [(e["action"], e["detail"], e["by"]) for e in detail.events[1:]] == [
        ("status", "Pendiente → Muestra tomada", "supervisor"),
        ("status", "Muestra tomada → En proceso", "supervisor"),
        ("status", "En proceso → Resultado parcial", "supervisor"),
        ("status", "Resultado parcial → Completada", "supervisor"),
    ]
    assert detail.read_only and detail.next_status is None


def test_completed_at_is_set_only_on_completion(lab):
    request_id, _ = lab.create()
    set_status(request_id, "partial_result")
    assert requests.get(request_id).completed_at is None
    requests.advance(request_id)
    assert requests.get(request_id).completed_at is not None


@pytest.mark.parametrize("status", STATUSES)
def test_cancel_from_each_status(lab, status):
    request_id, number = lab.create(lab.hem, lab.lipid)
    set_status(request_id, status)
    if status in ("pending", "sample_collected"):
        requests.cancel(request_id, "  Paciente no se presentó ", by="recepcion2")
        detail = requests.get(request_id)
        assert detail.status == "cancelled" and detail.cancelled_at is not None
        assert detail.cancellation_reason == "Paciente no se presentó"
        assert _line_statuses(request_id) == {"cancelled"}
        assert detail.events[-1] == {
            **detail.events[-1],
            "action": "cancelled",
            "detail": "Paciente no se presentó",
            "by": "recepcion2",
        }
        return
    before = LabRequest.get_by_id(request_id)
    with pytest.raises(RuleError) as info:
        requests.cancel(request_id, "Ya no se necesita")
    message = str(info.value)
    assert number in message
    if status in ("completed", "cancelled"):
        assert "ya no se puede modificar" in message
    else:
        assert "Solo se cancelan solicitudes pendientes o con la muestra tomada" in message
        assert requests.STATUS_LABELS[status] in message
    after = LabRequest.get_by_id(request_id)
    assert (after.status, after.version, after.cancellation_reason) == (
        before.status,
        before.version,
        before.cancellation_reason,
    )


@pytest.mark.parametrize("reason", ["", "   ", None])
def test_cancel_needs_a_reason(lab, reason):
    request_id, _ = lab.create()
    with pytest.raises(ValidationError) as info:
        requests.cancel(request_id, reason)
    assert info.value.fields == {"reason": "Escriba el motivo de la cancelación."}
    assert requests.get(request_id).status == "pending"


def test_can_cancel_and_read_only_helpers():
    assert [s for s in STATUSES if requests.can_cancel(s)] == ["pending", "sample_collected"]
    assert [s for s in STATUSES if requests.is_read_only(s)] == ["completed", "cancelled"]


@pytest.mark.parametrize("status", ["completed", "cancelled"])
def test_completed_and_cancelled_requests_are_read_only_in_every_service(lab, status):
    request_id, _ = lab.create(lab.hem, lab.glu)
    set_status(request_id, status)
    snapshot = LabRequest.get_by_id(request_id)
    lines_before = RequestLine.select().where(RequestLine.lab_request == request_id).count()
    attempts = [
        lambda: requests.advance(request_id),
        lambda: requests.cancel(request_id, "Motivo"),
        lambda: requests.add_investigation(request_id, lab.ure),
        lambda: requests.remove_investigation(request_id, lab.glu),
        lambda: requests.update(request_id, requests.RequestChanges(priority="stat")),
        lambda: requests.set_manual_discount(request_id, Decimal("10"), "Cortesía"),
    ]
    for attempt in attempts:
        with pytest.raises(RuleError):
            attempt()
    kept = ("status", "version", "priority", "net_amount")
    assert fields_of(LabRequest.get_by_id(request_id), kept) == fields_of(snapshot, kept)
    assert RequestLine.select().where(RequestLine.lab_request == request_id).count() == lines_before


def test_every_change_bumps_the_version(lab):
    request_id, _ = lab.create(lab.hem, lab.glu)
    versions = [requests.get(request_id).version]
    steps = [
        lambda: requests.add_investigation(request_id, lab.ure),
        lambda: requests.remove_investigation(request_id, lab.ure),
        lambda: requests.update(request_id, requests.RequestChanges(priority="urgent")),
        lambda: requests.set_manual_discount(request_id, Decimal("5"), "Cortesía"),
        lambda: requests.advance(request_id),
        lambda: requests.cancel(request_id, "Error de registro"),
    ]
    for step in steps:
        step()
        versions.append(requests.get(request_id).version)
    assert versions == list(range(1, 8))


def test_a_stale_version_is_refused(lab):
    request_id, _ = lab.create()
    shown = requests.get(request_id).version
    requests.advance(request_id, version=shown)  # someone else moved it on
    with pytest.raises(ConflictError):
        requests.cancel(request_id, "Duplicada", version=shown)
    with pytest.raises(ConflictError):
        requests.add_investigation(request_id, lab.ure, version=shown)
    assert requests.get(request_id).status == "sample_collected"


def test_every_change_writes_an_event_with_who(lab):
    request_id, _ = lab.create(lab.hem, lab.glu)
    requests.add_investigation(request_id, lab.lipid, by="ana")
    requests.remove_investigation(request_id, lab.glu, by="beto")
    requests.set_manual_discount(request_id, Decimal("20"), "Convenio empresa", by="sup")
    requests.advance(request_id, by="carla")
    requests.cancel(request_id, "Paciente desistió", by="dora")
    events = requests.get(request_id).events
    assert [(e["action"], e["by"]) for e in events] == [
        ("created", "recepcion1"),
        ("line_added", "ana"),
        ("line_removed", "beto"),
        ("discount", "sup"),
        ("status", "carla"),
        ("cancelled", "dora"),
    ]
    assert "PLIP" in events[1]["detail"] and "GLU" in events[2]["detail"]
    assert "Convenio empresa" in events[3]["detail"]
    assert events[5]["detail"] == "Paciente desistió"
    assert all(e["action_label"] for e in events)


def test_manual_discount_on_a_saved_request_recalculates_and_can_be_withdrawn(lab):
    request_id, _ = lab.create(lab.hem, lab.glu)
    with pytest.raises(ValidationError):
        requests.set_manual_discount(request_id, Decimal("10"), "")
    requests.set_manual_discount(request_id, Decimal("10"), "Cortesía")
    detail = requests.get(request_id)
    assert (detail.discount_kind, detail.discount_amount, detail.net_amount) == (
        "manual",
        Decimal("23.000"),
        Decimal("207.000"),
    )
    requests.set_manual_discount(request_id, None)
    detail = requests.get(request_id)
    assert (detail.discount_kind, detail.discount_amount, detail.net_amount) == (
        "",
        Decimal("0.000"),
        Decimal("230.000"),
    )
    assert all(line["discount"] == 0 for line in detail.lines)


def test_patient_can_change_only_while_pending_and_reprices(lab):
    import datetime as dt

    from tests.unit.requests_fixtures import make_customer

    senior = make_customer(
        "Doña Elvira",
        date_of_birth=dt.date.today().replace(year=dt.date.today().year - 70)
        - dt.timedelta(days=3),
    )
    request_id, _ = lab.create(lab.hem)
    requests.update(request_id, requests.RequestChanges(patient_id=senior))
    detail = requests.get(request_id)
    assert (detail.patient_id, detail.discount_kind, detail.discount_amount) == (
        senior,
        "age",
        Decimal("45.000"),
    )
    requests.advance(request_id)
    with pytest.raises(RuleError):
        requests.update(request_id, requests.RequestChanges(patient_id=lab.patient))


def test_update_refuses_inactive_doctor_and_bad_values(lab):
    request_id, _ = lab.create()
    retired = make_doctor("Dr. Jubilado", active=False)
    with pytest.raises(ValidationError) as info:
        requests.update(request_id, requests.RequestChanges(doctor_id=retired, priority="x"))
    assert set(info.value.fields) == {"doctor_id", "priority"}
    assert requests.get(request_id).version == 1


def test_a_new_patients_larger_age_discount_replaces_a_smaller_manual_one(lab, fast_hashing):
    """As at entry (pricing.choose_discount): the manual 20 % of a young patient's request
    stayed when the receptionist changed the patient to an 80-year-old, whose age gives
    40 %; a larger manual one still stays."""
    import datetime as dt

    from patolab_desktop.services.access import permissions, session
    from tests.security_helpers import login_as
    from tests.unit.requests_fixtures import make_customer

    today = dt.date.today()
    elder = make_customer("Doña Josefa", date_of_birth=today.replace(year=today.year - 81))
    with session.acting_as(None):
        login_as(permissions.ROLE_SUPERVISOR)
        small, _ = lab.create(lab.hem, manual_discount_percent="20", discount_reason="Empleada")
        large, _ = lab.create(lab.hem, manual_discount_percent="50", discount_reason="Empleada")
    with session.acting_as(None):
        login_as(permissions.ROLE_RECEPTION)
        for request_id in (small, large):
            requests.update(request_id, requests.RequestChanges(patient_id=elder))
    got = [requests.get(x) for x in (small, large)]
    assert [(d.discount_kind, d.discount_percent, d.net_amount) for d in got] == [
        ("age", Decimal("40"), Decimal("90")),  # HEM L 150 − 40 %
        ("manual", Decimal("50"), Decimal("75")),
    ]
    assert [d.discount_reason for d in got] == ["", "Empleada"]
