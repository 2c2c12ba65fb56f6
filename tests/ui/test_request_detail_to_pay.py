"""The request detail's «Neto a pagar» is what the factura charges, as each role that
opens the detail sees it (Recepción, Laboratorio, Supervisor): a taxed investigation's ISV
is in it and said under it (before, the detail said the net before ISV, and the cashier
charged more); an exempt request says «Neto a pagar» alone."""

from __future__ import annotations

import pytest

from patolab_desktop.db.models import Investigation
from patolab_desktop.services.access import permissions
from patolab_desktop.ui.requests.request_detail import RequestDetailDialog
from tests.security_helpers import login_as

from .requests_helpers import acting, desk, make_request  # noqa: F401

pytestmark = pytest.mark.usefixtures("fast_hashing")

ROLES = [permissions.ROLE_RECEPTION, permissions.ROLE_LAB, permissions.ROLE_SUPERVISOR]


@pytest.mark.parametrize("role", ROLES)
def test_a_taxed_investigation_s_isv_is_in_the_net(qtbot, desk, role):  # noqa: F811
    taxed = desk["catalog"]["GLU"]
    Investigation.update(tax_class="gravado15").where(Investigation.id == taxed).execute()
    request_id, _number = make_request(desk["young"], desk["doctor"], [taxed])
    price = Investigation.get_by_id(taxed).price
    login_as(role)
    detail = RequestDetailDialog(request_id)
    qtbot.addWidget(detail)
    isv = (price * 15 / 100).quantize(price.__class__("0.01"))
    assert detail.totals.net_label.text() == f"L {price + isv:,.2f}"
    assert f"incluye ISV L {isv:,.2f}" in detail.totals.net_caption.text()


@pytest.mark.parametrize("role", ROLES)
def test_an_exempt_request_says_neto_a_pagar_alone(qtbot, desk, role):  # noqa: F811
    request_id, _number = make_request(desk["young"], desk["doctor"], [desk["catalog"]["HEM"]])
    login_as(role)
    detail = RequestDetailDialog(request_id)
    qtbot.addWidget(detail)
    assert detail.totals.net_caption.text() == "Neto a pagar"
    assert detail.totals.net_label.text() == detail.totals.total_label.text()
