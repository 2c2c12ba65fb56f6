"""services.reports: period aggregation (exact Decimal, SQL GROUP BY), summary and label
data from the real request and customer services, lab header and print settings."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest
from playhouse.test_utils import count_queries

from patolab_desktop.db.models import AuditLog
from patolab_desktop.services import requests, settings
from patolab_desktop.services.access import session
from patolab_desktop.services.errors import NotFoundError, ValidationError
from patolab_desktop.services.requests import reports
from tests.expected import STATUSES
from tests.security_helpers import make_actor
from tests.unit.printing_fixtures import printed_lab  # noqa: F401

# a front-desk user without patients.view_sensitive (issue 5: services check permissions)
RECEPTION = make_actor(
    "recepcion1", "Recepción", "Recepción", {"prints.run", "lis.requests.view", "patients.view"}
)


def amounts(row):
    return row["count"], row["total"], row["discount"], row["net"]


def by_key(rows):
    return {row["key"]: amounts(row) for row in rows}


# --- period report ----------------------------------------------------------------------------
def test_period_report_by_status_matches_hand_computed_sums(printed_lab):
    lab = printed_lab
    data = reports.period_report_data(lab.base_day, lab.base_day + dt.timedelta(days=3))
    status = by_key(data["by_status"])
    assert list(status) == STATUSES
    # full (626.000 − 30 % = 187.800) + young (230.500)
    assert status["pending"] == (
        2,
        D("626.000") + D("230.500"),
        D("187.800"),
        D("438.200") + D("230.500"),
    )
    assert status["sample_collected"] == (1, D("176.000"), D("0.000"), D("176.000"))
    assert status["in_progress"] == (0, D("0.000"), D("0.000"), D("0.000"))
    assert status["completed"] == (1, D("230.500"), D("69.150"), D("161.350"))
    # cancel_a (95.500) + cancel_b (150.000 − 45.000)
    assert status["cancelled"] == (2, D("245.500"), D("45.000"), D("200.500"))
    assert amounts(data["totals"] | {}) == (6, D("1508.500"), D("301.950"), D("1206.550"))
    assert amounts(data["cancelled_totals"]) == (2, D("245.500"), D("45.000"), D("200.500"))
    assert amounts(data["active_totals"]) == (4, D("1263.000"), D("256.950"), D("1006.050"))
    for value in data["totals"].values():
        assert not isinstance(value, float)
    assert data["totals"]["net"].as_tuple().exponent == -3


def test_period_report_by_priority_source_and_day(printed_lab):
    lab = printed_lab
    data = reports.period_report_data(lab.base_day, lab.base_day + dt.timedelta(days=3))
    assert by_key(data["by_priority"]) == {
        # cancelled requests add nothing (cancel_a routine 95.500, cancel_b urgent 105.000)
        "routine": (2, D("406.500"), D("69.150"), D("337.350")),
        "urgent": (1, D("626.000"), D("187.800"), D("438.200")),
        "stat": (1, D("230.500"), D("0.000"), D("230.500")),
    }
    assert by_key(data["by_source"]) == {
        "walk_in": (3, D("1032.500"), D("256.950"), D("775.550")),
        "in_patient": (0, D("0.000"), D("0.000"), D("0.000")),
        "emergency": (1, D("230.500"), D("0.000"), D("230.500")),
        "external": (0, D("0.000"), D("0.000"), D("0.000")),
    }
    days = [
        (row["day"], row["count"], row["cancelled"], row["total"], row["discount"], row["net"])
        for row in data["per_day"]
    ]
    d0, d1, d3 = (lab.base_day + dt.timedelta(days=n) for n in (0, 1, 3))
    assert days == [  # the request at 23:00 belongs to day 0; day 2 had none
        (d0, 2, 1, D("856.500"), D("187.800"), D("668.700")),
        (d1, 1, 1, D("176.000"), D("0.000"), D("176.000")),
        (d3, 1, 0, D("230.500"), D("69.150"), D("161.350")),
    ]
    assert data["per_day"][0]["day_text"] == d0.strftime("%d/%m/%Y")
    # every breakdown adds up to the same totals
    # every breakdown adds up to the requests that stand; the status one also has the
    # cancelled row, apart
    assert sum(row["net"] for row in data["by_status"]) == data["totals"]["net"]
    for key in ("by_priority", "by_source", "per_day"):
        for amount in ("count", "total", "discount", "net"):
            assert sum(row[amount] for row in data[key]) == data["active_totals"][amount]
    assert sum(row["cancelled"] for row in data["per_day"]) == 2


def test_period_report_by_branch(printed_lab):
    """PRODUCT: "requests by status, priority and branch"; like priority and source, the
    requests that stand, adding up to the same totals."""
    lab = printed_lab
    period = (lab.base_day, lab.base_day + dt.timedelta(days=3))
    data = reports.period_report_data(*period)
    assert by_key(data["by_branch"]) == {
        lab.main_branch: (1, D("176.000"), D("0.000"), D("176.000")),  # cancel_a left out
        lab.sps: (3, D("1087.000"), D("256.950"), D("830.050")),
    }
    labels = [row["label"] for row in data["by_branch"]]
    assert "San Pedro Sula (SPS)" in labels and len(labels) == 2
    for amount in ("count", "total", "discount", "net"):
        total = sum(row[amount] for row in data["by_branch"])
        assert total == data["active_totals"][amount]
    one = reports.period_report_data(*period, branch_id=lab.sps)
    assert [row["key"] for row in one["by_branch"]] == [lab.sps]
    quiet_day = lab.base_day + dt.timedelta(days=2)  # no requests: each branch shows, at 0
    quiet = reports.period_report_data(quiet_day, quiet_day)["by_branch"]
    assert sorted(by_key(quiet)) == sorted([lab.main_branch, lab.sps])
    assert all(row["count"] == 0 and row["net"] == D("0.000") for row in quiet)


def test_period_report_lists_cancelled_requests_with_reasons(printed_lab):
    lab = printed_lab
    data = reports.period_report_data(lab.base_day, lab.base_day + dt.timedelta(days=3))
    rows = [
        (c["request_number"], c["patient_name"], c["reason"], c["net"]) for c in data["cancelled"]
    ]
    assert rows == [
        (
            lab.req["cancel_a"][1],
            "Juan Carlos Hernández",
            "Solicitud duplicada por error de registro",
            D("95.500"),
        ),
        (
            lab.req["cancel_b"][1],
            "María José Pérez Muñoz",
            "El paciente no se presentó a la toma de muestra y pidió reprogramar para la próxima "
            "semana",
            D("105.000"),
        ),
    ]
    assert data["cancelled"][0]["cancelled_at"] is not None


def test_period_report_filters_by_branch_and_whole_days(printed_lab):
    lab = printed_lab
    data = reports.period_report_data(
        lab.base_day, lab.base_day + dt.timedelta(days=3), branch_id=lab.sps
    )
    assert data["branch"]["code"] == "SPS"
    assert data["branch_text"] == "San Pedro Sula (SPS)"
    assert amounts(data["totals"]) == (4, D("1237.000"), D("301.950"), D("935.050"))
    assert [c["request_number"] for c in data["cancelled"]] == [lab.req["cancel_b"][1]]
    # one single day, inclusive of its last request at 23:00
    day0 = reports.period_report_data(lab.base_day, lab.base_day)
    assert day0["totals"]["count"] == 3
    later = lab.base_day + dt.timedelta(days=5)
    assert reports.period_report_data(later, later)["totals"]["count"] == 1
    empty = reports.period_report_data(
        lab.base_day + dt.timedelta(days=2), lab.base_day + dt.timedelta(days=2)
    )
    assert amounts(empty["totals"]) == (0, D("0.000"), D("0.000"), D("0.000"))
    assert empty["per_day"] == [] and empty["cancelled"] == []


def test_period_report_rejects_bad_ranges_and_unknown_branch(database):
    today = dt.date.today()
    with pytest.raises(ValidationError) as error:
        reports.period_report_data(today, today - dt.timedelta(days=1))
    assert "anterior" in str(error.value)
    with pytest.raises(ValidationError):
        reports.period_report_data(None, today)
    with pytest.raises(ValidationError):
        reports.period_report_data(today - dt.timedelta(days=4000), today)
    with pytest.raises(NotFoundError):
        reports.period_report_data(today, today, branch_id=9999)


def test_period_report_query_count_does_not_grow_with_requests(printed_lab):
    lab = printed_lab
    span = (lab.base_day, lab.base_day + dt.timedelta(days=5))
    with count_queries() as before:
        reports.period_report_data(*span)
    for hour in range(8, 18):
        requests.create(
            requests.RequestDraft(
                patient_id=lab.young,
                doctor_id=lab.doctor,
                investigation_ids=[lab.inv["HEM"]],
                requested_at=lab.at(2, hour),
            ),
            by="t",
        )
    with count_queries() as after:
        data = reports.period_report_data(*span)
    assert data["totals"]["count"] == 17
    # grouped in SQL, one query per breakdown (status, priority, source, branch, day,
    # cancelled), the lab header, and the money (billing.request_charges): the facturas
    # whole in the period with their credit notes, the requests on a factura shared with
    # requests outside it, the net of the exempt requests not invoiced and the look-up of
    # those with a taxed investigation (their ISV): none per exempt request
    assert after.count == before.count <= 11


# --- request summary --------------------------------------------------------------------------
def test_summary_data_comes_from_the_request_with_masked_id(printed_lab):
    lab = printed_lab
    request_id, number = lab.req["full"]
    with session.acting_as(RECEPTION):
        data = reports.request_summary_data(
            request_id, printed_by="recepcion1", printed_at=dt.datetime(2026, 3, 14, 9, 45)
        )
    assert data["request_number"] == number
    assert data["patient"]["name"] == "María José Pérez Muñoz"
    assert data["patient"]["id_number"] == "****-****-12345"
    assert data["patient"]["age"] == 68 and data["patient"]["age_text"] == "68 años"
    assert data["patient"]["gender"] == "Mujer"
    assert data["doctor"] == {
        "id": lab.doctor,
        "name": "Dra. Ana Lucía Castillo",
        "institution": "Hospital del Valle",
    }
    assert data["branch_text"] == "San Pedro Sula (SPS)"
    assert (data["priority_label"], data["source_label"], data["status_label"]) == (
        "Urgente",
        "Ambulatorio",
        "Pendiente",
    )
    assert data["requested_at_text"] == lab.at(0, 8).strftime("%d/%m/%Y 08:00")
    assert data["clinical_info"].startswith("Control anual")
    assert [(line["code"], line["member"]) for line in data["lines"]] == [
        ("PLIP", False),
        ("COL", True),
        ("TRI", True),
        ("HDL", True),
        ("HEM", False),
        ("GLU", False),
        ("EGO", False),
    ]
    panel = data["lines"][0]
    assert (panel["price"], panel["discount"], panel["net_price"]) == (
        D("300.000"),
        D("90.000"),
        D("210.000"),
    )
    assert data["totals"] == {
        "total": D("626.000"),
        "discount": D("187.800"),
        "isv15": D("0"),  # every investigation exento
        "isv18": D("0"),
        "net": D("438.20"),  # as the factura charges it
    }
    assert data["discount_text"] == "por edad 30 %"
    assert (data["discount_kind"], data["discount_percent"]) == ("age", D("30"))
    assert data["cancelled"] is False and data["cancellation_reason"] == ""
    assert data["printed_at_text"] == "14/03/2026 09:45"
    assert data["lab"]["name"] == "Laboratorio Clínico PatoLab"


def test_summary_shows_full_id_only_when_allowed(printed_lab):
    request_id, _number = printed_lab.req["full"]
    assert (
        reports.request_summary_data(request_id, show_full_id=True)["patient"]["id_number"]
        == "0801-1958-12345"
    )
    with session.acting_as(RECEPTION):
        assert reports.request_summary_data(request_id)["patient"]["id_number"] == "****-****-12345"
    with session.acting_as(session.system_actor("cli")):  # holds patients.view_sensitive
        assert reports.request_summary_data(request_id)["patient"]["id_number"] == "0801-1958-12345"


def test_summary_of_cancelled_request_carries_reason(printed_lab):
    request_id, number = printed_lab.req["cancel_b"]
    data = reports.request_summary_data(request_id)
    assert data["cancelled"] is True
    assert data["status_label"] == "Cancelada"
    assert data["cancellation_reason"].startswith("El paciente no se presentó")
    assert data["cancelled_at_text"]


def test_summary_of_unknown_request_is_not_found(database):
    with pytest.raises(NotFoundError):
        reports.request_summary_data(424242)


# --- labels -----------------------------------------------------------------------------------
def test_one_label_per_sample_type_by_default(printed_lab):
    request_id, number = printed_lab.req["full"]
    labels = reports.label_data(request_id)
    assert [(label["sample_type"], label["codes"]) for label in labels] == [
        ("Orina", ["EGO"]),
        ("Sangre total (EDTA)", ["HEM"]),
        ("Suero", ["COL", "TRI", "HDL", "GLU"]),  # the panel is labelled through its members
    ]
    first = labels[0]
    assert first["request_number"] == number
    assert first["patient_name"] == "María José Pérez Muñoz"
    assert first["age_sex"] == "68 a · Mujer"
    assert first["date"] == printed_lab.base_day.strftime("%d/%m/%Y")
    single = reports.label_data(request_id, per_sample_type=False)
    assert len(single) == 1
    assert single[0]["sample_type"] == "Orina, Sangre total (EDTA), Suero"


def test_labels_of_a_single_sample_request(printed_lab):
    labels = reports.label_data(printed_lab.req["young"][0])
    assert [(label["sample_type"], label["codes"]) for label in labels] == [
        ("Sangre total (EDTA)", ["HEM"]),
        ("Suero", ["GLU"]),
    ]
    assert labels[0]["age_sex"] == "36 a · Hombre"


# --- lab header and print settings ------------------------------------------------------------
def test_print_settings_defaults(database):
    assert reports.label_settings() == {"width_mm": 50, "height_mm": 25, "copies": 1}
    assert reports.paper_size() == "A4"
    assert settings.get("lab_logo_path") == ""


def test_save_print_setup_validates_every_field(database, tmp_path):
    not_image = tmp_path / "logo.txt"
    not_image.write_text("x")
    with pytest.raises(ValidationError) as error:
        reports.save_print_setup(
            {
                "lab_name": "  ",
                "lab_rtn": "0801-1990",
                "lab_email": "no-es-correo",
                "lab_logo_path": str(not_image),
                "label_width_mm": 5,
                "label_height_mm": "x",
                "label_copies": 0,
                "paper_size": "A3",
            }
        )
    assert set(error.value.fields) == {
        "lab_name",
        "lab_rtn",
        "lab_email",
        "lab_logo_path",
        "label_width_mm",
        "label_height_mm",
        "label_copies",
        "paper_size",
    }
    assert reports.label_settings()["width_mm"] == 50  # nothing saved
    with pytest.raises(ValidationError) as error:
        reports.save_lab_header({"lab_name": "Lab", "lab_logo_path": str(tmp_path / "no.png")})
    assert "logotipo" in error.value.fields["lab_logo_path"]


def test_save_print_setup_stores_and_audits(database, tmp_path):
    logo = tmp_path / "logo.png"
    logo.write_bytes(b"\x89PNG\r\n\x1a\n")  # existence and extension are what is checked
    reports.save_print_setup(
        {
            "lab_name": "Laboratorio Santa Fe",
            "lab_address": "Col. Palmira",
            "lab_rtn": "08019012345678",
            "lab_phone": "2232-0000",
            "lab_email": "lab@santafe.hn",
            "lab_logo_path": str(logo),
            "label_width_mm": 60,
            "label_height_mm": 30,
            "label_copies": 2,
            "paper_size": "Letter",
        }
    )
    header = reports.lab_header()
    assert header["name"] == "Laboratorio Santa Fe" and header["logo_path"] == str(logo)
    assert reports.label_settings() == {"width_mm": 60, "height_mm": 30, "copies": 2}
    assert reports.paper_size() == "Letter"
    row = AuditLog.select().where(AuditLog.action == "settings_change").get()
    assert "label_width_mm" in row.changes and "lab_name" in row.changes
    logo.unlink()  # a logo that disappeared is not printed, and is reported as missing
    assert reports.lab_header()["logo_path"] == ""
    assert reports.lab_header()["logo_missing"] is True


def test_record_print_writes_an_audit_row(printed_lab):
    request_id, number = printed_lab.req["full"]
    with session.acting_as(session.system_actor("cli")):
        reports.record_print("lab_request", request_id, f"Resumen {number} impreso")
    row = AuditLog.select().where(AuditLog.action == "print").get()
    assert (row.entity, row.entity_id, row.username) == ("lab_request", request_id, "cli")
    assert number in row.detail


def test_no_tube_labels_for_a_cancelled_request(printed_lab):
    from patolab_desktop.services.errors import RuleError

    request_id, number = printed_lab.req["cancel_b"]
    with pytest.raises(RuleError) as error:
        reports.label_data(request_id)
    assert number in str(error.value) and "cancelada" in str(error.value)
