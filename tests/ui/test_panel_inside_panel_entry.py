"""A panel inside a panel, ordered with it, is not charged twice (seed 004 rule 3 and
``pricing.holder``): with CHK = [GLU, LIP] and LIP = [COL, TRI, HDL], the receptionist who
picks CHK then LIP sees LIP refused as any repeated investigation; picking LIP then CHK,
LIP moves under CHK at no charge. The request costs CHK's price either way (it cost
L 850.00, LIP a line of its own at full price)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from patolab_desktop.services import catalog
from patolab_desktop.services import requests as requests_service
from patolab_desktop.ui.requests.request_entry import RequestEntry
from tests.security_helpers import fast_hashing  # noqa: F401 (a fixture)

from .desk_helpers import type_and_enter
from .requests_helpers import acting, desk  # noqa: F401 (fixtures)
from .role_helpers import act_as


@pytest.fixture
def entry(qtbot, desk, fast_hashing):  # noqa: F811
    ids = desk["catalog"]
    ids["CHK"] = catalog.create(
        catalog.InvestigationData(
            code="CHK",
            name="Chequeo general",
            sample_type="Suero",
            price=Decimal("500.00"),
            is_panel=True,
            member_ids=[ids["GLU"], ids["LIP"]],
        )
    )
    act_as("Recepción")
    widget = RequestEntry(by="recepcion")
    qtbot.addWidget(widget)
    widget.show()
    type_and_enter(qtbot, widget.patient_edit, "perez zelaya")
    type_and_enter(qtbot, widget.doctor_edit, "martinez")
    return widget


def _lines(entry) -> list[tuple[str, str, bool]]:
    return [(r["code"], f"{r['price']:.2f}", r["is_member"]) for r in entry.lines_model.rows()]


def test_the_inner_panel_picked_after_its_panel_is_refused(qtbot, entry):
    type_and_enter(qtbot, entry.investigation_edit, "CHK")
    type_and_enter(qtbot, entry.investigation_edit, "LIP")
    assert entry.lines_error.text() == (
        "«Perfil lipídico» ya está en la solicitud; no se agrega dos veces."
    )
    assert [code for code, _price, _member in _lines(entry)] == ["CHK", "GLU", "COL", "TRI", "HDL"]
    assert entry.totals.total_label.text() == "L 500.00"


def test_the_inner_panel_picked_before_moves_under_its_panel(qtbot, entry):
    type_and_enter(qtbot, entry.investigation_edit, "LIP")
    type_and_enter(qtbot, entry.investigation_edit, "CHK")
    assert _lines(entry) == [
        ("CHK", "500.00", False),
        ("GLU", "0.00", True),
        ("LIP", "0.00", True),
        ("COL", "0.00", True),
        ("TRI", "0.00", True),
        ("HDL", "0.00", True),
    ]
    assert "LIP Perfil lipídico pasa a formar parte del panel CHK." in entry.lines_info.text()
    assert entry.totals.total_label.text() == "L 500.00"
    saved = entry.save()
    assert saved is not None
    detail = requests_service.get(saved[0])
    # LIP's members carry the results: four to wait for, LIP follows them
    assert (detail.total_amount, detail.lines_total) == (Decimal("500.000"), 4)
