"""A panel inside a panel brings its own members (seed 004: "When a panel investigation is
added, all its member investigations are also added"). The catalog lets a panel hold
another; the request only took the inner panel as a line, so its investigations were
never ordered and the request completed without them."""

from __future__ import annotations

import pytest

from patolab_desktop.services import requests
from patolab_desktop.services.access import permissions, session
from patolab_desktop.services.errors import RuleError
from tests.security_helpers import fast_hashing, login_as  # noqa: F401 (a fixture)
from tests.unit.requests_fixtures import lab, make_panel  # noqa: F401

pytestmark = pytest.mark.usefixtures("fast_hashing")


def _codes(request_id: int) -> dict[str, str | None]:
    lines = requests.get(request_id).lines
    codes = {line["id"]: line["code"] for line in lines}
    return {line["code"]: codes.get(line["parent_line_id"]) for line in lines}


def test_ordering_a_panel_that_holds_a_panel_orders_every_investigation(lab):  # noqa: F811
    check_up = make_panel("CHK", "Chequeo general", "400", [lab.glu, lab.lipid])
    with session.acting_as(None):
        login_as(permissions.ROLE_RECEPTION)
        request_id, _number = lab.create(check_up)
    # the inner panel is opened: its investigations come with the outer one, at no charge
    assert _codes(request_id) == {
        "CHK": None,
        "GLU": "CHK",
        "COL": "CHK",
        "TRI": "CHK",
        "HDL": "CHK",
    }
    detail = requests.get(request_id)
    assert (detail.lines_total, detail.net_amount) == (4, 400)  # a result for each one


def test_adding_it_later_brings_them_too(lab):  # noqa: F811
    check_up = make_panel("CHK", "Chequeo general", "400", [lab.glu, lab.lipid])
    request_id, _number = lab.create(lab.hem)
    with session.acting_as(None):
        login_as(permissions.ROLE_RECEPTION)
        requests.add_investigation(request_id, check_up, by="recepcion")
    assert set(_codes(request_id)) == {"HEM", "CHK", "GLU", "COL", "TRI", "HDL"}


def test_the_inner_panel_added_later_is_refused(lab):  # noqa: F811
    check_up = make_panel("CHK", "Chequeo general", "400", [lab.glu, lab.lipid])
    request_id, _number = lab.create(check_up)
    with session.acting_as(None):
        login_as(permissions.ROLE_RECEPTION)
        with pytest.raises(RuleError) as refused:
            requests.add_investigation(request_id, lab.lipid, by="recepcion")
    assert str(refused.value) == (
        "PLIP Perfil lipídico ya está en la solicitud como parte del panel CHK Chequeo general."
    )
    assert requests.get(request_id).net_amount == 400  # not 700: PLIP is not charged again


def test_the_outer_panel_added_later_takes_the_inner_one_and_gives_it_back(lab):  # noqa: F811
    check_up = make_panel("CHK", "Chequeo general", "400", [lab.glu, lab.lipid])
    request_id, _number = lab.create(lab.lipid, lab.hem)
    with session.acting_as(None):
        login_as(permissions.ROLE_RECEPTION)
        requests.add_investigation(request_id, check_up, by="recepcion")
        detail = requests.get(request_id)
        assert _codes(request_id) == {
            "PLIP": "CHK",
            "COL": "CHK",
            "TRI": "CHK",
            "HDL": "CHK",
            "HEM": None,
            "CHK": None,
            "GLU": "CHK",
        }
        assert (detail.net_amount, detail.lines_total) == (550, 5)  # HEM 150 + CHK 400
        # removing CHK gives PLIP back at its own price, with its members
        requests.remove_investigation(request_id, check_up, by="recepcion")
    assert _codes(request_id) == {
        "PLIP": None,
        "COL": "PLIP",
        "TRI": "PLIP",
        "HDL": "PLIP",
        "HEM": None,
    }
    assert requests.get(request_id).net_amount == 450


def test_results_of_the_inner_panel_moved_under_complete_the_request(lab):  # noqa: F811
    check_up = make_panel("CHK", "Chequeo general", "400", [lab.glu, lab.lipid])
    request_id, _number = lab.create(lab.lipid, check_up)
    lines = requests.get(request_id).lines
    chk = next(line["id"] for line in lines if line["code"] == "CHK")
    requests.mark_lines(request_id, [chk], "released", by="t")
    assert requests.get(request_id).status == "completed"
