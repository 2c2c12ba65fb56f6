"""The requests list: keyset pages, sorts, seed-004 filters, search; the detail view."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from patolab_desktop.services import requests
from patolab_desktop.services.errors import NotFoundError, ValidationError
from patolab_desktop.services.paging import PageRequest
from tests.expected import REQUEST_HEADER, STATUSES
from tests.paging_helpers import every_page
from tests.unit.requests_fixtures import (  # noqa: F401
    lab,
    make_branch,
    make_customer,
    make_doctor,
    set_status,
)

ROW_KEYS = {
    "id",
    "request_number",
    "requested_at",
    "patient_name",
    "doctor_name",
    "branch_code",
    "priority",
    "priority_label",
    "status",
    "status_label",
    "source_label",
    "total_amount",
    "discount_amount",
    "net_amount",
    "line_count",
}
BASE = dt.datetime(2025, 6, 2, 8, 0)


@pytest.fixture
def many(lab):
    """14 requests over 7 days with varied patients, doctors, statuses and priorities."""
    patients = [
        make_customer("José Álvarez Muñoz", id_number="0801199012345"),
        make_customer("María Pérez"),
        make_customer("Ana Pérez Zúniga"),
        make_customer("Li Wu"),
    ]
    doctors = [lab.doctor, make_doctor("Dra. Sofía Castro")]
    sps = make_branch("SPS", "San Pedro Sula")
    priorities = ["routine", "urgent", "stat"]
    sources = ["walk_in", "in_patient", "emergency", "external"]
    statuses = STATUSES
    tests = [[lab.hem], [lab.glu, lab.ure], [lab.lipid], [lab.hem, lab.glu, lab.ure]]
    made = []
    for i in range(14):
        request_id, number = requests.create(
            requests.RequestDraft(
                patient_id=patients[i % 4],
                doctor_id=doctors[i % 2],
                priority=priorities[i % 3],
                source=sources[i % 4],
                branch_id=sps if i % 5 == 0 else None,
                investigation_ids=tests[i % 4],
                requested_at=BASE + dt.timedelta(days=i // 2, hours=i % 2 * 3),
            )
        )
        set_status(request_id, statuses[i % 6])
        made.append(request_id)
    return {"ids": made, "patients": patients, "doctors": doctors, "sps": sps, "lab": lab}


def _all(filters=None, sort="", descending=False, limit=4) -> list[dict]:
    filters = filters or requests.RequestFilter()
    return every_page(requests.page, filters, sort, descending, limit, max_pages=100)


def test_rows_have_the_contract_keys_and_labels(many):
    row = requests.page(requests.RequestFilter(), PageRequest(limit=1)).rows[0]
    assert set(row) >= ROW_KEYS
    assert row["status_label"] in requests.STATUS_LABELS.values()
    assert row["priority_label"] in requests.PRIORITY_LABELS.values()
    assert row["source_label"] in requests.SOURCE_LABELS.values()
    assert isinstance(row["net_amount"], Decimal)


def test_default_sort_is_newest_first_across_pages(many):
    rows = _all()
    assert len(rows) == 14 and len({r["id"] for r in rows}) == 14
    keys = [(r["requested_at"], r["id"]) for r in rows]
    assert keys == sorted(keys, reverse=True)


SORT_KEYS = {
    "request_number": lambda r: r["request_number"],
    "requested_at": lambda r: r["requested_at"],
    "patient_name": lambda r: (r["patient_name_folded"], r["patient_id"]),
    "status": lambda r: requests.STATUS_RANK[r["status"]],
    "priority": lambda r: requests.PRIORITY_RANK[r["priority"]],
    "net_amount": lambda r: r["net_amount"],
}


@pytest.mark.parametrize("descending", [False, True])
@pytest.mark.parametrize("sort", list(SORT_KEYS))
def test_every_sort_pages_in_order(many, sort, descending):
    rows = _all(sort=sort, descending=descending, limit=3)
    assert len({r["id"] for r in rows}) == 14
    keys = [(SORT_KEYS[sort](r), r["id"]) for r in rows]
    assert keys == sorted(keys, reverse=descending)


def test_status_and_priority_sort_follow_the_workflow_not_the_alphabet(many):
    statuses = [r["status"] for r in _all(sort="status")]
    assert statuses[0] == "pending" and statuses[-1] == "cancelled"
    assert _all(sort="priority", descending=True)[0]["priority"] == "stat"


def test_unknown_sort_is_refused(many):
    with pytest.raises(ValidationError):
        requests.page(requests.RequestFilter(), PageRequest(sort="nope"))


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("status", "completed"),
        ("status", "cancelled"),
        ("priority", "stat"),
        ("source", "external"),
    ],
)
def test_choice_filters(many, field, value):
    rows = _all(requests.RequestFilter(**{field: value}))
    assert rows and all(
        r[field if field != "source" else "source_label"]
        == (value if field != "source" else requests.SOURCE_LABELS[value])
        for r in rows
    )
    assert len(rows) == sum(
        1
        for r in _all()
        if r[field if field != "source" else "source_label"]
        == (value if field != "source" else requests.SOURCE_LABELS[value])
    )


def test_patient_doctor_and_branch_filters(many):
    patient = many["patients"][1]
    rows = _all(requests.RequestFilter(patient_id=patient))
    assert len(rows) == 4 and {r["patient_id"] for r in rows} == {patient}
    doctor = many["doctors"][1]
    rows = _all(requests.RequestFilter(doctor_id=doctor))
    assert len(rows) == 7 and {r["doctor_id"] for r in rows} == {doctor}
    rows = _all(requests.RequestFilter(branch_id=many["sps"]))
    assert len(rows) == 3 and {r["branch_code"] for r in rows} == {"SPS"}


def test_date_filters_are_inclusive_by_day(many):
    first_day = BASE.date()
    rows = _all(
        requests.RequestFilter(
            date_from=first_day + dt.timedelta(days=1), date_to=first_day + dt.timedelta(days=2)
        )
    )
    assert len(rows) == 4
    assert {r["requested_at"].date() for r in rows} == {
        first_day + dt.timedelta(days=1),
        first_day + dt.timedelta(days=2),
    }
    assert len(_all(requests.RequestFilter(date_to=first_day))) == 2  # 08:00 and 11:00 that day
    assert len(_all(requests.RequestFilter(date_from=first_day + dt.timedelta(days=6)))) == 2
    with pytest.raises(ValidationError):
        requests.page(
            requests.RequestFilter(date_from=first_day, date_to=first_day - dt.timedelta(days=1)),
            PageRequest(),
        )


def test_filters_combine(many):
    rows = _all(requests.RequestFilter(patient_id=many["patients"][0], status="pending"))
    assert rows and all(
        r["patient_id"] == many["patients"][0] and r["status"] == "pending" for r in rows
    )


def test_bad_filter_values_are_refused(many):
    with pytest.raises(ValidationError):
        requests.page(requests.RequestFilter(status="lost"), PageRequest())


def test_search_by_full_number_prefix_and_sequence(many):
    first = requests.get(many["ids"][0]).request_number  # SPS-2025-000001
    assert [r["request_number"] for r in _all(requests.RequestFilter(search=first.lower()))] == [
        first
    ]
    lab_rows = _all(requests.RequestFilter(search="LAB-2025-00001"))
    assert {r["request_number"] for r in lab_rows} == {"LAB-2025-000010", "LAB-2025-000011"}
    by_sequence = {r["request_number"] for r in _all(requests.RequestFilter(search="3"))}
    assert by_sequence == {"LAB-2025-000003", "SPS-2025-000003"}
    assert {
        r["request_number"] for r in _all(requests.RequestFilter(search="000003"))
    } == by_sequence


def test_search_by_patient_name_ignores_accents_case_and_word_order(many):
    perez = _all(requests.RequestFilter(search="perez"))
    assert {r["patient_name"] for r in perez} == {"María Pérez", "Ana Pérez Zúniga"}
    assert len(perez) == 7
    assert {r["patient_name"] for r in _all(requests.RequestFilter(search="MUÑOZ jose"))} == {
        "José Álvarez Muñoz"
    }
    assert {r["patient_name"] for r in _all(requests.RequestFilter(search="zuniga an"))} == {
        "Ana Pérez Zúniga"
    }


def test_short_names_use_the_name_prefix(many):
    assert {r["patient_name"] for r in _all(requests.RequestFilter(search="li"))} == {"Li Wu"}


def test_search_by_patient_id_number_digits(many):
    rows = _all(requests.RequestFilter(search="08011990"))
    assert {r["patient_name"] for r in rows} == {"José Álvarez Muñoz"}


def test_search_with_no_match(many):
    assert _all(requests.RequestFilter(search="zzzqqq")) == []
    assert _all(requests.RequestFilter(search="XYZ-2025-000001")) == []


def test_count(many):
    assert requests.count(requests.RequestFilter()) == 14
    assert requests.count(requests.RequestFilter(search="perez")) == 7
    assert requests.count(requests.RequestFilter(), limit=5) == 5


def test_line_count_counts_a_panel_once(many):
    rows = {r["id"]: r for r in _all()}
    lab = many["lab"]
    lipid_request = next(
        i
        for i in many["ids"]
        if any(line["investigation_id"] == lab.lipid for line in requests.get(i).lines)
    )
    detail = requests.get(lipid_request)
    assert len(detail.lines) > rows[lipid_request]["line_count"]  # members are not counted
    ordered = sum(1 for line in detail.lines if line["parent_line_id"] is None)
    assert rows[lipid_request]["line_count"] == ordered


def test_get_returns_header_lines_and_events(lab):
    request_id, number = lab.create(
        lab.hem, lab.lipid, clinical_info="Dolor torácico", line_notes={lab.hem: "Tubo lila"}
    )
    requests.cancel(request_id, "Paciente se retiró", by="ana")
    detail = requests.get(request_id)
    assert (detail.request_number, detail.patient_name, detail.doctor_name, detail.branch_code) == (
        number,
        "Ana María Pérez",
        "Dr. Carlos Mejía",
        "LAB",
    )
    assert (detail.status_label, detail.priority_label, detail.source_label) == (
        "Cancelada",
        "Rutina",
        "Ambulatorio",
    )
    assert detail.clinical_info == "Dolor torácico"
    assert detail.cancellation_reason == "Paciente se retiró" and detail.read_only
    assert not detail.can_cancel
    assert [(ln["code"], ln["parent"], ln["status"]) for ln in detail.lines] == [
        ("HEM", None, "cancelled"),
        ("PLIP", None, "cancelled"),
        ("COL", lab.lipid, "cancelled"),
        ("TRI", lab.lipid, "cancelled"),
        ("HDL", lab.lipid, "cancelled"),
    ]
    hem = detail.lines[0]
    assert (hem["name"], hem["price"], hem["discount"], hem["net"], hem["notes"]) == (
        "Hemograma completo",
        Decimal("150.000"),
        Decimal("0.000"),
        Decimal("150.000"),
        "Tubo lila",
    )
    assert [e["action"] for e in detail.events] == ["created", "cancelled"]
    assert requests.get_by_number(number.lower()).id == request_id


def test_get_unknown_request(database):
    with pytest.raises(NotFoundError):
        requests.get(12345)
    with pytest.raises(NotFoundError):
        requests.find_id("LAB-2020-000001")


def test_export_writes_the_spanish_columns_with_the_filters(many, tmp_path):
    from patolab_desktop.services import csvio

    out = tmp_path / "solicitudes.csv"
    written = requests.export_requests(requests.RequestFilter(search="perez"), out)
    rows = csvio.read_csv(out)
    assert out.read_bytes().startswith(b"\xef\xbb\xbf")
    assert rows[0] == REQUEST_HEADER
    assert written == len(rows) - 1 == 7
    listed = _all(requests.RequestFilter(search="perez"))
    assert [r[0] for r in rows[1:]] == [r["request_number"] for r in listed]
    first = listed[0]
    assert rows[1][1] == first["requested_at"].strftime("%d/%m/%Y %H:%M")
    assert rows[1][8:11] == [
        f"{first['total_amount']:.2f}",
        f"{first['discount_amount']:.2f}",
        f"{first['net_amount']:.2f}",
    ]
    cancelled = [r for r in rows[1:] if r[6] == "Cancelada"]
    assert cancelled and all(r[11] and r[12] == "Paciente no se presentó" for r in cancelled)


def test_export_streams_in_batches_and_can_be_cancelled(many, tmp_path, monkeypatch):
    from patolab_desktop.services.requests import export_rows

    monkeypatch.setattr(export_rows, "EXPORT_BATCH", 3)  # several keyset pages
    out = tmp_path / "todas.csv"
    assert requests.export_requests(requests.RequestFilter(), out) == 14
    assert len(out.read_text(encoding="utf-8-sig").splitlines()) == 15
    stopped = tmp_path / "cancelada.csv"
    assert requests.export_requests(requests.RequestFilter(), stopped, cancelled=lambda: True) == 0
    assert not stopped.exists()


def test_export_refuses_bad_filters_before_writing(many, tmp_path):
    out = tmp_path / "x.csv"
    with pytest.raises(ValidationError):
        requests.export_requests(requests.RequestFilter(priority="asap"), out)
    assert not out.exists()


def test_a_dni_typed_with_dashes_is_a_patient_search_not_a_number(many):
    rows = _all(requests.RequestFilter(search="0801-1990-12345"))
    assert rows and {r["patient_name"] for r in rows} == {"José Álvarez Muñoz"}


def test_a_short_number_only_finds_request_sequences(many):
    # Every patient's phone contains "9988", but a short number means the request sequence.
    assert _all(requests.RequestFilter(search="9988")) == []
    assert {r["request_number"] for r in _all(requests.RequestFilter(search="11"))} == {
        "LAB-2025-000011"
    }
    assert len(_all(requests.RequestFilter(search="99887766"))) == 14  # 7+ digits: the phone


@pytest.mark.parametrize("typed", ["+504 9988-7766", "+50499887766", "(504) 9988-7766"])
def test_a_phone_typed_with_the_country_code_finds_the_patient(many, typed):
    """As the customers window finds it: «+» and brackets are not a name to look for."""
    assert len(_all(requests.RequestFilter(search=typed))) == 14


@pytest.mark.parametrize("many_patients", [3000, 1])
@pytest.mark.parametrize("sort", ["", "patient_name"])
def test_search_paths_give_the_same_rows(many, monkeypatch, many_patients, sort):
    """Few matching patients (an id list) or very many (checked row by row): same rows,
    with the date sort and with the patient sort (which walks the customers)."""
    from patolab_desktop.services.requests import search as request_search

    monkeypatch.setattr(request_search, "_many_patients", lambda *_a: many_patients)
    rows = _all(requests.RequestFilter(search="pérez"), sort=sort, limit=2)
    assert len(rows) == 7 and {r["patient_name"] for r in rows} == {
        "María Pérez",
        "Ana Pérez Zúniga",
    }
    assert _all(
        requests.RequestFilter(search="perez zuniga ana", status="cancelled"), sort=sort
    ) == [
        r
        for r in _all(requests.RequestFilter(status="cancelled"), sort=sort)
        if r["patient_name"] == "Ana Pérez Zúniga"
    ]


@pytest.mark.parametrize("descending", [False, True])
def test_patient_sort_with_filters(many, descending):
    patient = many["patients"][2]
    rows = _all(
        requests.RequestFilter(patient_id=patient),
        sort="patient_name",
        descending=descending,
        limit=3,
    )
    assert len(rows) == 3 and {r["patient_id"] for r in rows} == {patient}
    assert [r["id"] for r in rows] == sorted((r["id"] for r in rows), reverse=descending)
    pending = _all(
        requests.RequestFilter(status="pending"),
        sort="patient_name",
        descending=descending,
        limit=1,
    )
    keys = [(r["patient_name_folded"], r["patient_id"], r["id"]) for r in pending]
    assert keys == sorted(keys, reverse=descending) and {r["status"] for r in pending} == {
        "pending"
    }


def test_one_test_count_for_list_summary_and_history(lab):
    """Issue 16 B: the list, the printed summary and the history give the same count."""
    from patolab_desktop.services.requests import reports

    request_id, number = lab.create(lab.hem, lab.lipid)
    detail = requests.get(request_id)
    assert len(detail.lines) > 2  # the panel brought its members along
    listed = next(r for r in _all() if r["id"] == request_id)
    summary = reports.request_summary_data(request_id)
    assert listed["line_count"] == 2
    assert summary["investigation_count"] == 2
    assert any("2 investigaciones" in e["detail"] for e in detail.events)


@pytest.mark.parametrize("sort", ["", "requested_at", "request_number", "status", "net_amount"])
@pytest.mark.parametrize("descending", [False, True])
def test_patient_name_search_pages_in_the_list_order(many, sort, descending):
    """Issue 20: with a few matching patients PostgreSQL reads their requests by patient
    and sorts them (another ORDER BY expression, the same order): page by page, the rows
    are those of the whole list that belong to them, in the same order."""
    found = _all(requests.RequestFilter(search="pérez"), sort=sort, descending=descending, limit=2)
    everything = _all(requests.RequestFilter(), sort=sort, descending=descending, limit=5)
    names = {"María Pérez", "Ana Pérez Zúniga"}
    assert [r["id"] for r in found] == [r["id"] for r in everything if r["patient_name"] in names]


@pytest.mark.parametrize(
    ("customers", "threshold"),
    [(0, 100), (1_000, 100), (100_000, 949), (1_000_000, 3000), (5_000_000, 6708)],
)
def test_many_patients_grows_with_the_square_root_of_the_customers(lab, customers, threshold):
    """The point where walking the list beats listing the patients' requests moves with
    the size of the database: at 5,000,000 customers a fixed 3,000 walked hundreds of
    thousands of requests for a name of 4,000 patients (1.6 s a page)."""
    from patolab_desktop.db.models import Customer
    from patolab_desktop.services.requests import search as request_search

    Customer.delete().execute()
    if customers:
        moved = make_customer("Paciente Último")
        Customer.update(id=customers).where(Customer.id == moved).execute()
    assert request_search._many_patients() == threshold


def test_a_name_holding_an_id_prefix_tokens_trigrams_is_not_taken_for_it(many):
    """SQLite's MATCH asks a few trigrams of an identity token, case-blind: a patient whose
    name holds them is a candidate, and the test of the whole token drops it."""
    from patolab_desktop.services import identity

    token = identity.prefix_token("08011990")
    assert token is not None
    part = token[2:11].lower()
    lookalike = make_customer(f"{part[:6]} {part[6:]}", id_number="0501197777777")
    requests.create(
        requests.RequestDraft(
            patient_id=lookalike,
            doctor_id=many["lab"].doctor,
            investigation_ids=[many["lab"].hem],
        )
    )
    rows = _all(requests.RequestFilter(search="08011990"))
    assert {r["patient_name"] for r in rows} == {"José Álvarez Muñoz"}
