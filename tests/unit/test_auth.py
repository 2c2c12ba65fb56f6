"""Passwords (argon2id), first administrator, login, lockout, forced change, rehash."""

from __future__ import annotations

import datetime as dt

import pytest
from argon2 import PasswordHasher

from patolab_desktop.db.models import AuditLog, User
from patolab_desktop.services.access import auth, permissions, session, users
from patolab_desktop.services.errors import PermissionDenied, RuleError, ValidationError
from tests.security_helpers import PASSWORD, clock, make_user, no_session  # noqa: F401

pytestmark = pytest.mark.usefixtures("no_session")


def _user(username):
    return User.get(User.username_folded == username)


def test_fresh_database_ships_no_user_and_asks_for_the_first_admin(database):
    assert User.select().count() == 0
    assert auth.needs_first_admin()
    with pytest.raises(auth.LoginFailed):
        auth.login("admin", "admin")


@pytest.mark.sqlite_only
def test_first_admin_is_stored_as_argon2id_never_plaintext(database, db_path):
    secret = "Tegucigalpa#2026"
    actor = auth.create_first_admin("marta", "Marta Zelaya", secret)
    assert not auth.needs_first_admin()
    assert actor.role == permissions.ROLE_ADMIN and actor.permissions == permissions.ALL
    assert session.current() == actor and not actor.must_change_password
    stored = _user("marta").password_hash
    assert stored.startswith("$argon2id$")
    assert secret not in stored
    database.execute_sql("PRAGMA wal_checkpoint(FULL)")
    raw = b"".join(p.read_bytes() for p in db_path.parent.glob(db_path.name + "*"))
    assert secret.encode() not in raw
    assert b"$argon2id$" in raw


def test_first_admin_only_once_and_validated(database):
    with pytest.raises(ValidationError) as info:
        auth.create_first_admin("x", "", "corta")
    assert set(info.value.fields) == {"username", "full_name", "password"}
    with pytest.raises(ValidationError, match="igual al nombre de usuario"):
        auth.create_first_admin("administrador", "Ana", "ADMINISTRADOR")
    assert auth.needs_first_admin()
    auth.create_first_admin("marta", "Marta Zelaya", "una-clave-larga")
    with pytest.raises(RuleError):
        auth.create_first_admin("otro", "Otro", "una-clave-larga")
    actions = [r.action for r in AuditLog.select().order_by(AuditLog.id)]
    assert actions == ["create", "login"]


def test_login_success_and_failures(database, clock):
    make_user("Ana.López", permissions.ROLE_RECEPTION)
    actor = auth.login("ana.lopez", PASSWORD)  # case- and accent-insensitive username
    assert actor.username == "Ana.López" and session.current() == actor
    assert _user("ana.lopez").last_login_at == clock.now
    session.set_current(None)
    with pytest.raises(auth.LoginFailed, match="Usuario o contraseña incorrectos"):
        auth.login("ana.lopez", "equivocada")
    with pytest.raises(auth.LoginFailed, match="Usuario o contraseña incorrectos"):
        auth.login("nadie-secreto", PASSWORD)
    assert session.current() is None
    unknown = AuditLog.select().order_by(AuditLog.id.desc()).get()
    assert (unknown.action, unknown.entity_id, unknown.username) == (
        "login_failed",
        None,
        "sistema",
    )
    assert "nadie-secreto" not in unknown.detail and PASSWORD not in unknown.detail


def test_five_failures_lock_for_five_minutes_even_the_right_password(database, clock):
    make_user("ana", permissions.ROLE_RECEPTION)
    for attempt in range(1, 5):
        with pytest.raises(auth.LoginFailed) as info:
            auth.login("ana", "mala")
        assert not isinstance(info.value, auth.AccountLocked)
        assert _user("ana").failed_attempts == attempt
    assert "Le queda 1 intento" in str(info.value)
    with pytest.raises(auth.AccountLocked, match="5 minutos"):
        auth.login("ana", "mala")
    assert _user("ana").locked_until == clock.now + dt.timedelta(minutes=5)
    clock.advance(minutes=2)
    with pytest.raises(auth.AccountLocked, match="en 3 minutos") as info:
        auth.login("ana", PASSWORD)  # the right password is refused while locked
    assert info.value.minutes == 3
    clock.advance(minutes=2, seconds=30)
    with pytest.raises(auth.AccountLocked, match="en 1 minuto\\."):
        auth.login("ana", PASSWORD)
    clock.advance(seconds=30)  # exactly five minutes later
    actor = auth.login("ana", PASSWORD)
    assert actor.username == "ana"
    user = _user("ana")
    assert user.failed_attempts == 0 and user.locked_until is None
    actions = [
        r.action for r in AuditLog.select().where(AuditLog.entity == "user").order_by(AuditLog.id)
    ]
    assert actions.count("login_failed") == 5 and actions.count("account_locked") == 1
    assert actions[-1] == "login"


def test_success_resets_the_counter(database, clock):
    make_user("ana", permissions.ROLE_RECEPTION)
    for _ in range(4):
        with pytest.raises(auth.LoginFailed):
            auth.login("ana", "mala")
    auth.login("ana", PASSWORD)
    assert _user("ana").failed_attempts == 0
    for _ in range(4):
        with pytest.raises(auth.LoginFailed) as info:
            auth.login("ana", "mala")
        assert not isinstance(info.value, auth.AccountLocked)


def test_user_created_by_admin_must_change_password_at_first_login(database, clock):
    make_user("nuevo", permissions.ROLE_SUPERVISOR, password="temporal-123", must_change=True)
    actor = auth.login("nuevo", "temporal-123")
    assert actor.must_change_password
    with pytest.raises(PermissionDenied, match="cambiar su contraseña"):
        session.require("patients.view")
    with pytest.raises(ValidationError) as info:
        auth.change_password("temporal-123", "temporal-123")
    assert "distinta" in info.value.fields["new"]
    fresh = auth.change_password("temporal-123", "mi-clave-propia")
    assert not fresh.must_change_password and session.current() == fresh
    assert session.require("requests.workflow") == fresh
    assert not _user("nuevo").must_change_password
    session.set_current(None)
    with pytest.raises(auth.LoginFailed):
        auth.login("nuevo", "temporal-123")
    assert not auth.login("nuevo", "mi-clave-propia").must_change_password


def test_change_password_policy(database, clock):
    make_user("carlos.mejia", permissions.ROLE_RECEPTION)
    auth.login("carlos.mejia", PASSWORD)
    with pytest.raises(ValidationError) as info:
        auth.change_password("no-es-esta", "otra-clave-larga")
    assert set(info.value.fields) == {"old"}
    with pytest.raises(ValidationError, match="al menos 8"):
        auth.change_password(PASSWORD, "corta")
    with pytest.raises(ValidationError, match="igual al nombre de usuario"):
        auth.change_password(PASSWORD, "CARLOS.MEJIA")
    with pytest.raises(ValidationError, match="igual al nombre de usuario"):
        auth.change_password(PASSWORD, "Carlos.Mejía")
    auth.change_password(PASSWORD, "carlos.mejia-2026")  # contains the username: allowed
    assert AuditLog.select().where(AuditLog.action == "password_change").count() == 1


def test_change_password_needs_someone_logged_in(database):
    with pytest.raises(PermissionDenied):
        auth.change_password("a", "bbbbbbbbbb")
    with session.acting_as(session.system_actor()), pytest.raises(RuleError):
        auth.change_password("a", "bbbbbbbbbb")


def test_verify_password_for_screen_unlock_counts_towards_lockout(database, clock):
    make_user("ana", permissions.ROLE_RECEPTION)
    actor = auth.login("ana", PASSWORD)
    assert auth.verify_password(actor, PASSWORD)
    for _ in range(4):
        assert auth.verify_password(actor, "mala") is False
    with pytest.raises(auth.AccountLocked):
        auth.verify_password(actor, "mala")
    with pytest.raises(auth.AccountLocked):
        auth.verify_password(actor, PASSWORD)
    assert auth.lock_remaining_minutes(actor.id) == 5
    clock.advance(minutes=5)
    assert auth.lock_remaining_minutes(actor.id) == 0
    assert auth.verify_password(actor, PASSWORD)


def test_deactivated_user_cannot_log_in(database, clock):
    user_id = make_user("ana", permissions.ROLE_RECEPTION)
    with session.acting_as(session.system_actor()):
        users.deactivate(user_id)
    with pytest.raises(auth.LoginFailed, match="desactivado"):
        auth.login("ana", PASSWORD)
    assert session.current() is None


def test_hash_made_with_old_parameters_is_upgraded_at_login(database, clock):
    make_user("ana", permissions.ROLE_RECEPTION)
    weak = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1).hash(PASSWORD)
    User.update(password_hash=weak).where(User.username_folded == "ana").execute()
    auth.login("ana", PASSWORD)
    upgraded = _user("ana").password_hash
    assert upgraded != weak and upgraded.startswith("$argon2id$")
    assert not PasswordHasher().check_needs_rehash(upgraded)
    session.set_current(None)
    auth.login("ana", PASSWORD)
    assert _user("ana").password_hash == upgraded  # no rehash when already current


def test_logout_is_audited_and_clears_the_session(database, clock):
    make_user("ana", permissions.ROLE_RECEPTION)
    actor = auth.login("ana", PASSWORD)
    auth.logout()
    assert session.current() is None
    last = AuditLog.select().order_by(AuditLog.id.desc()).get()
    assert (last.action, last.user_id, last.username) == ("logout", actor.id, "ana")
