"""Lab-wide settings stored in the database, declared once with types and defaults.

Reading is open (the lab name on the login screen, the lock minutes); writing needs the
option's permission (``settings.edit``, or ``branches.manage`` for the default branch) and
is optimistic-locked: ``versions`` gives the version each value was read at and ``put``
refuses with ``ConflictError`` when someone saved the setting since (issue 15, 8 and 9).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, TypeVar

from peewee import IntegrityError

from ..db.database import db, write_transaction
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
        Option(
            "lab_legal_name",
            str,
            "",
            QT_TRANSLATE_NOOP("services.settings", "Razón social (factura)"),
        ),
        Option(
            "lab_address",
            str,
            "",
            QT_TRANSLATE_NOOP("services.settings", "Dirección (casa matriz)"),
        ),
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
        # WhatsApp Cloud API (issue 18); the access token lives in the OS credential store
        Option(
            "billing_point",
            str,
            "001",
            QT_TRANSLATE_NOOP("services.settings", "Punto de emisión de esta estación (3 dígitos)"),
            "billing.authorisations",
        ),
        Option(
            "notify_phone_number_id",
            str,
            "",
            QT_TRANSLATE_NOOP("services.settings", "WhatsApp: identificador del número"),
            "notify.manage",
        ),
        Option(
            "notify_waba_id",
            str,
            "",
            QT_TRANSLATE_NOOP("services.settings", "WhatsApp: identificador de la cuenta (WABA)"),
            "notify.manage",
        ),
        Option(
            "notify_graph_version",
            str,
            "v25.0",
            QT_TRANSLATE_NOOP("services.settings", "WhatsApp: versión de Graph API"),
            "notify.manage",
        ),
        Option(
            "notify_api_base",
            str,
            "https://graph.facebook.com",
            QT_TRANSLATE_NOOP("services.settings", "WhatsApp: dirección de la API"),
            "notify.manage",
        ),
        *(
            Option(
                f"notify_{event}_{part}",
                kind,
                default,
                label,
                "notify.manage",
            )
            for event, template in (
                ("received", "solicitud_recibida"),
                ("partial", "resultados_parciales"),
                ("ready", "resultados_listos"),
                ("cancelled", "solicitud_cancelada"),
            )
            for part, kind, default, label in (
                ("template", str, template, QT_TRANSLATE_NOOP("services.settings", "Plantilla")),
                ("language", str, "es", QT_TRANSLATE_NOOP("services.settings", "Idioma")),
                ("enabled", int, 1, QT_TRANSLATE_NOOP("services.settings", "Enviar")),
            )
        ),
        Option(
            "lock_minutes",
            int,
            10,
            QT_TRANSLATE_NOOP("services.settings", "Bloqueo por inactividad (minutos)"),
        ),
    )
}


def get(key: str) -> Any:
    """The typed value of a setting (``OPTIONS[key].kind``), its default when not stored."""
    option = OPTIONS[key]
    row = Setting.get_or_none(Setting.key == key)
    if row is None:
        return option.default
    try:
        return option.kind(row.value)
    except (ValueError, ArithmeticError):
        return option.default


def put(key: str, value: object, expected_version: int | None = None) -> None:
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
    # alone, a write of its own with the check of who writes; in a caller's, part of it
    with write_transaction():
        _store(option, key, str(typed), expected_version)


def _store(option: Option, key: str, value: str, expected_version: int | None) -> None:
    if expected_version is None:
        Setting.insert(key=key, value=value, version=1).on_conflict(
            conflict_target=[Setting.key],
            update={Setting.value: value, Setting.version: Setting.version + 1},
        ).execute()
        return
    if expected_version == 0:  # read as "never saved": someone else may have saved it since
        try:
            with db.atomic():
                Setting.create(key=key, value=value, version=1)
        except IntegrityError:
            raise ConflictError(_conflict(option)) from None
        return
    updated = (
        Setting.update(value=value, version=Setting.version + 1)
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


def versions(keys: Iterable[str]) -> dict[str, int]:
    """The stored version of each setting (0 for one never saved), for ``put``."""
    keys = list(keys)
    stored = dict(
        Setting.select(Setting.key, Setting.version).where(Setting.key.in_(keys)).tuples()
    )
    return {key: int(stored.get(key, 0)) for key in keys}


def get_many(keys: Iterable[str]) -> dict[str, Any]:
    """Several settings in one query (typed, defaults for the missing ones)."""
    keys = list(keys)
    stored = {row.key: row.value for row in Setting.select().where(Setting.key.in_(keys))}
    values: dict[str, Any] = {}
    for key in keys:
        option = OPTIONS[key]
        try:
            values[key] = option.kind(stored[key]) if key in stored else option.default
        except (ValueError, ArithmeticError):
            values[key] = option.default
    return values


# --- the administrators' settings screen (issue 16 E) -----------------------------------------

DISCOUNT_KEYS = ("senior_age", "senior_discount", "elder_age", "elder_discount")
# every issuer field a factura demands (``billing.records.check_issuer``) is on this screen,
# the one its refusal names: a lab that cannot set its razón social can never issue one
LAB_KEYS = ("lab_name", "lab_legal_name", "lab_address", "lab_rtn", "lab_phone", "lab_email")
ADMIN_KEYS = (*DISCOUNT_KEYS, "default_branch_id", "lock_minutes", *LAB_KEYS)
MAX_LOCK_MINUTES = 240
PERMISSION = "settings.edit"


def admin_values() -> dict:
    """The settings the administrators' screen edits (typed, defaults for the missing)."""
    from .access import session

    session.require(PERMISSION)
    return get_many(ADMIN_KEYS)


Number = TypeVar("Number", int, Decimal)


def _number(
    values: dict, key: str, kind: Callable[[str], Number], errors: dict[str, str]
) -> Number | None:
    text = str(values.get(key, "")).strip().replace(",", ".")
    try:
        return kind(text)
    except (ValueError, ArithmeticError):
        errors[key] = translate("services.settings", "Escriba un número.")
        return None


def validate_admin(values: dict) -> dict[str, str]:
    """Field → message for the settings screen; ``{}`` when every value may be stored.

    Ages 0–130 with the cuarta edad above the tercera; percents 0–100 (a line's net is
    price − discount, so it is never negative); an active default branch; an idle lock of
    0 (never) to 240 minutes; a lab name, and an RTN of 14 digits when given."""
    from ..db.models import Branch

    errors: dict[str, str] = {}
    ages: dict[str, int | None] = {}
    for key in ("senior_age", "elder_age"):
        if key in values:
            age = _number(values, key, int, errors)
            if age is not None and not 0 <= age <= 130:
                errors[key] = translate("services.settings", "La edad va de 0 a 130 años.")
            ages[key] = age
    for key in ("senior_discount", "elder_discount"):
        if key in values:
            percent = _number(values, key, Decimal, errors)
            if percent is not None and not (percent.is_finite() and 0 <= percent <= 100):
                errors[key] = translate(
                    "services.settings", "El porcentaje va de 0 a 100 (el neto nunca es negativo)."
                )
    senior, elder = ages.get("senior_age"), ages.get("elder_age")
    if senior is not None and elder is not None and "elder_age" not in errors and elder <= senior:
        errors["elder_age"] = translate(
            "services.settings", "La cuarta edad debe ser mayor que la tercera edad."
        )
    if "lock_minutes" in values:
        minutes = _number(values, "lock_minutes", int, errors)
        if minutes is not None and not 0 <= minutes <= MAX_LOCK_MINUTES:
            errors["lock_minutes"] = translate(
                "services.settings", "De 0 (nunca) a {max} minutos."
            ).format(max=MAX_LOCK_MINUTES)
    if "default_branch_id" in values:
        branch = _number(values, "default_branch_id", int, errors)
        if branch is not None and not (
            Branch.select().where((Branch.id == branch) & (Branch.active == True)).exists()  # noqa: E712
        ):
            errors["default_branch_id"] = translate(
                "services.settings", "Elija una sucursal activa."
            )
    if "lab_name" in values and not str(values["lab_name"]).strip():
        errors["lab_name"] = translate(
            "services.settings", "El nombre del laboratorio es obligatorio."
        )
    rtn = str(values.get("lab_rtn", "")).strip()
    if rtn and len("".join(ch for ch in rtn if ch.isdigit())) != 14:
        errors["lab_rtn"] = translate("services.settings", "El RTN debe tener 14 dígitos.")
    return errors


def save_admin(values: dict, versions: dict[str, int] | None = None) -> list[str]:
    """Store the settings screen's values (keys of ``ADMIN_KEYS``) in one transaction,
    one audit row per changed setting; ``ValidationError(field → message)`` when anything
    is wrong. Returns the keys that changed. ``versions`` (``versions(ADMIN_KEYS)`` when
    the screen was filled) refuses the whole save with ``ConflictError`` when another desk
    changed one of the edited settings meanwhile."""
    from .access import audit, session

    session.require(PERMISSION)
    values = {key: values[key] for key in ADMIN_KEYS if key in values}
    errors = validate_admin(values)
    if errors:
        raise ValidationError(errors)
    changed = []
    with write_transaction():
        for key, value in values.items():
            option = OPTIONS[key]
            new = option.kind(str(value).strip().replace(",", "."))
            if option.kind is str:
                new = str(value).strip()
            old = get(key)
            if old == new:
                continue
            put(key, new, (versions or {}).get(key))
            audit.record(
                "settings_change",
                "setting",
                None,
                {key: (old, new)},
                detail=option.label,
            )
            changed.append(key)
    return changed
