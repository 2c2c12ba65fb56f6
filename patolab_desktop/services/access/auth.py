"""Passwords, login, lockout and the first administrator.

- Passwords are stored only as argon2id hashes (argon2-cffi ``PasswordHasher``
  defaults); a hash made with older parameters is replaced at the next login.
- No default password ships: on a database without users the first start asks for the
  administrator's own credentials (``needs_first_admin`` / ``create_first_admin``).
- ``MAX_FAILED_ATTEMPTS`` wrong passwords in a row lock the account for
  ``LOCK_MINUTES``; a locked account refuses even the right password until then.
  The screen unlock and the change-password check count as attempts too.
- Users created (or reset) by an administrator must change their password at the
  first login; until they do, their actor holds no permission.
- A change an administrator makes on another desk to a signed-in user (deactivated,
  password reset, her role or its permissions) holds for her next write at once: every
  write transaction first reads her user and role again in one query (``_check_writer``,
  in :mod:`.writer_check`) and refuses with ``SessionChanged`` when they are no longer
  what her actor was read from. Reads keep the actor of the sign-in; the desk reads it
  again every minute, and at once when a window opens or an export, a print or a backup
  starts (``recheck``).
- Password rules after NIST SP 800-63B (issue 15, point 11): at least
  ``MIN_PASSWORD_LENGTH`` (10) characters, not the user name, not on the bundled list of
  common passwords (``resources/data/common_passwords.txt``); no composition rules.
- A wrong password, an unknown user name and a locked account give the SAME messages:
  unknown names are verified against a dummy hash (same cost) and counted towards a
  lock-out of their own in memory, so neither the text nor the lock-out tells which
  user names exist.

``clock`` is the time source; tests replace it instead of sleeping.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from ...db.database import locked, write_transaction
from ...db.models import Role, RolePermission, User
from ...util.lookups import present
from ...util.text import clean, fold
from ..errors import NotFoundError, RuleError, ServiceError, ValidationError
from ..texts import translate
from . import audit, permissions, session
from .session import Actor
from .writer_check import (  # the write check, registered when it is imported
    _changed_listeners,
    _changed_since_read,
    _deactivated_or_reset,
    _refuse,
    _tell_changed,
    _writer_row,
)

MAX_FAILED_ATTEMPTS = 5
LOCK_MINUTES = 5
MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 256  # NIST: allow at least 64; bounded so hashing stays cheap
USERNAME_RE = re.compile(r"^[A-Za-z0-9ÁÉÍÓÚÜÑáéíóúüñ._-]{3,60}$")

_hasher = PasswordHasher()
_dummy_hash: str | None = None


def _dummy() -> str:
    """A hash to verify against when the username does not exist (same cost both ways)."""
    global _dummy_hash
    if _dummy_hash is None:
        _dummy_hash = _hasher.hash("patolab-no-such-user")
    return _dummy_hash


def clock() -> dt.datetime:
    return dt.datetime.now().replace(microsecond=0)


class LoginFailed(ServiceError):
    """Wrong username or password, or a deactivated account (message for the user)."""


class AccountLocked(LoginFailed):
    """Too many failed attempts. The message never names the account (the same text for
    an unknown user name)."""

    def __init__(self, minutes: int, username: str = "") -> None:
        self.minutes = minutes
        unit = (
            translate("services.auth", "minuto")
            if minutes == 1
            else translate("services.auth", "minutos")
        )
        text = translate(
            "services.auth",
            "La cuenta está bloqueada por demasiados intentos fallidos. "
            "Intente de nuevo en {minutes} {unit}.",
        )
        super().__init__(text.format(minutes=minutes, unit=unit))


# --- hashing and policy ---------------------------------------------------------------


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def _verify(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


_common: frozenset[str] | None = None


def common_password(password: str) -> bool:
    """Is ``password`` (ignoring case) on the bundled list of common passwords?"""
    global _common
    if _common is None:
        from ...paths import resource

        with open(resource("data", "common_passwords.txt"), encoding="utf-8") as fh:
            _common = frozenset(
                line.strip() for line in fh if line.strip() and not line.startswith("#")
            )
    return (password or "").strip().lower() in _common


def validate_password(password: str, username: str = "", field: str = "password") -> dict[str, str]:
    """NIST SP 800-63B: at least 10 characters, not the user name (ignoring case and
    accents), not a common password. Any character is allowed, spaces too."""
    password = password or ""
    if len(password) < MIN_PASSWORD_LENGTH:
        return {
            field: translate(
                "services.auth", "La contraseña debe tener al menos {length} caracteres."
            ).format(length=MIN_PASSWORD_LENGTH)
        }
    if len(password) > MAX_PASSWORD_LENGTH:
        return {
            field: translate(
                "services.auth", "La contraseña admite como máximo {length} caracteres."
            ).format(length=MAX_PASSWORD_LENGTH)
        }
    if username and fold(password) == fold(username):
        return {
            field: translate(
                "services.auth", "La contraseña no puede ser igual al nombre de usuario."
            )
        }
    if common_password(password) or common_password(fold(password)):
        return {
            field: translate(
                "services.auth",
                "Esa contraseña es de las más usadas y se adivina en segundos. Elija otra: "
                "una frase de varias palabras es fácil de recordar y difícil de adivinar.",
            )
        }
    return {}


def validate_username(username: str, field: str = "username") -> dict[str, str]:
    if not USERNAME_RE.match(username or ""):
        return {
            field: translate(
                "services.auth",
                "El usuario debe tener de 3 a 60 letras, números, puntos, "
                "guiones o guiones bajos, sin espacios.",
            )
        }
    return {}


# --- actors ---------------------------------------------------------------------------


def role_permission_set(role_id: int) -> frozenset[str]:
    keys = RolePermission.select(RolePermission.permission).where(RolePermission.role == role_id)
    return frozenset(p for (p,) in keys.tuples() if p in permissions.ALL)


def actor_for(user: User) -> Actor:
    role = Role.get_by_id(user.role_id)
    return Actor(
        id=user.id,
        username=user.username,
        full_name=user.full_name,
        role=role.name,
        permissions=role_permission_set(role.id) if user.active else frozenset(),
        must_change_password=bool(user.must_change_password),
        user_version=user.version,
        role_version=role.version,
    )


def refresh_current() -> Actor | None:
    """Reload the acting user's role, permissions and state (after an admin change)."""
    actor = session.current()
    if actor is None or actor.is_system or actor.id is None:
        return actor
    user = User.get_or_none(User.id == actor.id)
    fresh = actor_for(user) if user is not None else session.with_permissions(actor, ())
    session.set_current(fresh)
    return fresh


# --- changes made on another desk -------------------------------------------------------


def on_changed_elsewhere(listener: Callable[[], None]) -> None:
    """Call ``listener()`` (from the thread of the write or the recheck) whenever a write
    was refused because the acting user changed, or ``recheck`` found her changed: the GUI
    reads the user again at once, so that its menus and lock follow without waiting for
    the minute's recheck."""
    if listener not in _changed_listeners:
        _changed_listeners.append(listener)


def recheck() -> bool:
    """``session.recheck``: the write check's query (``_writer_row``) at the start of
    something sizeable. When an administrator changed the acting user since her actor
    was read, her actor is read again (``refresh_current``: what follows is refused as
    after the minute's recheck) and the desk is told (``on_changed_elsewhere``); True
    then. Nobody signed in and the system actor: False, no query."""
    actor = session.current()
    if actor is None or actor.is_system or actor.id is None:
        return False
    if not _changed_since_read(actor, _writer_row(actor.id)):
        return False
    refresh_current()
    _tell_changed()
    return True


session.recheck_with(recheck)


# --- first start ----------------------------------------------------------------------


def _create_user(username: str, full_name: str, role: Role, password: str, **flags: Any) -> User:
    """A new account row: its name folded for the unique check, its password hashed;
    ``flags`` are the other columns (``active``, ``must_change_password``...)."""
    return User.create(
        username=username,
        username_folded=fold(username),
        full_name=full_name,
        role=role,
        password_hash=hash_password(password),
        **flags,
    )


def _created_changes(user: User) -> dict[str, tuple]:
    """The audited fields of a new account (``_create_user``): user name, full name, role."""
    return {
        "username": (None, user.username),
        "full_name": (None, user.full_name),
        "role": (None, user.role.name),
    }


def needs_first_admin() -> bool:
    """True on a database without any user: the first start creates the administrator."""
    return not User.select().exists()


def create_first_admin(username: str, full_name: str, password: str) -> Actor:
    """Create the first administrator with their own password and log them in.

    The Administrador role's row is locked before users are looked for: two desks on a
    new PostgreSQL database would each see none (neither sees the other's new user before
    its commit) and create two administrators; the second one now waits for the first to
    commit, then finds its user and is refused. On SQLite the write transaction (BEGIN
    IMMEDIATE) already lets one desk in at a time."""
    username, full_name = clean(username), clean(full_name)
    errors = {**validate_username(username)}
    if not full_name:
        errors["full_name"] = translate("services.auth", "Escriba el nombre completo.")
    errors.update(validate_password(password, username))
    if errors:
        raise ValidationError(errors)
    with write_transaction(checked=False):  # a sign-in, on a database without users
        role = locked(Role.select().where(Role.name == permissions.ROLE_ADMIN)).first()
        if User.select().exists():
            raise RuleError(
                translate(
                    "services.auth", "Ya existe un administrador: inicie sesión con su usuario."
                )
            )
        if role is None:
            raise RuleError(
                translate("services.auth", "Falta el rol Administrador en la base de datos.")
            )
        user = _create_user(
            username, full_name, role, password, must_change_password=False, last_login_at=clock()
        )
        actor = actor_for(user)
        with session.acting_as(actor):
            audit.record(
                "create", "user", user.id, _created_changes(user), detail="Administrador inicial"
            )
            audit.record("login", "user", user.id)
    session.set_current(actor)
    return actor


# --- login ----------------------------------------------------------------------------


def _remaining_minutes(until: dt.datetime, now: dt.datetime) -> int:
    return max(1, math.ceil((until - now).total_seconds() / 60))


def _check_locked(user: User, now: dt.datetime) -> None:
    if user.locked_until is not None and user.locked_until > now:
        raise AccountLocked(_remaining_minutes(user.locked_until, now), user.username)


def _register_failure(user: User, now: dt.datetime, where: str) -> tuple[bool, int]:
    """Count one failed attempt; returns (locked now, attempts left). Commits at once,
    also for a user changed on another desk (unchecked): the lockout must count."""
    with write_transaction(checked=False):
        fresh = User.get_by_id(user.id)
        attempts = fresh.failed_attempts + 1
        locked = attempts >= MAX_FAILED_ATTEMPTS
        User.update(
            failed_attempts=0 if locked else attempts,
            locked_until=now + dt.timedelta(minutes=LOCK_MINUTES) if locked else fresh.locked_until,
        ).where(User.id == user.id).execute()
        with session.acting_as(actor_for(fresh)):
            audit.record("login_failed", "user", user.id, detail=where)
            if locked:
                audit.record(
                    "account_locked",
                    "user",
                    user.id,
                    detail=f"{MAX_FAILED_ATTEMPTS} intentos fallidos: "
                    f"bloqueada {LOCK_MINUTES} minutos",
                )
    return locked, MAX_FAILED_ATTEMPTS - attempts


_unknown_failures: dict[str, tuple[int, dt.datetime | None]] = {}  # folded name -> state


def _check_unknown_locked(folded: str, now: dt.datetime) -> None:
    _attempts, until = _unknown_failures.get(folded, (0, None))
    if until is not None and until > now:
        raise AccountLocked(_remaining_minutes(until, now))


def _register_unknown_failure(folded: str, now: dt.datetime) -> tuple[bool, int]:
    """``_register_failure`` for a user name that does not exist (kept in memory only)."""
    if len(_unknown_failures) > 10_000:  # bounded: a flood of names cannot grow it forever
        _unknown_failures.clear()
    attempts, until = _unknown_failures.get(folded, (0, None))
    attempts += 1
    locked = attempts >= MAX_FAILED_ATTEMPTS
    _unknown_failures[folded] = (
        0 if locked else attempts,
        now + dt.timedelta(minutes=LOCK_MINUTES) if locked else until,
    )
    return locked, MAX_FAILED_ATTEMPTS - attempts


def _wrong_password(user: User, password: str, now: dt.datetime, where: str) -> int | None:
    """None when ``password`` is the user's; otherwise the attempts left before the lockout.
    A wrong password counts towards it; ``AccountLocked`` while the account is locked,
    also when this attempt locks it. ``where``: the audit's word for the attempt."""
    _check_locked(user, now)
    if _verify(user.password_hash, password or ""):
        return None
    locked, left = _register_failure(user, now, where)
    if locked:
        raise AccountLocked(LOCK_MINUTES, user.username)
    return left


def _failure_message(locked: bool, left: int, username: str) -> LoginFailed:
    if locked:
        return AccountLocked(LOCK_MINUTES, username)
    text = translate("services.auth", "Usuario o contraseña incorrectos.")
    if left == 1:
        text += " " + translate(
            "services.auth",
            "Le queda 1 intento antes de que la cuenta se bloquee {minutes} minutos.",
        ).format(minutes=LOCK_MINUTES)
    elif left <= 2:
        text += " " + translate(
            "services.auth",
            "Le quedan {left} intentos antes de que la cuenta se bloquee {minutes} minutos.",
        ).format(left=left, minutes=LOCK_MINUTES)
    return LoginFailed(text)


def login(username: str, password: str) -> Actor:
    """Check the credentials, make the user the acting user and return their actor.

    Raises ``LoginFailed`` (wrong credentials, deactivated) or ``AccountLocked``.
    """
    now = clock()
    folded = fold(clean(username))
    user = User.get_or_none(User.username_folded == folded)
    if user is None:
        # the same work, the same counting and the same messages as for a real account
        _check_unknown_locked(folded, now)
        _verify(_dummy(), password or "")
        with write_transaction(checked=False), session.acting_as(None):
            # what was typed is not kept: people type their password in the wrong box
            audit.record("login_failed", "user", None, detail="Usuario desconocido")
        locked, left = _register_unknown_failure(folded, now)
        raise _failure_message(locked, left, "")
    attempts_left = _wrong_password(user, password, now, "Inicio de sesión")
    if attempts_left is not None:
        raise _failure_message(False, attempts_left, user.username)
    if not user.active:
        raise LoginFailed(
            translate(
                "services.auth", "Este usuario está desactivado. Consulte a un administrador."
            )
        )
    with write_transaction(checked=False):  # whoever was acting is replaced by this sign-in
        changes: dict[str, object] = {
            "failed_attempts": 0,
            "locked_until": None,
            "last_login_at": now,
        }
        if _hasher.check_needs_rehash(user.password_hash):
            changes["password_hash"] = hash_password(password)
        User.update(**changes).where(User.id == user.id).execute()
        actor = actor_for(User.get_by_id(user.id))
        with session.acting_as(actor):
            audit.record("login", "user", user.id)
    session.set_current(actor)
    return actor


def logout() -> None:
    actor = session.current()
    if actor is not None and actor.id is not None:
        with write_transaction(checked=False):  # signing out, as signing in, whatever she became
            audit.record("logout", "user", actor.id)
    session.set_current(None)


def verify_password(actor: Actor, password: str) -> bool:
    """The screen unlock: is ``password`` the password of ``actor``?

    Wrong passwords count towards the lockout. Raises ``AccountLocked`` while the
    account is locked (also when this attempt locks it) and ``LoginFailed`` when the
    user was deactivated meanwhile.
    """
    if actor is None or actor.id is None:
        return False
    now = clock()
    user = User.get_or_none(User.id == actor.id)
    if user is None:
        raise LoginFailed(translate("services.auth", "Este usuario ya no existe."))
    if _wrong_password(user, password, now, "Desbloqueo de pantalla") is not None:
        return False
    if not user.active:
        raise LoginFailed(
            translate("services.auth", "Este usuario fue desactivado. Consulte a un administrador.")
        )
    if user.failed_attempts:
        with write_transaction(checked=False):  # the lockout's count, as ``_register_failure``
            User.update(failed_attempts=0).where(User.id == user.id).execute()
    return True


def change_password(old: str, new: str) -> Actor:
    """Change the acting user's own password; clears the forced change.

    ``ValidationError`` fields: ``old`` (wrong current password), ``new`` (policy).
    """
    actor = session.require_login()
    if actor.is_system or actor.id is None:
        raise RuleError(translate("services.auth", "El usuario del sistema no tiene contraseña."))
    now = clock()
    user = present(
        User.get_or_none(User.id == actor.id),
        NotFoundError(translate("services.auth", "Este usuario ya no existe.")),
    )
    # reset on another desk: the password she knows is no longer hers, and a refusal
    # counted towards the lockout would tell her nothing of why
    reason = _deactivated_or_reset(actor, user.active, user.must_change_password)
    if reason:
        raise _refuse(reason)
    if _wrong_password(user, old, now, "Cambio de contraseña") is not None:
        raise ValidationError(
            {"old": translate("services.auth", "La contraseña actual no es correcta.")}
        )
    errors = validate_password(new, user.username, field="new")
    if not errors and new == old:
        errors = {
            "new": translate("services.auth", "La nueva contraseña debe ser distinta de la actual.")
        }
    if errors:
        raise ValidationError(errors)
    # her own password, proven by the current one (deactivation and reset refused above):
    # a change of her role's permissions meanwhile does not stop it
    with write_transaction(checked=False):
        User.update(
            password_hash=hash_password(new),
            must_change_password=False,
            failed_attempts=0,
            locked_until=None,
            updated_at=now,
        ).where(User.id == user.id).execute()
        audit.record("password_change", "user", user.id)
        fresh = actor_for(User.get_by_id(user.id))
    session.set_current(fresh)
    return fresh


def lock_remaining_minutes(user_id: int) -> int:
    """Minutes until a locked account opens again; 0 when it is not locked."""
    user = User.get_or_none(User.id == user_id)
    if user is None or user.locked_until is None:
        return 0
    now = clock()
    return _remaining_minutes(user.locked_until, now) if user.locked_until > now else 0
