"""Pricing: catalog snapshot, panels, age and manual discounts, Decimal totals."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from patolab_desktop.db.models import Investigation, LabRequest, RequestLine
from patolab_desktop.services import requests, settings
from patolab_desktop.services.errors import ValidationError
from patolab_desktop.services.requests import pricing as request_pricing
from patolab_desktop.util.money import shown_amount
from tests.unit.requests_fixtures import lab, make_customer, make_investigation  # noqa: F401

DAY = dt.datetime(2025, 3, 10, 9, 30)  # the request date used for age tests


_REQUEST_DAY = DAY.date()


def _born_years_before(years: int, day: dt.date = _REQUEST_DAY, shift_days: int = 0) -> dt.date:
    return day.replace(year=day.year - years) + dt.timedelta(days=shift_days)


def test_line_price_is_copied_and_never_follows_catalog_changes(lab):
    request_id, _ = lab.create(lab.hem, lab.glu)
    Investigation.update(price=Decimal("999.990")).where(Investigation.id == lab.hem).execute()
    try:  # through the catalog service too, when it is there
        from patolab_desktop.services import catalog

        catalog.set_price(lab.glu, Decimal("555"), changed_by="admin")
    except (ImportError, AttributeError):
        Investigation.update(price=Decimal("555")).where(Investigation.id == lab.glu).execute()
    detail = requests.get(request_id)
    prices = {line["code"]: line["price"] for line in detail.lines}
    assert prices == {"HEM": Decimal("150.000"), "GLU": Decimal("80.000")}
    assert detail.total_amount == Decimal("230.000")
    # An unrelated change (adding a line) recalculates with the OLD prices kept.
    requests.add_investigation(request_id, lab.ure)
    detail = requests.get(request_id)
    prices = {line["code"]: line["price"] for line in detail.lines}
    assert prices["HEM"] == Decimal("150.000") and prices["GLU"] == Decimal("80.000")
    assert detail.total_amount == Decimal("325.500")


def test_panel_line_has_the_panel_price_and_members_come_at_zero(lab):
    pricing = requests.preview(lab.draft(lab.lipid))
    assert [(ln.code, ln.price, ln.parent_investigation_id) for ln in pricing.lines] == [
        ("PLIP", Decimal("300.000"), None),
        ("COL", Decimal("0.000"), lab.lipid),
        ("TRI", Decimal("0.000"), lab.lipid),
        ("HDL", Decimal("0.000"), lab.lipid),
    ]
    assert pricing.lines[0].is_panel
    request_id, _ = lab.create(lab.lipid)
    lines = list(
        RequestLine.select().where(RequestLine.lab_request == request_id).order_by(RequestLine.id)
    )
    panel = next(line for line in lines if line.investigation_id == lab.lipid)
    members = [line for line in lines if line.id != panel.id]
    assert {m.investigation_id for m in members} == {lab.col, lab.tri, lab.hdl}
    assert all(m.parent_line_id == panel.id and m.price == 0 for m in members)
    assert LabRequest.get_by_id(request_id).total_amount == Decimal("300.000")


def test_an_investigation_is_never_added_twice(lab):
    pricing = requests.preview(lab.draft(lab.hem, lab.hem, lab.lipid, lab.col))
    codes = [line.code for line in pricing.lines]
    assert codes.count("HEM") == 1 and codes.count("COL") == 1
    assert pricing.total == Decimal("450.000")
    assert len(pricing.warnings) == 2
    request_id, _ = lab.create(lab.hem, lab.hem, lab.lipid, lab.col)
    assert RequestLine.select().where(RequestLine.lab_request == request_id).count() == 5


def test_a_direct_line_moves_under_a_panel_that_includes_it(lab):
    # Colesterol picked first, then the lipid panel that contains it: charged once.
    pricing = requests.preview(lab.draft(lab.col, lab.hem, lab.lipid))
    assert [(ln.code, ln.price, ln.parent_investigation_id) for ln in pricing.lines] == [
        ("HEM", Decimal("150.000"), None),
        ("PLIP", Decimal("300.000"), None),
        ("COL", Decimal("0.000"), lab.lipid),
        ("TRI", Decimal("0.000"), lab.lipid),
        ("HDL", Decimal("0.000"), lab.lipid),
    ]
    assert pricing.total == Decimal("450.000")


def _age_request(lab, **patient):
    patient_id = make_customer("Paciente Edad", **patient)
    return requests.preview(lab.draft(lab.hem, lab.ure, patient_id=patient_id, requested_at=DAY))


@pytest.mark.parametrize(
    ("years", "shift", "age", "percent"),
    [
        (60, 1, 59, "0"),  # 59 on the request date, turns 60 the day after
        (59, 0, 59, "0"),
        (60, 0, 60, "30"),  # 60th birthday on the request date
        (79, 0, 79, "30"),
        (80, 1, 79, "30"),  # turns 80 the day after
        (80, 0, 80, "40"),
        (91, 0, 91, "40"),
    ],
)
def test_age_discount_by_date_of_birth_on_the_request_date(lab, years, shift, age, percent):
    pricing = _age_request(lab, date_of_birth=_born_years_before(years, shift_days=shift))
    assert pricing.patient_age == age
    assert pricing.discount_percent == Decimal(percent)
    assert pricing.discount_kind == ("age" if percent != "0" else "")
    expected = (Decimal("245.500") * Decimal(percent) / 100).quantize(Decimal("0.01"))
    assert pricing.discount == expected


@pytest.mark.parametrize(
    ("declared", "age", "percent"), [(58, 59, "0"), (59, 60, "30"), (78, 79, "30"), (79, 80, "40")]
)
def test_age_discount_from_a_declared_age_counts_the_years_since(lab, declared, age, percent):
    # Declared exactly one year before the request date.
    pricing = _age_request(
        lab, date_of_birth=None, age=declared, age_recorded_on=DAY.date().replace(year=DAY.year - 1)
    )
    assert (pricing.patient_age, pricing.discount_percent) == (age, Decimal(percent))


def test_age_is_taken_on_the_request_date_not_today(lab):
    # 59 on the request date, older than 60 today: no discount on that request.
    patient = make_customer("Don Ramón", date_of_birth=_born_years_before(59, shift_days=-10))
    request_id, _ = lab.create(lab.hem, patient_id=patient, requested_at=DAY)
    detail = requests.get(request_id)
    assert detail.patient_age == 59 and detail.discount_amount == 0
    assert (
        request_pricing.age_on(_born_years_before(59, shift_days=-10), None, None, dt.date.today())
        >= 60
    )


def test_saved_request_keeps_the_age_discount(lab):
    patient = make_customer("Doña Marta", date_of_birth=_born_years_before(81))
    request_id, _ = lab.create(lab.hem, lab.glu, patient_id=patient, requested_at=DAY)
    detail = requests.get(request_id)
    assert (detail.discount_kind, detail.discount_percent) == ("age", Decimal("40.000"))
    assert (detail.total_amount, detail.discount_amount, detail.net_amount) == (
        Decimal("230.000"),
        Decimal("92.000"),
        Decimal("138.000"),
    )
    assert [line["discount"] for line in detail.lines] == [Decimal("60.000"), Decimal("32.000")]


def test_thresholds_and_percentages_come_from_settings(lab):
    settings.put("senior_age", 65)
    settings.put("senior_discount", "25")
    settings.put("elder_age", 85)
    settings.put("elder_discount", "50")
    assert _age_request(lab, date_of_birth=_born_years_before(64)).discount_percent == 0
    assert _age_request(lab, date_of_birth=_born_years_before(65)).discount_percent == 25
    assert _age_request(lab, date_of_birth=_born_years_before(85)).discount_percent == 50


def test_institutions_get_no_age_discount(lab):
    pricing = _age_request(
        lab, type="empresa", date_of_birth=None, age=90, age_recorded_on=DAY.date()
    )
    assert (pricing.discount_kind, pricing.discount) == ("", Decimal("0.000"))


def test_manual_discount_needs_a_reason(lab):
    with pytest.raises(ValidationError) as info:
        requests.create(lab.draft(manual_discount_percent=Decimal("10"), discount_reason="   "))
    assert info.value.fields == {"discount_reason": "Escriba el motivo del descuento manual."}


@pytest.mark.parametrize("percent", ["0", "-5", "100.01", "abc"])
def test_manual_discount_must_be_a_sensible_percentage(lab, percent):
    with pytest.raises(ValidationError) as info:
        requests.create(lab.draft(manual_discount_percent=percent, discount_reason="Cortesía"))
    assert "manual_discount_percent" in info.value.fields


def test_manual_discount_replaces_the_age_discount_when_larger(lab):
    senior = make_customer("Don Luis", date_of_birth=_born_years_before(65))

    def with_agreement(percent: str):
        return requests.preview(
            lab.draft(
                lab.hem,
                patient_id=senior,
                requested_at=DAY,
                manual_discount_percent=Decimal(percent),
                discount_reason="Convenio",
            )
        )

    larger = with_agreement("50")
    assert (larger.discount_kind, larger.discount_percent, larger.discount) == (
        "manual",
        Decimal("50"),
        Decimal("75.000"),
    )
    smaller = with_agreement("10")
    assert (smaller.discount_kind, smaller.discount_percent) == ("age", Decimal("30"))


def test_manual_discount_is_saved_with_its_reason(lab):
    request_id, _ = lab.create(
        lab.hem, manual_discount_percent=Decimal("15"), discount_reason="Cortesía médica"
    )
    detail = requests.get(request_id)
    assert (detail.discount_kind, detail.discount_reason) == ("manual", "Cortesía médica")
    assert detail.net_amount == Decimal("127.500")


def test_line_discount_rounds_half_up_to_the_cent(lab):
    odd = make_investigation("ODD", "Prueba de redondeo", "0.005")
    thirds = make_investigation("TER", "Tercios", "33.333")
    pricing = requests.preview(
        lab.draft(odd, thirds, manual_discount_percent=Decimal("50"), discount_reason="Prueba")
    )
    # 0.005 × 50 % = 0.0025 → 0.00, 33.333 × 50 % = 16.6665 → 16.67
    assert [line.discount for line in pricing.lines] == [Decimal("0.00"), Decimal("16.67")]
    assert request_pricing.line_discount(Decimal("95.50"), Decimal("15")) == Decimal("14.33")
    assert request_pricing.line_discount(Decimal("95.55"), Decimal("30")) == Decimal("28.67")
    assert request_pricing.line_discount(Decimal("10.001"), Decimal("30")) == Decimal("3.00")


def test_totals_are_sums_of_the_lines_in_decimal(lab):
    a = make_investigation("A1", "Uno", "0.1")
    b = make_investigation("B2", "Dos", "0.2")
    c = make_investigation("C3", "Tres", "33.333")
    pricing = requests.preview(
        lab.draft(a, b, c, manual_discount_percent=Decimal("33.3"), discount_reason="Prueba")
    )
    # each price to the cent, as the factura charges it (the lines keep their 3 places)
    assert [ln.price for ln in pricing.lines] == [Decimal("0.1"), Decimal("0.2"), Decimal("33.333")]
    assert pricing.total == sum(shown_amount(ln.price) for ln in pricing.lines) == Decimal("33.63")
    assert pricing.discount == sum(ln.discount for ln in pricing.lines)
    assert pricing.net == pricing.total - pricing.discount
    assert all(isinstance(v, Decimal) for v in (pricing.total, pricing.discount, pricing.net))
    assert all(ln.net_price == ln.price - ln.discount for ln in pricing.lines)


def test_age_helper():
    on = dt.date(2026, 2, 28)
    assert request_pricing.age_on(dt.date(1966, 2, 28), None, None, on) == 60
    assert request_pricing.age_on(dt.date(1966, 3, 1), None, None, on) == 59
    assert request_pricing.age_on(None, 40, dt.date(2020, 3, 1), on) == 45
    assert request_pricing.age_on(None, 40, None, on) == 40
    assert request_pricing.age_on(None, None, None, on) is None
