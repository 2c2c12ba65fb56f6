"""The acting user and ``require``: deny by default, seeded role sets, system actor."""

from __future__ import annotations

import pytest

from patolab_desktop.services.access import permissions, session
from patolab_desktop.services.errors import PermissionDenied
from tests.security_helpers import fast_hashing, login_as, make_user, no_session  # noqa: F401

ROLES = (permissions.ROLE_RECEPTION, permissions.ROLE_SUPERVISOR, permissions.ROLE_ADMIN)
pytestmark = pytest.mark.usefixtures("no_session", "fast_hashing")


def test_nobody_logged_in_is_denied_everything():
    assert session.current() is None
    for key in permissions.ALL:
        assert not session.has(key)
        with pytest.raises(PermissionDenied) as info:
            session.require(key)
        assert "iniciar sesión" in str(info.value)
    with pytest.raises(PermissionDenied, match="exportar datos a CSV"):
        session.require("exports.run")


def test_unknown_permission_is_a_programming_error():
    with session.acting_as(session.system_actor()), pytest.raises(KeyError):
        session.require("patients.fly")


def test_system_actor_holds_everything_and_acting_as_restores():
    cli = session.system_actor("cli")
    assert cli.username == "cli" and cli.permissions == permissions.ALL
    other = session.Actor(
        id=7,
        username="ana",
        full_name="Ana",
        role="Recepción",
        permissions=frozenset({"patients.view"}),
    )
    with session.acting_as(other):
        with session.acting_as(cli):
            assert session.require("backups.run") is cli
        assert session.current() is other
        assert session.has("patients.view") and not session.has("exports.run")
    assert session.current() is None


def test_denial_message_names_action_and_role():
    actor = session.Actor(
        id=1, username="r", full_name="R", role="Recepción", permissions=frozenset()
    )
    with session.acting_as(actor), pytest.raises(PermissionDenied) as info:
        session.require("discounts.manual")
    text = str(info.value)
    assert "aplicar descuentos manuales" in text and "Recepción" in text


def test_actor_that_must_change_password_has_no_permission():
    actor = session.Actor(
        id=1,
        username="n",
        full_name="N",
        role="Administrador",
        permissions=permissions.ALL,
        must_change_password=True,
    )
    with session.acting_as(actor):
        assert not session.has("patients.view")
        with pytest.raises(PermissionDenied, match="cambiar su contraseña"):
            session.require("patients.view")


def test_seeded_role_sets_are_sensible():
    reception = permissions.SEEDED_ROLES[permissions.ROLE_RECEPTION][1]
    supervisor = permissions.SEEDED_ROLES[permissions.ROLE_SUPERVISOR][1]
    admin = permissions.SEEDED_ROLES[permissions.ROLE_ADMIN][1]
    for denied in (
        "exports.run",
        "patients.view_sensitive",
        "discounts.manual",
        "users.manage",
        "settings.edit",
        "backups.run",
        "imports.run",
        "audit.view",
        "requests.workflow",
    ):
        assert denied not in reception
    for allowed in (
        "patients.view",
        "patients.create",
        "lis.requests.create",
        "requests.cancel",
        "prints.run",
    ):
        assert allowed in reception
    assert reception < supervisor < admin
    assert {"requests.workflow", "discounts.manual", "prints.reports"} <= supervisor
    for denied in ("exports.run", "users.manage", "patients.view_sensitive", "backups.run"):
        assert denied not in supervisor
    assert admin == permissions.ALL
    at_least = {
        "patients.view",
        "patients.create",
        "patients.edit",
        "patients.delete",
        "patients.view_sensitive",
        "referrers.view",
        "referrers.create",
        "referrers.edit",
        "referrers.delete",
        "catalog.view",
        "catalog.create",
        "catalog.edit",
        "catalog.delete",
        "lis.requests.view",
        "lis.requests.create",
        "lis.requests.update",
        "requests.workflow",
        "requests.cancel",
        "discounts.manual",
        "exports.run",
        "imports.run",
        "users.manage",
        "settings.edit",
        "backups.run",
        "audit.view",
        "prints.run",
    }
    assert at_least <= permissions.ALL


@pytest.mark.parametrize("role_name", ROLES)
def test_each_logged_in_role_is_allowed_exactly_its_seeded_set(database, role_name):
    """Through the real login and the database: require() grants the seeded set only."""
    actor = login_as(role_name)
    assert session.current() == actor and actor.role == role_name
    seeded = permissions.SEEDED_ROLES[role_name][1]
    for key in sorted(permissions.ALL):
        if key in seeded:
            assert session.require(key) == actor, key
        else:
            with pytest.raises(PermissionDenied):
                session.require(key)


def test_receptionist_supervisor_admin_on_the_key_actions(database):
    expectations = {
        "exports.run": (False, False, True),
        "patients.view_sensitive": (False, False, True),
        "discounts.manual": (False, True, True),
        "requests.workflow": (False, True, True),
        "prints.reports": (False, True, True),
        "users.manage": (False, False, True),
        "lis.requests.create": (True, True, True),
        "requests.cancel": (True, True, True),
    }
    for column, role_name in enumerate(ROLES):
        login_as(role_name)
        for key, allowed in expectations.items():
            assert session.has(key) is allowed[column], (role_name, key)


def test_deactivated_users_actor_has_nothing(database):
    from patolab_desktop.db.models import User
    from patolab_desktop.services.access import auth

    user_id = make_user("ana", permissions.ROLE_SUPERVISOR)
    User.update(active=False).where(User.id == user_id).execute()
    assert auth.actor_for(User.get_by_id(user_id)).permissions == frozenset()
