"""Issue 5, "must show": every area's services called as a receptionist, a supervisor and an
administrator (real users created through ``users`` and logged in through ``auth``),
proving allowed and denied actions; audit rows with old and new values; masked id numbers.

The expected outcome of each call is derived from ``permissions.SEEDED_ROLES`` (the seeded
role sets), and a few headline cases are also spelled out literally so a change to the seed
that breaks the issue's promises fails here too.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from decimal import Decimal

import pytest

from patolab_desktop.db.models import AuditLog, Customer
from patolab_desktop.services import catalog, customers, identity, requests
from patolab_desktop.services.access import audit, permissions, session
from patolab_desktop.services.catalog import branches, referrer_types, referrers
from patolab_desktop.services.customers import export as exports
from patolab_desktop.services.errors import PermissionDenied
from patolab_desktop.services.paging import PageRequest
from patolab_desktop.services.requests import reports
from patolab_desktop.services.safety import backups
from tests.security_helpers import fast_hashing, login_as, make_actor  # noqa: F401
from tests.unit.requests_fixtures import lab  # noqa: F401

RECEPTION, SUPERVISOR, ADMIN = (
    permissions.ROLE_RECEPTION,
    permissions.ROLE_SUPERVISOR,
    permissions.ROLE_ADMIN,
)
ROLES = [RECEPTION, SUPERVISOR, ADMIN]
ID_DIGITS = "0801199012345"


@pytest.fixture
def world(lab, tmp_path):  # noqa: F811
    """The lab of the request tests plus a customer with an id number and one request,
    all made as the system actor (the autouse fixture of tests/conftest.py)."""
    person = customers.create(
        customers.CustomerData(
            type="cliente",
            first_name="María José",
            last_name="Pérez Muñoz",
            id_number=ID_DIGITS,
            date_of_birth=dt.date(1958, 3, 1),
            phone="9988-7766",
            gender_id=1,
            department_id=1,
            municipality_id=1,
        )
    )
    request_id, _number = requests.create(
        requests.RequestDraft(
            patient_id=person, doctor_id=lab.doctor, investigation_ids=[lab.hem, lab.glu]
        )
    )
    lab.extra.update(person=person, request=request_id, tmp=tmp_path)
    return lab


def _customer_data(n: int = 1) -> customers.CustomerData:
    return customers.CustomerData(
        type="cliente",
        first_name=f"Pedro {n}",
        last_name="López",
        id_number=f"08011980{n:05d}",
        date_of_birth=dt.date(1980, 1, n),
        phone="9911-2233",
        gender_id=1,
        department_id=1,
        municipality_id=1,
    )


# name -> (permissions needed, call). Each call gets the world and does one service call.
CASES = {
    "customers.create": ({"patients.create"}, lambda w: customers.create(_customer_data())),
    "customers.page": (
        {"patients.view"},
        lambda w: customers.page(customers.CustomerFilter(), PageRequest()),
    ),
    "customers.get": ({"patients.view"}, lambda w: customers.get(w.extra["person"])),
    "customers.update": ({"patients.edit"}, lambda w: _rename_customer(w.extra["person"])),
    "customers.deactivate": (
        {"patients.delete"},
        lambda w: customers.deactivate(w.extra["person"]),
    ),
    "customers.export": (
        {"exports.run"},
        lambda w: exports.export_customers(customers.CustomerFilter(), w.extra["tmp"] / "c.csv"),
    ),
    "referrers.create": (
        {"referrers.create"},
        lambda w: referrers.create(
            referrers.ReferrerData(name="Dra. Nueva", type_id=referrer_types.list_active()[0]["id"])
        ),
    ),
    "referrers.deactivate": ({"referrers.delete"}, lambda w: referrers.deactivate(w.doctor)),
    "referrers.export": (
        {"exports.run"},
        lambda w: referrers.export_referrers(None, w.extra["tmp"] / "r.csv"),
    ),
    "referrer_types.create": ({"referrers.edit"}, lambda w: referrer_types.create("Partera")),
    "catalog.search": ({"catalog.view"}, lambda w: catalog.search("HEM")),
    "catalog.set_price": ({"catalog.edit"}, lambda w: catalog.set_price(w.glu, "99")),
    "catalog.deactivate": ({"catalog.delete"}, lambda w: catalog.deactivate(w.ure)),
    "catalog.export": (
        {"exports.run"},
        lambda w: catalog.export_catalog(None, w.extra["tmp"] / "i.csv"),
    ),
    "branches.create": (
        {"branches.manage"},
        lambda w: branches.create(branches.BranchData(name="Tegucigalpa", code="TGU")),
    ),
    "requests.create": (
        {"lis.requests.create", "patients.view"},
        lambda w: requests.create(w.draft()),
    ),
    "requests.create_manual_discount": (
        {"lis.requests.create", "patients.view", "discounts.manual"},
        lambda w: requests.create(
            w.draft(manual_discount_percent=Decimal("10"), discount_reason="Convenio")
        ),
    ),
    "requests.page": ({"lis.requests.view"}, lambda w: requests.count(requests.RequestFilter())),
    "requests.add_investigation": (
        {"lis.requests.update"},
        lambda w: requests.add_investigation(w.extra["request"], w.ure),
    ),
    "requests.advance": ({"requests.workflow"}, lambda w: requests.advance(w.extra["request"])),
    "requests.cancel": (
        {"requests.cancel", "lis.requests.update"},
        lambda w: requests.cancel(w.extra["request"], "El paciente se retiró"),
    ),
    "requests.manual_discount": (
        {"discounts.manual"},
        lambda w: requests.set_manual_discount(
            w.extra["request"], Decimal("15"), "Convenio empresa"
        ),
    ),
    "requests.export": (
        {"exports.run", "lis.requests.view"},
        lambda w: requests.export_requests(requests.RequestFilter(), w.extra["tmp"] / "s.csv"),
    ),
    "reports.summary": ({"prints.run"}, lambda w: reports.request_summary_data(w.extra["request"])),
    "reports.period": (
        {"prints.reports"},
        lambda w: reports.period_report_data(dt.date.today(), dt.date.today()),
    ),
    "reports.lab_header": (
        {"settings.edit"},
        lambda w: reports.save_lab_header({"lab_name": "Laboratorio Clínico PatoLab"}),
    ),
    "backups.manual": ({"backups.run"}, lambda w: backups.backup_now(w.extra["tmp"] / "bk")),
}


def _rename_customer(customer_id: int) -> None:
    data = customers.get(customer_id)
    data.notes = "Prefiere que la llamen por la tarde"
    customers.update(data)


def _allowed(role: str, needed: set[str]) -> bool:
    return needed <= permissions.SEEDED_ROLES[role][1]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("case", sorted(CASES))
def test_each_service_as_each_role(world, fast_hashing, role, case):  # noqa: F811
    needed, call = CASES[case]
    login_as(role)
    before = AuditLog.select().count()
    if _allowed(role, needed):
        call(world)
    else:
        with pytest.raises(PermissionDenied, match=f"Su rol \\({role}\\) no lo incluye"):
            call(world)
        assert AuditLog.select().count() == before  # a refused call writes nothing


def test_the_issue_promises_hold_in_the_seeded_roles():
    """Spelled out so a seed change that breaks the issue fails loudly."""

    def allowed(role, case):
        return _allowed(role, CASES[case][0])

    assert allowed(RECEPTION, "customers.create") and allowed(RECEPTION, "requests.cancel")
    for case in (
        "customers.export",
        "requests.create_manual_discount",
        "requests.manual_discount",
        "requests.advance",
        "customers.deactivate",
    ):
        assert not allowed(RECEPTION, case), case
    for case in ("requests.advance", "requests.manual_discount", "customers.deactivate"):
        assert allowed(SUPERVISOR, case), case
    for case in ("customers.export", "requests.export", "catalog.set_price", "backups.manual"):
        assert not allowed(SUPERVISOR, case), case
    assert all(allowed(ADMIN, case) for case in CASES)


def test_nobody_logged_in_is_denied_everything(world, tmp_path):
    with session.acting_as(None):
        for _case, (_needed, call) in CASES.items():
            with pytest.raises(PermissionDenied, match="Debe iniciar sesión"):
                call(world)


# --- audit rows with old and new values -------------------------------------------------------


def _last(entity: str, action: str) -> AuditLog:
    return (
        AuditLog.select()
        .where((AuditLog.entity == entity) & (AuditLog.action == action))
        .order_by(AuditLog.id.desc())
        .first()
    )


def test_customer_edit_is_audited_with_old_and_new_values(world, fast_hashing):  # noqa: F811
    login_as(RECEPTION)
    data = customers.get(world.extra["person"])
    data.phone = "3344-5566"
    data.notes = "Nueva nota"
    customers.update(data)
    row = _last("customer", "update")
    assert (row.username, row.entity_id) == ("recepcion", world.extra["person"])
    changes = json.loads(row.changes)
    assert changes["phone"] == ["+50499887766", "+50433445566"]
    assert changes["notes"] == ["", "Nueva nota"]
    assert "id_number" not in changes  # the masked number on screen kept the stored one
    assert identity.reveal(Customer.get_by_id(world.extra["person"]).id_number) == ID_DIGITS


def test_customer_create_and_deactivate_are_audited(world, fast_hashing):  # noqa: F811
    login_as(SUPERVISOR)
    new_id = customers.create(_customer_data(2))
    created = json.loads(_last("customer", "create").changes)
    assert created["name"] == [None, "Pedro 2 López"]
    customers.deactivate(new_id)
    row = _last("customer", "deactivate")
    assert (row.entity_id, json.loads(row.changes)) == (new_id, {"active": [True, False]})


def test_request_cancel_is_audited_with_status_and_reason(world, fast_hashing):  # noqa: F811
    login_as(RECEPTION)
    requests.cancel(world.extra["request"], "El paciente se retiró")
    row = _last("lab_request", "cancel")
    assert (row.username, row.entity_id) == ("recepcion", world.extra["request"])
    assert json.loads(row.changes) == {"status": ["pending", "cancelled"]}
    assert row.detail == "Motivo: El paciente se retiró"


def test_request_workflow_discount_and_lines_are_audited(world, fast_hashing):  # noqa: F811
    login_as(SUPERVISOR)
    request_id = world.extra["request"]
    requests.advance(request_id)
    assert json.loads(_last("lab_request", "status_change").changes) == {
        "status": ["pending", "sample_collected"]
    }
    requests.add_investigation(request_id, world.ure)
    added = json.loads(_last("lab_request", "add_investigation").changes)
    assert added["investigation"] == [None, "URE"]
    # URE costs L 95.50; the patient (born 1958) has the 30 % age discount
    assert Decimal(added["net_amount"][1]) - Decimal(added["net_amount"][0]) == Decimal("66.850")
    requests.remove_investigation(request_id, world.ure)
    assert json.loads(_last("lab_request", "remove_investigation").changes)["investigation"] == [
        "URE",
        None,
    ]
    requests.set_manual_discount(request_id, Decimal("40"), "Convenio empresa")  # > 30 % by age
    row = _last("lab_request", "discount")
    assert [Decimal(v) for v in json.loads(row.changes)["discount_percent"]] == [30, 40]
    assert row.detail == "Convenio empresa"


def test_catalog_price_change_and_panel_members_are_audited(world, fast_hashing):  # noqa: F811
    login_as(ADMIN)
    catalog.set_price(world.glu, "99")
    row = _last("investigation", "price_change")
    assert (row.username, json.loads(row.changes)) == ("admin", {"price": ["80.000", "99.000"]})
    # the signed-in user, by the name the screens show (changed_by= is for the system actor)
    assert catalog.price_history(world.glu)[0]["changed_by"] == "Admin"
    catalog.set_members(world.lipid, [world.col, world.tri])
    assert json.loads(_last("investigation", "update").changes) == {
        "member_ids": [[world.col, world.tri, world.hdl], [world.col, world.tri]]
    }


def test_exports_are_audited_with_file_and_count_only(world, fast_hashing):  # noqa: F811
    login_as(ADMIN)
    count = exports.export_customers(customers.CustomerFilter(), world.extra["tmp"] / "c.csv")
    row = _last("customer", "export")
    assert row.username == "admin" and row.changes == ""
    assert row.detail == f"Exportación de clientes a c.csv: {count} filas."
    assert ID_DIGITS not in row.detail


# --- masked id numbers ------------------------------------------------------------------------


def _page_rows():
    return customers.page(customers.CustomerFilter(), PageRequest(limit=50)).rows


def test_receptionist_sees_masked_id_numbers(world, fast_hashing):  # noqa: F811
    login_as(RECEPTION)
    person = world.extra["person"]
    shown = {row["id"]: row["id_number"] for row in _page_rows()}
    assert shown[person] == "****-****-12345"
    assert customers.get(person).id_number == "****-****-12345"  # the edit dialog's data
    assert customers.summary(person)["id_number"] == "****-****-12345"
    assert requests.get(world.extra["request"]).patient_id_number == "****-****-12345"
    assert (
        reports.request_summary_data(world.extra["request"])["patient"]["id_number"]
        == "****-****-12345"
    )
    duplicate = _customer_data(3)
    duplicate.id_number = "0801-1990-12345"
    assert [d["id_number"] for d in customers.find_duplicates(duplicate)] == ["****-****-12345"]
    errors = customers.validate(duplicate)
    assert "****-****-12345" in errors["id_number"] and "1990" not in errors["id_number"]


def test_administrator_sees_full_id_numbers(world, fast_hashing):  # noqa: F811
    login_as(ADMIN)
    person = world.extra["person"]
    shown = {row["id"]: row["id_number"] for row in _page_rows()}
    assert shown[person] == "0801-1990-12345"
    assert customers.get(person).id_number == ID_DIGITS
    assert requests.get(world.extra["request"]).patient_id_number == ID_DIGITS


def _csv_ids(path) -> dict[str, str]:
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return {row["Nombre"]: row["Identidad/RTN"] for row in csv.DictReader(handle)}


def test_customers_csv_export_full_for_admin_refused_without_sensitive(world, fast_hashing):  # noqa: F811
    login_as(ADMIN)
    path = world.extra["tmp"] / "admin.csv"
    exports.export_customers(customers.CustomerFilter(), path)
    assert _csv_ids(path)["María José Pérez Muñoz"] == "0801-1990-12345"
    # a role granted exports but not patients.view_sensitive is refused: a file of masked
    # numbers would look complete and could not be imported back
    exporter = make_actor(
        "exportador", "Exportador", "Exportador", {"exports.run", "patients.view"}
    )
    masked = world.extra["tmp"] / "masked.csv"
    with (
        session.acting_as(exporter),
        pytest.raises(PermissionDenied, match="números de identidad completos"),
    ):
        exports.export_customers(customers.CustomerFilter(), masked)
    assert not masked.exists()


def test_receptionist_saving_a_masked_form_keeps_the_stored_number(world, fast_hashing):  # noqa: F811
    login_as(RECEPTION)
    data = customers.get(world.extra["person"])
    assert data.id_number == "****-****-12345"
    data.last_name = "Pérez de Muñoz"
    customers.update(data)
    assert identity.reveal(Customer.get_by_id(world.extra["person"]).id_number) == ID_DIGITS
    assert audit.display_id_number(ID_DIGITS) == "****-****-12345"
