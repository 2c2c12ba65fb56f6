"""Lab-wide settings stored in the database, declared once with types and defaults.

Reading is open (the lab name on the login screen, the lock minutes); writing needs the
option's permission (``settings.edit``, or ``branches.manage`` for the default branch) and
is optimistic-locked: ``versions`` gives the version each value was read at and ``put``
refuses with ``ConflictError`` when someone saved the setting since (issue 15, 8 and 9).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from peewee import IntegrityError

from ..db.database import db
from ..db.models import Setting
from .access import session
from .errors import ConflictError, ValidationError
from .texts import QT_TRANSLATE_NOOP, translate


@dataclass(frozen=True)
class Option:
    key: str
    kind: type
    default: object
    label: str  # Spanish source (QT_TRANSLATE_NOOP); ``translate`` when shown
    permission: str = "settings.edit"  # who may change it


OPTIONS = {
    o.key: o
    for o in (
        Option(
            "default_branch_id",
            int,
            0,
            QT_TRANSLATE_NOOP("services.settings", "Sucursal predeterminada"),
            "branches.manage",
        ),
        Option(
            "senior_age", int, 60, QT_TRANSLATE_NOOP("services.settings", "Edad de tercera edad")
        ),
        Option(
            "senior_discount",
            Decimal,
            Decimal(30),
            QT_TRANSLATE_NOOP("services.settings", "Descuento tercera edad (%)"),
        ),
        Option("elder_age", int, 80, QT_TRANSLATE_NOOP("services.settings", "Edad de cuarta edad")),
        Option(
            "elder_discount",
            Decimal,
            Decimal(40),
            QT_TRANSLATE_NOOP("services.settings", "Descuento cuarta edad (%)"),
        ),
        Option(
            "lab_name",
            str,
            "Laboratorio PatoLab",
            QT_TRANSLATE_NOOP("services.settings", "Nombre del laboratorio"),
        ),
        Option("lab_address", str, "", QT_TRANSLATE_NOOP("services.settings", "Dirección")),
        Option("lab_rtn", str, "", QT_TRANSLATE_NOOP("services.settings", "RTN")),
        Option("lab_phone", str, "", QT_TRANSLATE_NOOP("services.settings", "Teléfono")),
        Option("lab_email", str, "", QT_TRANSLATE_NOOP("services.settings", "Correo")),
        Option(
            "lab_logo_path",
            str,
            "",
            QT_TRANSLATE_NOOP("services.settings", "Logotipo (archivo de imagen)"),
        ),
        Option(
            "label_width_mm",
            int,
            50,
            QT_TRANSLATE_NOOP("services.settings", "Ancho de la etiqueta (mm)"),
        ),
        Option(
            "label_height_mm",
            int,
            25,
            QT_TRANSLATE_NOOP("services.settings", "Alto de la etiqueta (mm)"),
        ),
        Option(
            "label_copies", int, 1, QT_TRANSLATE_NOOP("services.settings", "Copias por etiqueta")
        ),
        Option(
            "paper_size",
            str,
            "A4",
            QT_TRANSLATE_NOOP("services.settings", "Tamaño de papel (A4 o Letter)"),
        ),
        Option(
            "lock_minutes",
            int,
            10,
            QT_TRANSLATE_NOOP("services.settings", "Bloqueo por inactividad (minutos)"),
        ),
    )
}


def get(key: str):
    option = OPTIONS[key]
    row = Setting.get_or_none(Setting.key == key)
    if row is None:
        return option.default
    try:
        return option.kind(row.value)
    except (ValueError, ArithmeticError):
        return option.default


def put(key: str, value, expected_version: int | None = None) -> None:
    """Store one setting. ``expected_version`` (from ``versions``) makes the write refuse
    with ``ConflictError`` when someone saved this setting after it was read; 0 means
    "it was not stored yet"."""
    option = OPTIONS.get(key)
    session.require(option.permission if option is not None else "settings.edit")
    if option is None:
        raise ValidationError(
            {key: translate("services.settings", "Ajuste desconocido: {key}").format(key=key)}
        )
    try:
        typed = option.kind(value)
    except (ValueError, ArithmeticError) as exc:
        raise ValidationError(
            {
                key: translate(
                    "services.settings", "Valor no válido para «{setting}»: {value}"
                ).format(setting=translate("services.settings", option.label), value=value)
            }
        ) from exc
    if expected_version is None:
        Setting.insert(key=key, value=str(typed), version=1).on_conflict(
            conflict_target=[Setting.key],
            update={Setting.value: str(typed), Setting.version: Setting.version + 1},
        ).execute()
        return
    if expected_version == 0:  # read as "never saved": someone else may have saved it since
        try:
            with db.atomic():
                Setting.create(key=key, value=str(typed), version=1)
        except IntegrityError:
            raise ConflictError(_conflict(option)) from None
        return
    updated = (
        Setting.update(value=str(typed), version=Setting.version + 1)
        .where((Setting.key == key) & (Setting.version == expected_version))
        .execute()
    )
    if updated != 1:
        raise ConflictError(_conflict(option))


def _conflict(option: Option) -> str:
    return translate(
        "services.settings",
        "Otra persona cambió «{setting}» mientras usted lo editaba. Cierre y vuelva a "
        "abrir la ventana para ver el valor actual; sus cambios no se guardaron.",
    ).format(setting=translate("services.settings", option.label))


def versions(keys) -> dict[str, int]:
    """The stored version of each setting (0 for one never saved), for ``put``."""
    keys = list(keys)
    stored = dict(
        Setting.select(Setting.key, Setting.version).where(Setting.key.in_(keys)).tuples()
    )
    return {key: int(stored.get(key, 0)) for key in keys}


def get_many(keys) -> dict:
    """Several settings in one query (typed, defaults for the missing ones)."""
    keys = list(keys)
    stored = {row.key: row.value for row in Setting.select().where(Setting.key.in_(keys))}
    values = {}
    for key in keys:
        option = OPTIONS[key]
        try:
            values[key] = option.kind(stored[key]) if key in stored else option.default
        except (ValueError, ArithmeticError):
            values[key] = option.default
    return values
