"""Adding and removing investigations on a saved request (seed 004 rules 3 and 5)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from patolab_desktop.db.models import Investigation, LabRequest, RequestLine
from patolab_desktop.services import requests
from patolab_desktop.services.errors import NotFoundError, RuleError
from tests.unit.requests_fixtures import lab, make_customer, make_panel, set_status  # noqa: F401


def _amounts(request_id):
    row = LabRequest.get_by_id(request_id)
    return row.total_amount, row.discount_amount, row.net_amount


def _hem_and_the_lipid_panel(lab) -> list:
    """The lines of HEM plus the lipid panel with its three members under it."""
    return [
        ("HEM", None),
        ("PLIP", None),
        ("COL", lab.lipid),
        ("TRI", lab.lipid),
        ("HDL", lab.lipid),
    ]


def _codes(request_id):
    return [(line["code"], line["parent"]) for line in requests.get(request_id).lines]


def test_add_recalculates_every_amount(lab):
    request_id, _ = lab.create(lab.hem)
    requests.add_investigation(request_id, lab.ure, notes="Urgente para nefrología")
    assert _amounts(request_id) == (Decimal("245.500"), Decimal("0.000"), Decimal("245.500"))
    line = RequestLine.get(
        (RequestLine.lab_request == request_id) & (RequestLine.investigation == lab.ure)
    )
    assert (line.price, line.notes, line.status) == (
        Decimal("95.500"),
        "Urgente para nefrología",
        "pending",
    )


def test_add_applies_the_request_discount_to_the_new_line(lab):
    senior = make_customer("Don Tomás", date_of_birth=dt.date(1950, 1, 1))
    request_id, _ = lab.create(lab.hem, patient_id=senior)
    requests.add_investigation(request_id, lab.glu)
    detail = requests.get(request_id)
    assert [line["discount"] for line in detail.lines] == [Decimal("45.000"), Decimal("24.000")]
    assert (detail.total_amount, detail.discount_amount, detail.net_amount) == (
        Decimal("230.000"),
        Decimal("69.000"),
        Decimal("161.000"),
    )


def test_remove_recalculates_every_amount(lab):
    request_id, _ = lab.create(lab.hem, lab.glu, lab.ure)
    requests.remove_investigation(request_id, lab.glu)
    assert _amounts(request_id) == (Decimal("245.500"), Decimal("0.000"), Decimal("245.500"))
    assert [c for c, _ in _codes(request_id)] == ["HEM", "URE"]


def test_adding_a_panel_adds_its_members(lab):
    request_id, _ = lab.create(lab.hem)
    requests.add_investigation(request_id, lab.lipid)
    assert _codes(request_id) == _hem_and_the_lipid_panel(lab)
    assert _amounts(request_id)[0] == Decimal("450.000")
    lines = requests.get(request_id).lines
    assert all(line["price"] == 0 for line in lines[2:])


def test_removing_a_panel_removes_its_members(lab):
    request_id, _ = lab.create(lab.hem, lab.lipid)
    requests.remove_investigation(request_id, lab.lipid)
    assert _codes(request_id) == [("HEM", None)]
    assert RequestLine.select().where(RequestLine.lab_request == request_id).count() == 1
    assert _amounts(request_id)[0] == Decimal("150.000")


def test_a_member_stays_when_another_panel_on_the_request_includes_it(lab):
    cardiac = make_panel("PCAR", "Perfil cardíaco", "500", [lab.col, lab.glu])
    request_id, _ = lab.create(lab.lipid, cardiac)
    requests.remove_investigation(request_id, lab.lipid)
    assert _codes(request_id) == [("PCAR", None), ("COL", cardiac), ("GLU", cardiac)]
    assert _amounts(request_id)[0] == Decimal("500.000")


def test_a_panel_member_cannot_be_removed_alone(lab):
    request_id, _ = lab.create(lab.hem, lab.lipid)
    with pytest.raises(RuleError) as info:
        requests.remove_investigation(request_id, lab.col)
    assert "PLIP" in str(info.value) and "quite el panel" in str(info.value)


def test_the_last_investigation_cannot_be_removed(lab):
    request_id, _ = lab.create(lab.lipid)  # one panel with members is still one investigation
    with pytest.raises(RuleError) as info:
        requests.remove_investigation(request_id, lab.lipid)
    assert "última investigación" in str(info.value) and "cancele" in str(info.value)
    assert RequestLine.select().where(RequestLine.lab_request == request_id).count() == 4
    assert requests.get(request_id).version == 1


def test_an_investigation_already_on_the_request_is_not_added_again(lab):
    request_id, _ = lab.create(lab.hem, lab.lipid)
    with pytest.raises(RuleError, match="ya está en la solicitud"):
        requests.add_investigation(request_id, lab.hem)
    with pytest.raises(RuleError, match="como parte del panel PLIP"):
        requests.add_investigation(request_id, lab.tri)
    assert RequestLine.select().where(RequestLine.lab_request == request_id).count() == 5


def test_adding_a_panel_moves_a_direct_member_under_it(lab):
    request_id, _ = lab.create(lab.hem, lab.col)
    requests.add_investigation(request_id, lab.lipid)
    assert _codes(request_id) == _hem_and_the_lipid_panel(lab)
    assert _amounts(request_id)[0] == Decimal("450.000")  # COL is no longer charged on its own


def test_inactive_or_unknown_investigation_cannot_be_added(lab):
    request_id, _ = lab.create()
    Investigation.update(active=False).where(Investigation.id == lab.ure).execute()
    with pytest.raises(RuleError, match="inactiva"):
        requests.add_investigation(request_id, lab.ure)
    with pytest.raises(RuleError, match="no existe"):
        requests.add_investigation(request_id, 999999)


def test_removing_something_not_on_the_request(lab):
    request_id, _ = lab.create(lab.hem, lab.glu)
    with pytest.raises(RuleError, match="no está en la solicitud"):
        requests.remove_investigation(request_id, lab.ure)
    with pytest.raises(NotFoundError):
        requests.remove_investigation(424242, lab.hem)


@pytest.mark.parametrize("status", ["sample_collected", "in_progress", "partial_result"])
def test_active_requests_accept_changes_and_new_lines_start_pending(lab, status):
    """Lines have their own status (issue 18): a new line starts pending, the others keep
    theirs, and the request keeps its status."""
    request_id, _ = lab.create(lab.hem, lab.glu)
    set_status(request_id, status)
    requests.add_investigation(request_id, lab.ure)
    requests.remove_investigation(request_id, lab.glu)
    detail = requests.get(request_id)
    statuses = {line["code"]: line["status"] for line in detail.lines}
    started = "pending" if status == "sample_collected" else "in_progress"
    assert statuses == {"HEM": started, "URE": "pending"}
    assert detail.status == status


def test_add_and_remove_are_atomic(lab, monkeypatch):
    request_id, _ = lab.create(lab.hem)
    from patolab_desktop.services.requests import investigations as module

    def broken(*_args, **_kwargs):
        raise RuntimeError("crash while recalculating")

    monkeypatch.setattr(module, "_recalculate", broken)
    with pytest.raises(RuntimeError):
        requests.add_investigation(request_id, lab.lipid)
    assert RequestLine.select().where(RequestLine.lab_request == request_id).count() == 1
    assert _amounts(request_id)[0] == Decimal("150.000")
