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
