"""Issue 15, point 8: a role without ``patients.view_sensitive`` receives only masked
identity numbers through every read path — one record, lists, bulk reads, search
results, prints (the request summary data) and the request detail; the customers
export, whose file carries the full numbers, is refused to it."""

from __future__ import annotations

import pytest

from patolab_desktop.services import customers, requests
from patolab_desktop.services.access import permissions, session, users
from patolab_desktop.services.customers import CustomerFilter
from patolab_desktop.services.customers.export import export_customers
from patolab_desktop.services.errors import PermissionDenied
from patolab_desktop.services.paging import PageRequest
from patolab_desktop.services.requests import reports
from tests.security_helpers import PASSWORD, login_as, make_user

NUMBER = "0801199012345"
MASKED = "****-****-12345"


@pytest.fixture
def stored(database, patient):
    return customers.create(patient(id_number=NUMBER, first_name="Zoila", last_name="Maradiaga"))


@pytest.fixture
def reception(stored):
    actor = login_as(permissions.ROLE_RECEPTION)
    assert not actor.has("patients.view_sensitive")
    yield actor
    session.set_current(None)


def _no_number(value) -> None:
    text = str(value)
    assert NUMBER not in text.replace("-", "") and "0801-1990" not in text


def test_one_record_is_masked(stored, reception):
    data = customers.get(stored)
    assert data.id_number == MASKED


def test_list_page_is_masked(stored, reception):
    rows = customers.page(CustomerFilter(), PageRequest()).rows
    assert [r["id_number"] for r in rows] == [MASKED]
    _no_number(rows)


def test_bulk_read_is_masked(stored, reception):
    found = customers.get_many([stored])
    assert found[stored].id_number == MASKED


def test_search_results_are_masked(stored, reception):
    for text in (NUMBER, "0801-1990-12345", "Zoila"):
        rows = customers.page(CustomerFilter(search=text), PageRequest()).rows
        assert [r["id"] for r in rows] == [stored], text
        assert rows[0]["id_number"] == MASKED
    rows = list(customers.iter_rows(CustomerFilter()))
    assert rows[0]["id_number"] == MASKED


def test_export_is_refused_to_a_role_that_exports_without_view_sensitive(stored, tmp_path):
    """The customers file carries the full numbers (it is imported back): such a role
    receives no file at all, neither the numbers nor a masked copy."""
    with session.acting_as(session.system_actor("tests")):
        users.create_role("Exportador", copy_from=permissions.ROLE_RECEPTION)
        users.set_role_permission("Exportador", "exports.run", True)
    make_user("exporta", "Exportador")
    from patolab_desktop.services.access import auth

    auth.login("exporta", PASSWORD)
    out = tmp_path / "clientes.csv"
    try:
        with pytest.raises(PermissionDenied, match="números de identidad completos"):
            export_customers(CustomerFilter(), out)
    finally:
        session.set_current(None)
    assert not out.exists()


def test_request_detail_and_print_data_are_masked(stored, reception):
    from tests.unit.requests_fixtures import make_doctor, make_investigation

    with session.acting_as(session.system_actor("tests")):
        doctor = make_doctor()
        hem = make_investigation("HEM", "Hemograma completo", "150")
        request_id, _number = requests.create(
            requests.RequestDraft(patient_id=stored, doctor_id=doctor, investigation_ids=[hem])
        )
    detail = requests.get(request_id)
    assert detail.patient_id_number == MASKED
    data = reports.request_summary_data(request_id)
    _no_number(data)
