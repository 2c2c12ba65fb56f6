"""Users, roles and the permission matrix; the last administrator is protected."""

from __future__ import annotations

import json

import pytest

from patolab_desktop.db import seed
from patolab_desktop.db.models import AuditLog, Role, RolePermission, User
from patolab_desktop.services.access import auth, permissions, session, users
from patolab_desktop.services.errors import (
    NotFoundError,
    PermissionDenied,
    RuleError,
    ValidationError,
)
from patolab_desktop.services.paging import PageRequest
from tests.security_helpers import (  # noqa: F401
    ADMIN,
    PASSWORD,
    RECEPTION,
    SUPERVISOR,
    clock,
    fast_hashing,
    login_as,
    make_user,
    no_session,
    role_id,
)

pytestmark = pytest.mark.usefixtures("no_session", "fast_hashing")


def test_roles_are_seeded_once_and_admin_edits_survive_reseeding(database):
    names = [r.name for r in Role.select().order_by(Role.id)]
    assert names == [RECEPTION, SUPERVISOR, permissions.ROLE_LAB, ADMIN]
    with session.acting_as(session.system_actor()):
        users.set_role_permission(SUPERVISOR, "discounts.manual", False)
    seed.seed_reference_data(permissions.SEEDED_ROLES)
    seed.seed_reference_data(permissions.SEEDED_ROLES)
    assert Role.select().count() == 4
    with session.acting_as(session.system_actor()):
        matrix = users.role_permissions()
    assert "discounts.manual" not in matrix[SUPERVISOR]
    assert matrix[RECEPTION] == set(permissions.RECEPTION)
    assert matrix[ADMIN] == set(permissions.ALL)


@pytest.mark.parametrize(
    "role_name, allowed", [(RECEPTION, False), (SUPERVISOR, False), (ADMIN, True)]
)
def test_only_administrators_manage_users(database, clock, role_name, allowed):
    login_as(role_name)
    calls = [
        lambda: users.page(users.UserFilter(), PageRequest()),
        lambda: users.create(
            users.UserData(username="nuevo", full_name="Nuevo", role_id=role_id(RECEPTION)),
            "temporal-123",
        ),
        lambda: users.role_permissions(),
        lambda: users.set_role_permission(RECEPTION, "exports.run", True),
        lambda: users.roles(),
    ]
    for call in calls:
        if allowed:
            call()
        else:
            with pytest.raises(PermissionDenied, match="administrar usuarios"):
                call()
    assert User.select().where(User.username_folded == "nuevo").exists() is allowed


def test_create_user_forces_password_change_and_is_audited(database, clock):
    login_as(ADMIN)
    new_id = users.create(
        users.UserData(username="Rosa", full_name="Rosa Mejía", role_id=role_id(RECEPTION)),
        "temporal-123",
    )
    data = users.get(new_id)
    assert data.must_change_password and data.role == RECEPTION and data.active
    row = AuditLog.get((AuditLog.entity == "user") & (AuditLog.entity_id == new_id))
    assert row.action == "create" and row.username == "admin"
    changes = json.loads(row.changes)
    assert changes["role"] == [None, RECEPTION] and "password" not in row.changes
    with pytest.raises(ValidationError, match="Ya existe"):
        users.create(
            users.UserData(username="ROSA", full_name="Otra", role_id=role_id(RECEPTION)),
            "temporal-123",
        )
    with pytest.raises(ValidationError) as info:
        users.create(users.UserData(username="a b", full_name="", role_id=None), "x")
    assert set(info.value.fields) == {"username", "full_name", "role_id", "password"}


def test_update_records_old_and_new_values(database, clock):
    login_as(ADMIN)
    user_id = make_user("rosa", RECEPTION, full_name="Rosa Mejía")
    data = users.get(user_id)
    data.full_name, data.role_id = "Rosa María Mejía", role_id(SUPERVISOR)
    users.update(data)
    row = AuditLog.select().where(AuditLog.entity_id == user_id, AuditLog.action == "update").get()
    assert json.loads(row.changes) == {
        "full_name": ["Rosa Mejía", "Rosa María Mejía"],
        "role": [RECEPTION, SUPERVISOR],
    }
    users.deactivate(user_id)
    assert not users.get(user_id).active
    assert AuditLog.select().where(AuditLog.action == "deactivate").count() == 1
    users.reactivate(user_id)
    assert users.get(user_id).active


def test_last_active_administrator_is_protected(database, clock):
    admin_id = make_user("jefa", ADMIN)
    with session.acting_as(session.system_actor("cli")):
        with pytest.raises(RuleError, match="último administrador"):
            users.deactivate(admin_id)
        data = users.get(admin_id)
        data.role_id = role_id(SUPERVISOR)
        with pytest.raises(RuleError, match="último administrador"):
            users.update(data)
        with pytest.raises(RuleError, match="sin ningún administrador"):
            users.set_role_permission(ADMIN, "users.manage", False)
    # nothing changed: each refused change rolled back with its audit row
    user = User.get_by_id(admin_id)
    assert user.active and user.role_id == role_id(ADMIN)
    assert (
        RolePermission.select()
        .where(RolePermission.role == role_id(ADMIN), RolePermission.permission == "users.manage")
        .exists()
    )
    assert (
        not AuditLog.select()
        .where(AuditLog.action.in_(["deactivate", "update", "permission_revoke"]))
        .exists()
    )
    # with a second administrator the first may go
    second = make_user("segundo", ADMIN)
    with session.acting_as(session.system_actor("cli")):
        users.deactivate(admin_id)
        with pytest.raises(RuleError):
            users.deactivate(second)


def test_admin_cannot_deactivate_themselves(database, clock):
    actor = login_as(ADMIN)
    make_user("otra", ADMIN)
    with pytest.raises(RuleError, match="propio usuario"):
        users.deactivate(actor.id)


def test_matrix_changes_persist_and_refresh_the_acting_user(database, clock):
    actor = login_as(ADMIN)
    make_user("otra", ADMIN)
    assert users.set_role_permission(RECEPTION, "exports.run", True)
    assert not users.set_role_permission(RECEPTION, "exports.run", True)  # no change
    assert "exports.run" in users.role_permissions()[RECEPTION]
    row = AuditLog.select().where(AuditLog.action == "permission_grant").get()
    assert json.loads(row.changes) == {"exports.run": [False, True]}
    assert row.entity == "role" and row.entity_id == role_id(RECEPTION)
    # the acting admin's own role loses a permission: their actor follows at once
    users.set_role_permission(ADMIN, "backups.run", False)
    assert session.current().id == actor.id and not session.has("backups.run")
    with pytest.raises(ValidationError):
        users.set_role_permission(ADMIN, "no.such", True)
    with pytest.raises(NotFoundError):
        users.set_role_permission("Fantasma", "exports.run", True)


def test_reset_password_unlocks_and_forces_change(database, clock):
    login_as(ADMIN)
    user_id = make_user("rosa", RECEPTION)
    User.update(locked_until=clock.now.replace(hour=23), failed_attempts=3).where(
        User.id == user_id
    ).execute()
    users.reset_password(user_id, "temporal-456")
    user = User.get_by_id(user_id)
    assert user.must_change_password and user.locked_until is None and user.failed_attempts == 0
    with pytest.raises(ValidationError):
        users.reset_password(user_id, "corta")
    session.set_current(None)
    assert auth.login("rosa", "temporal-456").must_change_password


def test_unlock_account(database, clock):
    login_as(ADMIN)
    user_id = make_user("rosa", RECEPTION)
    User.update(locked_until=clock.now.replace(hour=23)).where(User.id == user_id).execute()
    row = users.page(users.UserFilter(search="rosa"), PageRequest()).rows[0]
    assert row["status"].startswith("Bloqueado hasta las 23:00")
    users.unlock(user_id)
    assert User.get_by_id(user_id).locked_until is None
    assert AuditLog.select().where(AuditLog.action == "account_unlock").count() == 1


def test_page_lists_users_with_roles_in_keyset_pages(database, clock):
    login_as(ADMIN)
    for n in range(5):
        make_user(f"user{n}", RECEPTION)
    first = users.page(users.UserFilter(), PageRequest(limit=4))
    second = users.page(users.UserFilter(), PageRequest(limit=4, after=first.cursor))
    names = [r["username"] for r in first.rows + second.rows]
    assert names == ["admin", "user0", "user1", "user2", "user3", "user4"]
    assert first.rows[1]["role"] == RECEPTION
    only_admins = users.page(users.UserFilter(role_id=role_id(ADMIN)), PageRequest()).rows
    assert [r["username"] for r in only_admins] == ["admin"]


def test_roles_crud(database, clock):
    login_as(ADMIN)
    listed = users.roles()
    assert [r["name"] for r in listed] == [RECEPTION, SUPERVISOR, permissions.ROLE_LAB, ADMIN]
    assert [r["users"] for r in listed] == [0, 0, 0, 1]
    new_id = users.create_role("Toma de muestras", "Solo flebotomía", copy_from=RECEPTION)
    assert users.role_permissions()["Toma de muestras"] == set(permissions.RECEPTION)
    with pytest.raises(ValidationError):
        users.create_role("toma de MUESTRAS")
    users.update_role(new_id, "Flebotomía", "Toma de muestras", version=1)
    with pytest.raises(RuleError):
        users.update_role(role_id(ADMIN), "Jefes", version=1)
    with pytest.raises(RuleError):
        users.delete_role(role_id(RECEPTION))
    make_user("flebo", "Flebotomía")
    with pytest.raises(RuleError, match="tiene usuarios"):
        users.delete_role(new_id)
    User.delete().where(User.username_folded == "flebo").execute()
    users.delete_role(new_id)
    assert not Role.select().where(Role.id == new_id).exists()
