"""«Neto a pagar» is what the factura charges wherever the desk reads it: the request
detail, as each role that opens it (Recepción, Laboratorio, Supervisor); the entry and the
«Agregar investigación» dialog, as Recepción. A taxed investigation's ISV is in it and said
under it (before, they said the net before ISV, and the cashier charged more); an exempt
request says «Neto a pagar» alone."""

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


def _taxed_glucose(desk) -> tuple[int, str, str]:  # noqa: F811
    """GLU (L 80.00) made gravado 15 %: its id, the net to pay and the ISV as shown."""
    taxed = desk["catalog"]["GLU"]
    Investigation.update(tax_class="gravado15").where(Investigation.id == taxed).execute()
    return taxed, "L 92.00", "L 12.00"


def test_the_entry_shows_the_isv_before_saving(qtbot, desk):  # noqa: F811
    from patolab_desktop.ui.requests.request_entry import RequestEntry
    from tests.ui.desk_helpers import type_and_enter

    _taxed, to_pay, isv = _taxed_glucose(desk)
    login_as(permissions.ROLE_RECEPTION)
    entry = RequestEntry()
    qtbot.addWidget(entry)
    entry.show()
    type_and_enter(qtbot, entry.investigation_edit, "GLU")
    assert entry.totals.net_label.text() == to_pay
    assert f"incluye ISV {isv}" in entry.totals.net_caption.text()
    type_and_enter(qtbot, entry.investigation_edit, "HEM")  # exento, L 250.00
    assert entry.totals.net_label.text() == "L 342.00"


def test_adding_a_taxed_investigation_shows_its_isv(qtbot, desk):  # noqa: F811
    from patolab_desktop.services import requests as requests_service
    from patolab_desktop.ui.requests.add_investigation_dialog import AddInvestigationDialog

    taxed, _to_pay, _isv = _taxed_glucose(desk)
    request_id, _number = make_request(desk["young"], desk["doctor"], [desk["catalog"]["HEM"]])
    login_as(permissions.ROLE_RECEPTION)
    requests_service.add_investigation(request_id, taxed, by="recepcion")
    dialog = AddInvestigationDialog(request_id)
    qtbot.addWidget(dialog)
    assert dialog.totals.net_label.text() == "L 342.00"
    assert "incluye ISV L 12.00" in dialog.totals.net_caption.text()
