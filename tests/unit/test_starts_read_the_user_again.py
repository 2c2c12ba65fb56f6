"""Reads keep the signed-in receptionist's permissions until the minute's recheck, but an
export, a print and a backup start by reading her again (``session.require_now``): what
an administrator withdrew on another desk a moment ago is refused at once, with the
usual message, and a print made after ``patients.view_sensitive`` was withdrawn masks
the number. The cost: one query by primary key while nothing changed; a search as she
types reads no user at all."""

from __future__ import annotations

import pytest

from patolab_desktop.services import customers
from patolab_desktop.services.access import permissions, session, users
from patolab_desktop.services.catalog import catalog_csv
from patolab_desktop.services.customers import export as customer_export
from patolab_desktop.services.customers import patient_export
from patolab_desktop.services.errors import PermissionDenied
from patolab_desktop.services.paging import PageRequest
from patolab_desktop.services.requests import RequestFilter, export_rows, reports
from tests.security_helpers import as_admin_elsewhere, fast_hashing, login_as  # noqa: F401
from tests.ui.requests_helpers import make_catalog, make_doctor, make_request
from tests.ui.test_customers_window import make_customer
from tests.unit import sql_spy

pytestmark = pytest.mark.usefixtures("fast_hashing")

RECEPTION = permissions.ROLE_RECEPTION


def reception_with(*granted: str) -> session.Actor:
    """The receptionist signed in, her role given ``granted`` by an administrator first."""
    for key in granted:
        as_admin_elsewhere(lambda key=key: users.set_role_permission(RECEPTION, key, True))
    return login_as(RECEPTION)


def withdrawn_elsewhere(key: str) -> None:
    as_admin_elsewhere(lambda: users.set_role_permission(RECEPTION, key, False))


EXPORTS = {
    "clientes": lambda path: customer_export.export_customers(customers.CustomerFilter(), path),
    "pacientes": lambda path: patient_export.export_patients(None, path),
    "catálogo": lambda path: catalog_csv.export_catalog(None, path),
    "solicitudes": lambda path: export_rows.export_requests(RequestFilter(), path),
}


@pytest.mark.parametrize("export", EXPORTS.values(), ids=EXPORTS.keys())
def test_an_export_withdrawn_elsewhere_is_refused_as_it_starts(database, tmp_path, export):
    with session.acting_as(session.system_actor("tests")):
        make_customer("Zoila", "Maradiaga")
    reception_with("exports.run", "patients.view_sensitive", "catalog.view")
    withdrawn_elsewhere("exports.run")
    assert session.has("exports.run")  # her screens learn it at the minute's recheck
    out = tmp_path / "export.csv"
    with pytest.raises(PermissionDenied, match="No tiene permiso para exportar datos a CSV"):
        export(out)
    assert not out.exists()
    assert not session.has("exports.run")  # read again at once


def test_a_summary_printed_after_view_sensitive_was_withdrawn_masks_the_number(database):
    with session.acting_as(session.system_actor("tests")):
        ids = make_catalog()
        patient = make_customer("Lucía", "Pérez Zelaya", id_number="0801199012345")
        request_id, _number = make_request(patient, make_doctor(), [ids["GLU"]])
    reception_with("patients.view_sensitive")
    assert reports.request_summary_data(request_id)["patient"]["id_number"] == "0801-1990-12345"
    withdrawn_elsewhere("patients.view_sensitive")
    shown = reports.request_summary_data(request_id)["patient"]["id_number"]
    assert shown.startswith("****-****-") and "0801" not in shown
    withdrawn_elsewhere("prints.run")
    with pytest.raises(PermissionDenied, match="No tiene permiso para imprimir"):
        reports.label_data(request_id)


def test_the_recheck_costs_one_query_and_a_search_none(database, monkeypatch):
    me = reception_with()
    sent = sql_spy.statements(monkeypatch)
    assert session.recheck() is False
    [query] = sent
    assert '"user"' in query and '"role"' in query
    sent.clear()
    customers.page(customers.CustomerFilter(search="mara"), PageRequest())
    customers.count(customers.CustomerFilter(search="mara"))
    assert sent and not [sql for sql in sent if '"user"' in sql]
    as_admin_elsewhere(lambda: users.deactivate(me.id))
    assert session.recheck() is True
    assert not session.current().permissions
