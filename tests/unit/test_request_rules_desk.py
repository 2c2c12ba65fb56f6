"""Issue 16 G: request rules the front desk runs into.

* a declared age ("60 años" on a date) is never projected backwards onto an earlier
  request date: the age discount uses the age the patient can be sure to have had then;
* an investigation ordered on its own stays (at its own price) when a panel that also
  contains it is removed.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from patolab_desktop.db.models import LabRequest, RequestLine
from patolab_desktop.services import requests
from patolab_desktop.services.access import permissions, session
from tests.security_helpers import login_as
from tests.unit.requests_fixtures import lab, make_customer  # noqa: F401


def _lines(request_id):
    return sorted((line["code"], line["parent"]) for line in requests.get(request_id).lines)


def _amounts(request_id):
    row = LabRequest.get_by_id(request_id)
    return row.total_amount, row.discount_amount, row.net_amount


def test_declared_age_is_not_projected_onto_an_earlier_request_date(lab):
    declared_on = dt.date.today()
    senior = make_customer("Doña Rosa", date_of_birth=None, age=60, age_recorded_on=declared_on)
    on_the_day = requests.preview(lab.draft(lab.hem, patient_id=senior))
    assert (on_the_day.discount_kind, on_the_day.patient_age) == ("age", 60)
    earlier = dt.datetime.combine(declared_on - dt.timedelta(days=40), dt.time(9, 0))
    before = requests.preview(lab.draft(lab.hem, patient_id=senior, requested_at=earlier))
    assert before.patient_age == 59  # she may have been 59 then: no senior discount
    assert before.discount_kind == "" and before.discount == Decimal("0.000")


def test_declared_age_still_grows_on_later_request_dates(lab):
    declared_on = dt.date.today() - dt.timedelta(days=400)
    senior = make_customer("Don Pedro", date_of_birth=None, age=59, age_recorded_on=declared_on)
    pricing = requests.preview(lab.draft(lab.hem, patient_id=senior))
    assert (pricing.patient_age, pricing.discount_kind) == (60, "age")


def test_an_investigation_ordered_alone_stays_when_the_panel_is_removed(lab):
    with session.acting_as(login_as(permissions.ROLE_RECEPTION)):
        request_id, _ = lab.create(lab.hem, lab.col)  # cholesterol ordered on its own
        requests.add_investigation(request_id, lab.lipid)  # the panel also contains it
        assert ("COL", lab.lipid) in _lines(request_id)
        assert _amounts(request_id)[0] == Decimal("450.000")  # HEM 150 + panel 300
        requests.remove_investigation(request_id, lab.lipid)
        assert _lines(request_id) == [("COL", None), ("HEM", None)]
        assert _amounts(request_id) == (
            Decimal("270.000"),
            Decimal("0.000"),
            Decimal("270.000"),
        )
        line = RequestLine.get(
            (RequestLine.lab_request == request_id) & (RequestLine.investigation == lab.col)
        )
        assert (line.price, line.own_price, line.parent_line_id) == (
            Decimal("120.000"),
            None,
            None,
        )


def test_ordered_alone_before_the_panel_in_one_entry_also_stays(lab):
    request_id, _ = lab.create(lab.col, lab.hem, lab.lipid)
    assert ("COL", lab.lipid) in _lines(request_id)
    requests.remove_investigation(request_id, lab.lipid)
    assert _lines(request_id) == [("COL", None), ("HEM", None)]
    assert _amounts(request_id)[2] == Decimal("270.000")


def test_members_that_came_only_with_the_panel_still_go_with_it(lab):
    request_id, _ = lab.create(lab.hem, lab.lipid)
    requests.remove_investigation(request_id, lab.lipid)
    assert _lines(request_id) == [("HEM", None)]


def test_a_restored_line_gets_the_request_discount(lab):
    import datetime as _dt

    senior = make_customer("Don Tomás", date_of_birth=_dt.date(1950, 1, 1))
    request_id, _ = lab.create(lab.col, lab.hem, lab.lipid, patient_id=senior)
    requests.remove_investigation(request_id, lab.lipid)
    line = RequestLine.get(
        (RequestLine.lab_request == request_id) & (RequestLine.investigation == lab.col)
    )
    assert (line.price, line.discount, line.net_price) == (
        Decimal("120.000"),
        Decimal("36.000"),
        Decimal("84.000"),
    )
