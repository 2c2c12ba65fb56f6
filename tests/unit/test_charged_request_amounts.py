"""A request its valid factura charges keeps its amounts: an investigation added after
the factura was never billed (the request cannot be charged twice), and a discount
changed after it made the request say another amount than the factura. Both are refused
with the factura's number, for each role that may try; voided, the factura frees them."""

from __future__ import annotations

from decimal import Decimal

import pytest

from patolab_desktop.db.models import LabRequest
from patolab_desktop.db.models_billing import FiscalDocument
from patolab_desktop.services import requests
from patolab_desktop.services.access import permissions, session
from patolab_desktop.services.billing import records
from patolab_desktop.services.errors import RuleError
from tests.security_helpers import fast_hashing, login_as  # noqa: F401 (a fixture)
from tests.unit.billing_helpers import billing_lab  # noqa: F401
from tests.unit.requests_fixtures import lab  # noqa: F401

pytestmark = pytest.mark.usefixtures("fast_hashing")


def _charged(b) -> tuple[int, str]:
    request_id = b.request(b.lab.hem, b.lab.glu)
    number = FiscalDocument.get_by_id(b.invoice(request_id)).number
    return request_id, number


@pytest.mark.parametrize("role", [permissions.ROLE_RECEPTION, permissions.ROLE_SUPERVISOR])
def test_no_investigation_is_added_to_a_charged_request(billing_lab, role):
    request_id, number = _charged(billing_lab)
    before = LabRequest.get_by_id(request_id).net_amount
    with session.acting_as(None):
        login_as(role)
        with pytest.raises(RuleError, match=f"ya está en la factura {number}"):
            requests.add_investigation(request_id, billing_lab.lab.ure, by="t")
    assert LabRequest.get_by_id(request_id).net_amount == before
    assert len(requests.get(request_id).lines) == 2


def test_no_discount_changes_on_a_charged_request(billing_lab):
    request_id, number = _charged(billing_lab)
    with session.acting_as(None):
        login_as(permissions.ROLE_SUPERVISOR)
        with pytest.raises(RuleError, match=f"ya está en la factura {number}"):
            requests.set_manual_discount(request_id, "15", "Paciente frecuente", by="t")
    assert LabRequest.get_by_id(request_id).net_amount == Decimal("230.000")


def test_no_other_patient_on_a_charged_request(billing_lab):
    """Another patient brings another age discount: the request said another net than its
    factura (245.50 → 147.30 for an 80-year-old)."""
    from tests.unit.requests_fixtures import make_customer

    request_id, number = _charged(billing_lab)
    elder = make_customer("Rosa Elvira Mejía", date_of_birth=None, age=80)
    with session.acting_as(None):
        login_as(permissions.ROLE_RECEPTION)
        with pytest.raises(RuleError, match=f"ya está en la factura {number}"):
            requests.update(request_id, requests.RequestChanges(patient_id=elder), by="t")
        requests.update(request_id, requests.RequestChanges(notes="Ayuno de 8 horas"), by="t")
    saved = LabRequest.get_by_id(request_id)
    assert (saved.net_amount, saved.notes) == (Decimal("230.000"), "Ayuno de 8 horas")


def test_a_voided_factura_lets_the_request_change_again(billing_lab):
    request_id, _number = _charged(billing_lab)
    document = FiscalDocument.get(FiscalDocument.number.is_null(False))
    records.void(document.id, "Error en la factura, se emite otra")
    requests.add_investigation(request_id, billing_lab.lab.ure, by="t")
    assert LabRequest.get_by_id(request_id).net_amount == Decimal("325.500")
