"""The audit trail: old and new values, filters, keyset pages, masking, no plain logs."""

from __future__ import annotations

import datetime as dt
import json
import logging
from decimal import Decimal

import pytest

from patolab_desktop.db.database import db
from patolab_desktop.db.models import AuditLog, User
from patolab_desktop.services import identity
from patolab_desktop.services.access import audit, auth, permissions, session, users
from patolab_desktop.services.errors import PermissionDenied
from patolab_desktop.services.paging import PageRequest
from tests.paging_helpers import every_page
from tests.security_helpers import (  # noqa: F401
    clock,
    fast_hashing,
    login_as,
    make_user,
    no_session,
)

pytestmark = pytest.mark.usefixtures("no_session", "fast_hashing")
DNI = "0801199012345"


def test_diff_keeps_only_changed_fields():
    before = {
        "name": "Juan Pérez",
        "phone": "+50499887766",
        "price": Decimal("150.000"),
        "active": True,
        "updated_at": 1,
        "version": 3,
    }
    after = {
        "name": "Juan Pérez",
        "phone": "+50433221100",
        "price": Decimal("150.0"),
        "active": False,
        "updated_at": 2,
        "version": 4,
        "email": "j@x.hn",
    }
    assert audit.diff(before, after) == {
        "phone": ("+50499887766", "+50433221100"),
        "price": (Decimal("150.000"), Decimal("150.0")),
        "active": (True, False),
        "email": (None, "j@x.hn"),
    }


def test_edit_is_recorded_with_old_and_new_values(database, clock):
    actor = login_as(permissions.ROLE_ADMIN)
    before = {
        "name": "Juan Pérez",
        "phone": "+50499887766",
        "date_of_birth": dt.date(1990, 1, 2),
        "price": Decimal("150.000"),
    }
    after = dict(
        before, phone="+50433221100", date_of_birth=dt.date(1990, 2, 1), price=Decimal("175.500")
    )
    row_id = audit._write("update", "customer", 42, audit.diff(before, after), detail="Edición")
    row = AuditLog.get_by_id(row_id)
    assert (row.user_id, row.username, row.action, row.entity, row.entity_id) == (
        actor.id,
        "admin",
        "update",
        "customer",
        42,
    )
    assert json.loads(row.changes) == {
        "phone": ["+50499887766", "+50433221100"],
        "date_of_birth": ["1990-01-02", "1990-02-01"],
        "price": ["150.000", "175.500"],
    }
    shown = audit.page(audit.AuditFilter(entity="customer"), PageRequest()).rows[0]
    assert shown["changes"]["phone"] == ("+50499887766", "+50433221100")
    # in words: the phone as it is dialled, the date as it is written, money in lempiras
    assert sorted(shown["changes_lines"]) == [
        "Fecha de nacimiento: 02/01/1990 → 01/02/1990",
        "Precio: L 150.00 → L 175.50",
        "Teléfono: +504 9988-7766 → +504 3322-1100",
    ]
    assert shown["action_label"] == "Modificar" and shown["entity_label"] == "Paciente/empresa"
    assert audit.history("customer", 42)[0]["id"] == row_id


def test_who_is_recorded_without_a_user(database):
    audit._write("export", "customer", detail="clientes_patolab.csv: 10 filas")
    with session.acting_as(session.system_actor("cli")):
        audit._write("import", "customer")
    rows = list(AuditLog.select().order_by(AuditLog.id))
    assert [(r.username, r.user_id) for r in rows] == [("sistema", None), ("cli", None)]


def test_audit_row_rolls_back_with_the_change(database):
    with pytest.raises(RuntimeError), db.atomic():
        audit._write("update", "customer", 1, {"name": ("A", "B")})
        raise RuntimeError("la escritura falló")
    assert AuditLog.select().count() == 0


def _stamp(row_id, when):
    AuditLog.update(at=when).where(AuditLog.id == row_id).execute()


def test_filters_by_user_entity_action_and_dates(database, clock):
    admin = login_as(permissions.ROLE_ADMIN)
    make_user("rosa", permissions.ROLE_SUPERVISOR)
    AuditLog.delete().execute()
    rosa = auth.actor_for(User.get(User.username_folded == "rosa"))
    with session.acting_as(rosa):
        _stamp(audit._write("create", "lab_request", 1), dt.datetime(2026, 3, 1, 8, 0))
        _stamp(audit._write("cancel", "lab_request", 1), dt.datetime(2026, 3, 2, 9, 0))
    _stamp(audit._write("update", "customer", 5), dt.datetime(2026, 3, 2, 23, 59, 59))
    _stamp(audit._write("export", "customer"), dt.datetime(2026, 3, 3, 0, 0))

    def ids(**kw):
        rows = audit.page(audit.AuditFilter(**kw), PageRequest()).rows
        return [(r["action"], r["entity"]) for r in rows]

    assert ids() == [
        ("export", "customer"),
        ("update", "customer"),
        ("cancel", "lab_request"),
        ("create", "lab_request"),
    ]  # newest first
    assert ids(user_id=rosa.id) == [("cancel", "lab_request"), ("create", "lab_request")]
    assert ids(username="admin") == [("export", "customer"), ("update", "customer")]
    assert ids(entity="customer") == [("export", "customer"), ("update", "customer")]
    assert ids(action="cancel") == [("cancel", "lab_request")]
    assert ids(date_from=dt.date(2026, 3, 2), date_to=dt.date(2026, 3, 2)) == [
        ("update", "customer"),
        ("cancel", "lab_request"),
    ]
    assert ids(entity="lab_request", entity_id=1, action="create") == [("create", "lab_request")]
    assert admin.id != rosa.id


def test_keyset_pages_cover_everything_once(database, clock):
    login_as(permissions.ROLE_ADMIN)
    AuditLog.delete().execute()
    for n in range(7):
        _stamp(audit._write("update", "customer", n), dt.datetime(2026, 3, 1, 8, 0))  # same time
    seen = [r["entity_id"] for r in every_page(audit.page, None, limit=3)]
    assert seen == [6, 5, 4, 3, 2, 1, 0]
    ascending = audit.page(None, PageRequest(sort="at", limit=100)).rows
    assert [r["entity_id"] for r in ascending] == [0, 1, 2, 3, 4, 5, 6]


@pytest.mark.parametrize("role_name", [permissions.ROLE_RECEPTION, permissions.ROLE_SUPERVISOR])
def test_only_administrators_see_the_audit(database, clock, role_name):
    login_as(role_name)
    with pytest.raises(PermissionDenied, match="ver la auditoría"):
        audit.page(audit.AuditFilter(), PageRequest())
    with pytest.raises(PermissionDenied):
        audit.users_for_filter()


def test_id_numbers_reach_the_database_but_never_the_log_files(database, clock, caplog):
    caplog.set_level(logging.DEBUG)
    login_as(permissions.ROLE_ADMIN)
    audit._write(
        "update", "customer", 1, {"id_number": ("0801199000001", DNI)}, detail="Identidad corregida"
    )
    stored = AuditLog.select().order_by(AuditLog.id.desc()).get().changes
    assert DNI not in stored  # encrypted in the audit row too (issue 15, point 13)
    assert identity.reveal(json.loads(stored)["id_number"][1]) == DNI
    assert DNI not in caplog.text  # peewee's DEBUG statement log would have shown it
    assert logging.getLogger("peewee").getEffectiveLevel() >= logging.INFO
    # an auditor without patients.view_sensitive sees the id masked
    with session.acting_as(session.system_actor()):
        users.set_role_permission(permissions.ROLE_SUPERVISOR, "audit.view", True)
    login_as(permissions.ROLE_SUPERVISOR)
    row = audit.page(audit.AuditFilter(entity="customer"), PageRequest()).rows[0]
    assert row["changes"]["id_number"] == ("****-****-00001", "****-****-12345")
    assert DNI not in row["changes_text"]


def test_mask_id_number():
    assert audit.mask_id_number(DNI) == "****-****-12345"
    assert audit.mask_id_number("0801-1990-12345") == "****-****-12345"
    assert audit.mask_id_number("08011990123456") == "****-****-*23456"  # RTN
    assert audit.mask_id_number("") == "" and audit.mask_id_number(None) == ""
    assert audit.mask_id_number("12345678") == "****5678"
    assert audit.mask_id_number("123") == "**3"
    for value in (DNI, "08011990123456", "12345678"):
        assert value not in audit.mask_id_number(value)


def test_display_id_number_masks_for_receptionist_only(database, clock):
    login_as(permissions.ROLE_RECEPTION)
    assert audit.display_id_number(DNI) == "****-****-12345"
    login_as(permissions.ROLE_SUPERVISOR)
    assert audit.display_id_number(DNI) == "****-****-12345"
    login_as(permissions.ROLE_ADMIN)
    assert audit.display_id_number(DNI) == "0801-1990-12345"
    session.set_current(None)
    assert audit.display_id_number(DNI) == "****-****-12345"  # nobody: masked


def test_only_services_write_audit_rows(database):
    """Issue 15 point 8: no caller outside the services can forge an audit row, not even
    an administrator (the GUI, the CLI and scripts go through the service that acts)."""
    from patolab_desktop.services.errors import PermissionDenied

    with pytest.raises(PermissionDenied):
        audit.record("delete", "customer", 1, detail="forjado")
    assert AuditLog.select().count() == 0
