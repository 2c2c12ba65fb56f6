"""What the request says the patient pays (its net: the summary, the detail, the WhatsApp
message) is what its factura charges, when a discount lands on half a centavo: the line
discount is rounded to the cent as the factura rounds it (it was kept to 3 places, and
the request said L 81.18 where the factura charged L 81.17)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from patolab_desktop.db.models import LabRequest
from patolab_desktop.db.models_billing import FiscalDocument
from patolab_desktop.services import requests
from patolab_desktop.services.access import permissions, session
from patolab_desktop.services.billing.invoices import to_pay
from patolab_desktop.util.money import format_lempiras
from tests.security_helpers import fast_hashing, login_as  # noqa: F401 (a fixture)
from tests.unit.billing_helpers import billing_lab  # noqa: F401
from tests.unit.requests_fixtures import lab, make_customer, make_investigation  # noqa: F401

pytestmark = pytest.mark.usefixtures("fast_hashing")


def _net_and_total(b, request_id: int) -> tuple[str, str]:
    net = LabRequest.get_by_id(request_id).net_amount
    total = FiscalDocument.get_by_id(b.invoice(request_id)).total
    return format_lempiras(net), format_lempiras(total)


def test_a_manual_discount_on_half_a_centavo(billing_lab):
    b = billing_lab
    request_id = b.request(b.lab.ure)  # L 95.50
    with session.acting_as(None):
        login_as(permissions.ROLE_SUPERVISOR)
        requests.set_manual_discount(request_id, "15", "Paciente frecuente", by="t")
    assert _net_and_total(b, request_id) == ("L 81.17", "L 81.17")


def test_the_age_discount_on_half_a_centavo(billing_lab):
    b = billing_lab
    senior = make_customer("Rosa Elvira Mejía", date_of_birth=dt.date.today().replace(year=1950))
    price = make_investigation("CRE", "Creatinina", "95.55")
    with session.acting_as(None):
        login_as(permissions.ROLE_RECEPTION)
        request_id = b.request(price, patient_id=senior)
    line = requests.get(request_id).lines[0]
    assert (line["discount"], line["net_price"]) == (Decimal("28.670"), Decimal("66.880"))
    assert _net_and_total(b, request_id) == ("L 66.88", "L 66.88")


def _stored(request_id: int) -> tuple[str, str, str]:
    request = LabRequest.get_by_id(request_id)
    amounts = (request.total_amount, request.discount_amount, request.net_amount)
    return tuple(format_lempiras(x) for x in amounts)  # type: ignore[return-value]


def _charged(request_id: int) -> tuple[str, str, str]:
    charged = to_pay(request_id)
    return tuple(  # type: ignore[return-value]
        format_lempiras(x) for x in (charged.subtotal, charged.discounts, charged.total)
    )


def test_a_price_with_a_third_decimal_is_stored_as_the_factura_charges_it(lab):  # noqa: F811
    """Three lines at L 10.005: the requests list and the period report read the stored net
    (L 30.02, summed to 3 places: 30.015) where the entry, the summary and the factura say
    L 30.03 (each price to the cent). Stored now as the factura charges it, after every
    change; the lines keep the catalog's price."""
    ids = [make_investigation(code, f"Prueba {code}", "10.005") for code in ("AAA", "BBB", "CCC")]
    senior = make_customer("Rosa Elvira Mejía", date_of_birth=dt.date.today().replace(year=1950))
    with session.acting_as(None):
        login_as(permissions.ROLE_RECEPTION)
        request_id, _number = lab.create(*ids[:2])
        assert _stored(request_id) == _charged(request_id) == ("L 20.02", "L 0.00", "L 20.02")
        requests.add_investigation(request_id, ids[2], by="recepcion")
        assert _stored(request_id) == _charged(request_id) == ("L 30.03", "L 0.00", "L 30.03")
        assert LabRequest.get_by_id(request_id).net_amount == Decimal("30.03")
        assert {line["price"] for line in requests.get(request_id).lines} == {Decimal("10.005")}
        requests.remove_investigation(request_id, ids[0], by="recepcion")
        assert _stored(request_id) == ("L 20.02", "L 0.00", "L 20.02")
        # the age discount (30 %) of a new request: 3.00 a line, 10.01 − 3.00 charged
        older, _number = lab.create(*ids, patient_id=senior)
        assert _stored(older) == _charged(older) == ("L 30.03", "L 9.00", "L 21.03")
    with session.acting_as(None):
        login_as(permissions.ROLE_SUPERVISOR)
        requests.set_manual_discount(request_id, "50", "Paciente frecuente", by="t")
        assert _stored(request_id) == _charged(request_id) == ("L 20.02", "L 10.00", "L 10.02")
