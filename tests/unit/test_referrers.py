"""Referrers service: validation, phone/email, duplicates, soft delete, search, paging."""

from __future__ import annotations

import csv

import pytest

from patolab_desktop.db.models import Referrer
from patolab_desktop.services.catalog import referrers
from patolab_desktop.services.errors import ValidationError
from patolab_desktop.services.paging import PageRequest
from tests.paging_helpers import every_page, one_page
from tests.two_desks import stale_save
from tests.unit.catalog_helpers import make_referrer, make_request, type_id


def data(**fields) -> referrers.ReferrerData:
    fields.setdefault("type_id", type_id())
    return referrers.ReferrerData(**fields)


def test_name_is_required(database):
    errors = referrers.validate(data(name="   "))
    assert "nombre" in errors["name"].lower()
    with pytest.raises(ValidationError) as caught:
        referrers.create(data(name=""))
    assert "name" in caught.value.fields
    assert Referrer.select().count() == 0


def test_type_is_required_and_must_exist(database):
    assert "type_id" in referrers.validate(referrers.ReferrerData(name="Dr. Juan Reyes"))
    assert "type_id" in referrers.validate(data(name="Dr. Juan Reyes", type_id=99999))
    assert referrers.validate(data(name="Dr. Juan Reyes")) == {}


def test_phone_is_stored_in_e164_and_shown_formatted(database):
    referrer_id = make_referrer("Dra. Ana Flores", phone="9988-7766")
    assert referrers.get(referrer_id).phone == "+50499887766"
    row = referrers.search("flores")[0]
    assert row["phone"] == "+504 9988-7766"


def test_bad_phone_is_refused_and_empty_phone_allowed(database):
    assert "phone" in referrers.validate(data(name="Dr. X", phone="12"))
    assert "phone" not in referrers.validate(data(name="Dr. X", phone=""))


def test_email_is_validated_without_deliverability(database):
    assert "email" in referrers.validate(data(name="Dr. X", email="no-es-correo"))
    assert "email" in referrers.validate(data(name="Dr. X", email="a@b"))
    referrer_id = make_referrer("Dr. X", email="Consultorio.Reyes@Correo.HN")
    assert referrers.get(referrer_id).email == "consultorio.reyes@correo.hn"


def test_get_returns_everything_saved(database):
    referrer_id = make_referrer(
        "Hospital Escuela",
        type_name="Hospital",
        institution="Hospital Escuela",
        phone="2232-2322",
        address="Bulevar Suyapa, Tegucigalpa",
        notes="Laboratorio central",
    )
    got = referrers.get(referrer_id)
    assert (got.name, got.type_name, got.institution, got.address, got.notes, got.active) == (
        "Hospital Escuela",
        "Hospital",
        "Hospital Escuela",
        "Bulevar Suyapa, Tegucigalpa",
        "Laboratorio central",
        True,
    )


def test_update_refuses_a_stale_version(database):
    referrer_id = make_referrer("Dr. Luis Paz")
    first, second = {"institution": "Pediatría"}, {"institution": "Cardiología"}
    stale_save(referrers.get, referrers.update, referrer_id, first, second)
    assert referrers.get(referrer_id).institution == "Pediatría"


def test_deactivated_referrer_hidden_from_pickers_but_kept(database):
    referrer_id = make_referrer("Dr. Mario Zelaya")
    referrers.deactivate(referrer_id)
    assert referrers.search("zelaya") == []
    assert all(r["id"] != referrer_id for r in referrers.list_active())
    assert referrers.get(referrer_id).active is False  # still readable for history
    listed = referrers.page(referrers.ReferrerFilter(include_inactive=True), PageRequest()).rows
    assert [r["id"] for r in listed] == [referrer_id]
    referrers.reactivate(referrer_id)
    assert [r["id"] for r in referrers.search("zelaya")] == [referrer_id]


def test_duplicate_same_folded_name_and_institution(database):
    existing = make_referrer("Dr. José Pérez", institution="Clínica Médica San Jorge")
    found = referrers.find_duplicates(
        data(name="dr. jose  perez", institution="CLINICA medica san jorge")
    )
    assert [r["id"] for r in found] == [existing]
    assert "institución" in found[0]["reason"]


def test_duplicate_same_folded_name_and_phone(database):
    existing = make_referrer("Dra. Iris Núñez", institution="Hospital del Valle", phone="9876-5432")
    found = referrers.find_duplicates(
        data(name="DRA. IRIS NUNEZ", institution="Otra clínica", phone="+504 98765432")
    )
    assert [r["id"] for r in found] == [existing]
    assert "teléfono" in found[0]["reason"]


def test_not_a_duplicate_when_only_name_matches_or_only_phone(database):
    make_referrer("Dr. Óscar Rivera", institution="Urología", phone="9876-5432")
    assert (
        referrers.find_duplicates(
            data(name="Dr. Oscar Rivera", institution="Pediatría", phone="3322-1100")
        )
        == []
    )
    assert (
        referrers.find_duplicates(
            data(name="Dr. Otro Nombre", institution="Urología", phone="9876-5432")
        )
        == []
    )


def test_duplicates_ignore_the_referrer_being_edited(database):
    referrer_id = make_referrer("Dr. Ramón Sosa", institution="Medicina Interna")
    assert referrers.find_duplicates(referrers.get(referrer_id)) == []


def test_request_count_and_edit_notice(database):
    referrer_id = make_referrer("Dr. Denis Murillo")
    other = make_referrer("Dr. Otro")
    assert referrers.request_count(referrer_id) == 0
    assert referrers.edit_notice(referrer_id) == ""
    make_request(referrer_id, "LAB-2026-000001")
    assert "1 solicitud" in referrers.edit_notice(referrer_id)
    make_request(referrer_id, "LAB-2026-000002")
    make_request(other, "LAB-2026-000003")
    assert referrers.request_count(referrer_id) == 2
    assert "2 solicitudes" in referrers.edit_notice(referrer_id)


def test_search_is_folded_and_accent_insensitive(database):
    perez = make_referrer("Dr. José Pérez", institution="Ginecología")
    munoz = make_referrer("Dra. Carmen Muñoz", institution="Pediatría", phone="9988-7766")
    make_referrer("Hospital Escuela", type_name="Hospital")
    assert [r["id"] for r in referrers.search("perez")] == [perez]
    assert [r["id"] for r in referrers.search("MUNOZ")] == [munoz]
    assert [r["id"] for r in referrers.search("ginecologia jose")] == [perez]
    assert [r["id"] for r in referrers.search("9988-77")] == [munoz]
    assert referrers.search("nadie") == []


def test_filter_by_type(database):
    make_referrer("Dr. A")
    hospital = make_referrer("Hospital B", type_name="Hospital")
    rows = referrers.page(referrers.ReferrerFilter(type_id=type_id("Hospital")), PageRequest()).rows
    assert [r["id"] for r in rows] == [hospital]
    assert rows[0]["type"] == "Hospital"
    assert referrers.count(referrers.ReferrerFilter(type_id=type_id("Hospital"))) == 1


@pytest.mark.parametrize("sort", sorted(referrers.SORTS))
@pytest.mark.parametrize("descending", [False, True])
def test_keyset_pages_cover_every_row_once_in_order(database, sort, descending):
    names = [
        f"Dr. {first} {last}"
        for first in ("Ana", "Luis", "Óscar", "Zoila")
        for last in ("Paz", "Cruz", "Ávila", "Reyes", "Bonilla")
    ]
    types = ["Doctor", "Hospital", "Otro"]
    for number, name in enumerate(names):
        make_referrer(
            name,
            type_name=types[number % 3],
            institution=f"Inst {number % 4}",
            phone=f"9988-{7700 + number}",
            email=f"m{number:02d}@correo.hn",
        )
    Referrer.update(active=False).where(Referrer.name == names[3]).execute()
    filters = referrers.ReferrerFilter(include_inactive=True)
    seen = every_page(referrers.page, filters, sort, descending, limit=6)
    assert sorted(r["id"] for r in seen) == sorted(r.id for r in Referrer.select())
    full = one_page(referrers.page, filters, sort, descending)
    assert [r["id"] for r in seen] == [r["id"] for r in full]
    key = {
        "name": "name_folded",
        "type": "type_sort",
        "institution": "institution_sort",
        "phone": "phone_raw",
        "email": "email",
        "created_at": "created_at",
        "active": "active",
    }[sort]
    values = [r[key] for r in seen]
    assert values == sorted(values, reverse=descending)


def test_export_writes_bom_header_and_neutralises_formulas(database, tmp_path):
    make_referrer('=HYPERLINK("x")', institution="Pediatría", phone="9988-7766")
    make_referrer("Dra. Lourdes Fúnez", institution="Ginecología")
    path = tmp_path / "remitentes.csv"
    written = referrers.export_referrers(referrers.ReferrerFilter(), path)
    assert written == 2
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(raw.decode("utf-8-sig").splitlines()))
    assert rows[0] == referrers.EXPORT_COLUMNS
    names = [r[0] for r in rows[1:]]
    assert "Dra. Lourdes Fúnez" in names
    assert '\'=HYPERLINK("x")' in names
