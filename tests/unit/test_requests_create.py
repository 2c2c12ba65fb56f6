"""Creating lab requests: required data, numbering, preview, failed saves (seed 004)."""

from __future__ import annotations

import datetime as dt
import inspect

import pytest

from patolab_desktop.db.models import (
    Branch,
    Customer,
    Investigation,
    LabRequest,
    Referrer,
    RequestCounter,
    RequestEvent,
    RequestLine,
)
from patolab_desktop.services import requests, settings
from patolab_desktop.services.errors import ValidationError
from patolab_desktop.services.requests import numbers as request_numbers
from tests.unit.requests_fixtures import lab, make_branch, make_customer, make_doctor  # noqa: F401


def _errors(draft) -> dict:
    with pytest.raises(ValidationError) as info:
        requests.create(draft)
    return info.value.fields


def test_create_saves_header_lines_and_created_event(lab):
    request_id, number = lab.create(
        lab.hem,
        lab.glu,
        priority="urgent",
        source="emergency",
        clinical_info="Control anual",
        notes="Ayuno de 8 horas",
        line_notes={lab.glu: "Muestra en ayunas"},
    )
    year = dt.date.today().year
    assert number == f"LAB-{year}-000001"
    row = LabRequest.get_by_id(request_id)
    assert (row.patient_id, row.doctor_id) == (lab.patient, lab.doctor)
    assert (row.priority, row.source, row.status) == ("urgent", "emergency", "pending")
    assert (row.clinical_info, row.notes) == ("Control anual", "Ayuno de 8 horas")
    assert row.branch_id == lab.branch and row.requested_at is not None
    assert row.completed_at is None and row.cancelled_at is None and row.version == 1
    lines = {
        line.investigation_id: line
        for line in RequestLine.select().where(RequestLine.lab_request == request_id)
    }
    assert set(lines) == {lab.hem, lab.glu}
    assert lines[lab.glu].notes == "Muestra en ayunas"
    assert {line.status for line in lines.values()} == {"pending"}
    events = list(RequestEvent.select().where(RequestEvent.lab_request == request_id))
    assert [(e.action, e.by) for e in events] == [("created", "recepcion1")]
    assert number in events[0].detail


def test_patient_and_doctor_are_required(lab):
    fields = _errors(requests.RequestDraft(investigation_ids=[lab.hem]))
    assert fields["patient_id"] == "Elija el paciente."
    assert "médico" in fields["doctor_id"]
    assert LabRequest.select().count() == 0


def test_inactive_patient_is_refused_with_a_clear_message(lab):
    inactive = make_customer("Pedro Inactivo", active=False)
    fields = _errors(lab.draft(lab.hem, patient_id=inactive))
    assert "Pedro Inactivo" in fields["patient_id"] and "inactivo" in fields["patient_id"]


def test_inactive_doctor_is_refused_with_a_clear_message(lab):
    inactive = make_doctor("Dra. Retirada", active=False)
    fields = _errors(lab.draft(lab.hem, doctor_id=inactive))
    assert "Dra. Retirada" in fields["doctor_id"] and "inactivo" in fields["doctor_id"]


@pytest.mark.parametrize("priority", ["routine", "urgent", "stat"])
def test_each_priority_is_accepted(lab, priority):
    request_id, _ = lab.create(priority=priority)
    assert requests.get(request_id).priority == priority


@pytest.mark.parametrize("source", ["walk_in", "in_patient", "emergency", "external"])
def test_each_source_is_accepted(lab, source):
    request_id, _ = lab.create(source=source)
    assert requests.get(request_id).source == source


def test_unknown_priority_and_source_are_refused(lab):
    fields = _errors(lab.draft(priority="asap", source="phone"))
    assert "asap" in fields["priority"] and "phone" in fields["source"]


def test_at_least_one_investigation(lab):
    fields = _errors(
        requests.RequestDraft(patient_id=lab.patient, doctor_id=lab.doctor, investigation_ids=[])
    )
    assert fields == {"investigation_ids": "Agregue al menos una investigación."}


def test_inactive_investigation_is_refused(lab):
    Investigation.update(active=False).where(Investigation.id == lab.glu).execute()
    fields = _errors(lab.draft(lab.hem, lab.glu))
    assert "GLU" in fields["investigation_ids"] and "inactiva" in fields["investigation_ids"]
    with pytest.raises(ValidationError):
        requests.preview(lab.draft(lab.glu))


def test_branch_defaults_to_the_setting(lab):
    sps = make_branch("SPS", "San Pedro Sula")
    settings.put("default_branch_id", sps)
    request_id, number = lab.create()
    assert requests.get(request_id).branch_id == sps
    assert number.startswith("SPS-")


def test_an_explicit_branch_wins_over_the_default(lab):
    sps = make_branch("SPS", "San Pedro Sula")
    _, number = lab.create(branch_id=sps)
    assert number == f"SPS-{dt.date.today().year}-000001"


def test_numbers_are_per_branch_and_per_year(lab):
    sps = make_branch("SPS", "San Pedro Sula")
    last_year = dt.datetime(dt.date.today().year - 1, 12, 31, 16, 0)
    year = dt.date.today().year
    made = [
        lab.create()[1],
        lab.create()[1],
        lab.create(branch_id=sps)[1],
        lab.create(requested_at=last_year)[1],
        lab.create()[1],
        lab.create(branch_id=sps, requested_at=last_year)[1],
    ]
    assert made == [
        f"LAB-{year}-000001",
        f"LAB-{year}-000002",
        f"SPS-{year}-000001",
        f"LAB-{year - 1}-000001",
        f"LAB-{year}-000003",
        f"SPS-{year - 1}-000001",
    ]
    counters = {(c.branch_id, c.year): c.last_number for c in RequestCounter.select()}
    assert counters == {
        (lab.branch, year): 3,
        (sps, year): 1,
        (lab.branch, year - 1): 1,
        (sps, year - 1): 1,
    }


def test_number_format_and_parse():
    assert request_numbers.format_number("sps", 2026, 123) == "SPS-2026-000123"
    assert request_numbers.parse_number("sps-2026-000123") == ("SPS", 2026, 123)
    assert request_numbers.parse_number("Juan Pérez") is None


def test_preview_writes_nothing_and_reserves_no_number(lab):
    pricing = requests.preview(lab.draft(lab.hem, lab.lipid))
    assert pricing.total > 0
    assert RequestCounter.select().count() == 0
    assert LabRequest.select().count() == 0 and RequestLine.select().count() == 0
    # An abandoned form leaves no hole: the first saved request is still number 1.
    assert lab.create()[1].endswith("-000001")


def test_preview_tolerates_an_unfinished_form(lab):
    pricing = requests.preview(requests.RequestDraft(investigation_ids=[lab.hem]))
    assert pricing.total == pricing.net == 150
    assert requests.validate(requests.RequestDraft(investigation_ids=[lab.hem]))["patient_id"]


def test_failed_save_rolls_back_the_number(lab, monkeypatch):
    def broken(*_args, **_kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(requests.entry, "_insert_lines", broken)
    with pytest.raises(RuntimeError):
        lab.create()
    assert LabRequest.select().count() == 0
    assert RequestCounter.select(RequestCounter.last_number).scalar() in (None, 0)
    monkeypatch.undo()
    assert lab.create()[1].endswith("-000001")  # no gap


def test_numbers_are_never_reused_after_cancel(lab):
    first, n1 = lab.create()
    requests.cancel(first, "Duplicada")
    _, n2 = lab.create()
    assert (n1[-6:], n2[-6:]) == ("000001", "000002")


def test_an_edit_never_changes_the_number(lab):
    request_id, number = lab.create()
    other = make_doctor("Dra. Lucía Ferrera")
    requests.update(
        request_id,
        requests.RequestChanges(doctor_id=other, priority="stat", notes="Llamar al terminar"),
        by="sup",
    )
    requests.add_investigation(request_id, lab.ure)
    requests.advance(request_id)
    detail = requests.get(request_id)
    assert detail.request_number == number
    assert (detail.doctor_id, detail.priority, detail.notes) == (
        other,
        "stat",
        "Llamar al terminar",
    )
    assert detail.events[1]["action"] == "updated" and detail.events[1]["by"] == "sup"


def test_number_taking_refuses_to_run_outside_a_transaction(lab):
    with pytest.raises(RuntimeError):
        request_numbers.take_next(lab.branch, 2026)


def test_future_dates_are_refused(lab):
    fields = _errors(lab.draft(requested_at=dt.datetime.now() + dt.timedelta(days=1)))
    assert "futuro" in fields["requested_at"]


def test_requests_are_never_deleted(lab):
    request_id, _ = lab.create()
    public = [name for name, _ in inspect.getmembers(requests, inspect.isfunction)]
    assert not [name for name in public if "delete" in name or "remove_request" in name]
    from peewee import IntegrityError

    # Every foreign key to a request is RESTRICT: the database itself refuses.
    with pytest.raises(IntegrityError):
        LabRequest.delete().where(LabRequest.id == request_id).execute()
    assert LabRequest.select().count() == 1


def test_patient_and_doctor_fks_are_restrict(lab):
    lab.create()
    from peewee import IntegrityError

    with pytest.raises(IntegrityError):
        Customer.delete().where(Customer.id == lab.patient).execute()
    with pytest.raises(IntegrityError):
        Referrer.delete().where(Referrer.id == lab.doctor).execute()
    with pytest.raises(IntegrityError):
        Branch.delete().where(Branch.id == lab.branch).execute()
