"""The acting user of this process and the permission check every service makes.

PatoLab Desktop is one person at one workstation, so the acting user is one value per
process (worker threads started by the GUI act for the same person). Deny by default:
with nobody logged in, ``require`` refuses everything.

Services call ``require("patients.edit")`` as their first line; the GUI hides what a
role cannot do, but this check is the one that counts. The CLI and tests act through
``acting_as(system_actor("cli"))``.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from typing import Any

from ..errors import PermissionDenied
from ..texts import translate
from . import permissions

SYSTEM_ROLE = "Sistema"


@dataclass(frozen=True)
class Actor:
    id: int | None  # User.id; None for the system actor
    username: str
    full_name: str
    role: str
    permissions: frozenset = field(default_factory=frozenset)
    must_change_password: bool = False  # no permissions until the password is changed
    is_system: bool = False
    # the user's and the role's ``version`` when read (sign-in, ``auth.refresh_current``):
    # a write refuses an actor an administrator changed since (``auth._check_writer``)
    user_version: int = 0
    role_version: int = 0

    def has(self, permission: str) -> bool:
        if self.must_change_password and not self.is_system:
            return False
        return permission in self.permissions

    @property
    def display_name(self) -> str:
        return self.full_name or self.username


_lock = threading.Lock()
_current: Actor | None = None


def current() -> Actor | None:
    return _current


def set_current(actor: Actor | None) -> None:
    global _current
    with _lock:
        _current = actor


def has(permission: str) -> bool:
    """Does the acting user hold ``permission``? False when nobody is logged in."""
    actor = _current
    return actor is not None and actor.has(permission)


def refusal(*needed: str) -> str:
    """Why the acting user may not do what needs every permission of ``needed`` ("" when
    they may): the message ``require`` refuses with (for the first one missing), so a
    control the screen turns off can say the same in its tooltip before anyone clicks.

    An unknown permission key is a programming error and raises ``KeyError``.
    """
    actor = _current
    return next((text for key in needed if (text := _refusal(actor, key))), "")


def _refusal(actor: Actor | None, permission: str) -> str:
    spec = permissions.get(permission)
    if actor is None:
        return translate("services.session", "Debe iniciar sesión para {action}.").format(
            action=spec.action_text
        )
    if actor.must_change_password and not actor.is_system:
        return translate(
            "services.session", "Debe cambiar su contraseña antes de {action}."
        ).format(action=spec.action_text)
    if not actor.has(permission):
        return translate(
            "services.session",
            "No tiene permiso para {action}. Su rol ({role}) no lo incluye; "
            "pida a un administrador que se lo asigne.",
        ).format(action=spec.action_text, role=permissions.role_label(actor.role))
    return ""


def require(permission: str, *more: str) -> Actor:
    """Return the acting user, or raise ``PermissionDenied`` naming the action (the first
    of ``permission`` and ``more`` the user lacks: ``refusal``'s message).

    An unknown permission key is a programming error and raises ``KeyError`` (denied too).
    """
    actor = _current
    refused = refusal(permission, *more)
    if refused or actor is None:
        raise PermissionDenied(refused)
    return actor


# how ``recheck`` reads the user again: ``auth.recheck``, registered by ``auth`` (which
# imports this module), as the write check is registered with the database layer. A
# signed-in actor comes from ``auth``, so it is registered whenever there is one to read.
_reread: Callable[[], bool] | None = None


def recheck_with(reread: Callable[[], bool]) -> None:
    """``recheck`` calls ``reread()`` (registered once, by ``auth``)."""
    global _reread
    _reread = reread


def recheck() -> bool:
    """Read the signed-in user again now, as the minute's recheck would (one query by
    primary key while nothing changed): for the start of something sizeable (a window
    opened, an export, a print, a backup), never for a search as one types. True when an
    administrator changed her meanwhile: her actor was read again (``auth.recheck``)."""
    return _reread is not None and _reread()


def require_now(permission: str, *more: str) -> Actor:
    """``require`` after ``recheck``: a permission withdrawn on another desk a moment ago
    is refused at once (an export, a print, a backup starts with it)."""
    recheck()
    return require(permission, *more)


def require_login() -> Actor:
    """The acting user, whatever their permissions (e.g. to change one's own password)."""
    actor = _current
    if actor is None:
        raise PermissionDenied(translate("services.session", "Debe iniciar sesión."))
    return actor


def system_actor(name: str = "cli") -> Actor:
    """An actor holding every permission, for the command line and maintenance jobs."""
    return Actor(
        id=None,
        username=name,
        full_name=f"Sistema ({name})",
        role=SYSTEM_ROLE,
        permissions=permissions.ALL,
        is_system=True,
    )


@contextmanager
def acting_as(actor: Actor | None) -> Iterator[Actor | None]:
    """Act as ``actor`` inside the block, then restore whoever was acting before."""
    previous = _current
    set_current(actor)
    try:
        yield actor
    finally:
        set_current(previous)


def with_permissions(actor: Actor, granted: Any) -> Actor:
    """A copy of ``actor`` holding ``granted`` (used when a role's permissions change)."""
    return replace(actor, permissions=frozenset(granted))


def username_for_audit() -> str:
    actor = _current
    return actor.username if actor is not None else "sistema"
