"""Errors raised by services; their messages are shown to the user as they are (Spanish)."""

from __future__ import annotations

from typing import TypeVar

# The connection to the PostgreSQL server broke (db.database): any service call may raise
# it, the next call connects again. Named here for the UI, which imports no db module.
from ..db.database import ConnectionLost as ConnectionLost

# What to do when the database is locked, its disk full or it is read-only (db.errors);
# None for another error. For the crash handler and the command line.
from ..db.errors import database_refusal as database_refusal


class ServiceError(Exception):
    """Base class: ``str(error)`` is a complete message for the user."""


class ValidationError(ServiceError):
    """Bad input. ``fields`` maps a field name to its message for inline display."""

    def __init__(self, fields: dict[str, str] | str) -> None:
        if isinstance(fields, str):
            fields = {"__all__": fields}
        self.fields = dict(fields)
        super().__init__("\n".join(self.fields.values()))


T = TypeVar("T")


def valid(cleaned: tuple[T, dict[str, str]]) -> T:
    """The data of a ``(cleaned data, field errors)`` pair; ValidationError(errors) when
    cleaning found any."""
    data, errors = cleaned
    if errors:
        raise ValidationError(errors)
    return data


class NotFoundError(ServiceError):
    pass


class RuleError(ServiceError):
    """A business rule forbids the action (e.g. cancelling a completed request)."""


class ConflictError(ServiceError):
    """Someone else changed the record since it was read (optimistic concurrency)."""


class PermissionDenied(ServiceError):
    pass


class SessionChanged(PermissionDenied):
    """An administrator changed the acting user since she signed in (deactivated her,
    reset her password, changed her or her role's permissions): a write is refused before
    anything is saved (``services.access.auth``), and the desk reads the user again."""


def stale(what: str) -> ConflictError:
    """The optimistic-lock refusal (issue 15, point 9): ``what`` names the record in the
    active language ("la sucursal «Centro»")."""
    from .texts import translate

    return ConflictError(
        translate(
            "services.errors",
            "Otra persona modificó {what} mientras usted lo editaba. Sus cambios no se "
            "guardaron: cierre la ventana y vuelva a abrirla para ver los datos actuales.",
        ).format(what=what)
    )
