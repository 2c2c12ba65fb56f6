"""The lab's header on every paper (name, address, RTN, phone, e-mail, logo) and the print
settings (tube label size and copies, paper size): read, checked and saved together."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from .. import customers as customers_service
from .. import settings
from ..access import audit, session
from ..errors import ValidationError
from ..texts import translate

PAPER_SIZES = ("A4", "Letter")
LABEL_MAX_MM = 120
# the sizes on which every text of a tube label fits whole (tests/unit/test_label_layout.py)
LABEL_WIDTH_RANGE = (35, LABEL_MAX_MM)
LABEL_HEIGHT_RANGE = (18, LABEL_MAX_MM)
# common tube and specimen labels (width × height, mm); 50 × 25 is the default
LABEL_SIZES = ((50, 25), (38, 25), (40, 20), (50, 30), (57, 32), (60, 30), (60, 40), (100, 50))
MAX_COPIES = 50
LAB_HEADER_KEYS = ("lab_name", "lab_address", "lab_rtn", "lab_phone", "lab_email", "lab_logo_path")
PRINT_KEYS = ("label_width_mm", "label_height_mm", "label_copies", "paper_size")
LOGO_SUFFIXES = (".png", ".jpg", ".jpeg", ".bmp", ".gif", ".svg")


def lab_header() -> dict:
    """name, address, rtn, phone, email, logo_path (``logo_path`` only if the file exists)."""
    values = settings.get_many(LAB_HEADER_KEYS)
    logo = values["lab_logo_path"] or ""
    return {
        "name": values["lab_name"],
        "address": values["lab_address"],
        "rtn": values["lab_rtn"],
        "phone": values["lab_phone"],
        "email": values["lab_email"],
        "logo_path": logo if logo and os.path.isfile(logo) else "",
        "logo_missing": bool(logo) and not os.path.isfile(logo),
    }


def validate_lab_header(values: dict) -> dict[str, str]:
    """Field → message for the lab header form; ``{}`` when valid."""
    errors: dict[str, str] = {}
    if not str(values.get("lab_name", "")).strip():
        errors["lab_name"] = translate(
            "services.reports", "El nombre del laboratorio es obligatorio."
        )
    rtn = "".join(ch for ch in str(values.get("lab_rtn", "")) if ch.isdigit())
    if str(values.get("lab_rtn", "")).strip() and len(rtn) != 14:
        errors["lab_rtn"] = translate("services.reports", "El RTN debe tener 14 dígitos.")
    try:
        customers_service.normalise_email(str(values.get("lab_email", "")))
    except ValueError as exc:
        errors["lab_email"] = str(exc)
    logo = str(values.get("lab_logo_path", "")).strip()
    if logo:
        path = Path(logo)
        if not path.is_file():
            errors["lab_logo_path"] = translate(
                "services.reports", "No se encuentra el archivo del logotipo."
            )
        elif path.suffix.lower() not in LOGO_SUFFIXES:
            errors["lab_logo_path"] = translate(
                "services.reports", "El logotipo debe ser una imagen PNG, JPG, BMP, GIF o SVG."
            )
    return errors


def save_lab_header(values: dict) -> None:
    """Store the lab header (keys of ``LAB_HEADER_KEYS``); ValidationError when invalid."""
    session.require("settings.edit")
    save_print_setup(_only(values, LAB_HEADER_KEYS))


def save_print_settings(values: dict) -> None:
    """label_width_mm, label_height_mm, label_copies, paper_size; ValidationError when invalid."""
    session.require("settings.edit")
    save_print_setup(_only(values, PRINT_KEYS))


def save_print_setup(values: dict, versions: dict[str, int] | None = None) -> None:
    """Store lab header and print settings together (the header dialog's "Guardar").

    Keys: ``LAB_HEADER_KEYS`` and ``PRINT_KEYS``; validated together, saved in one
    transaction and audited; ValidationError(field → message) when anything is wrong.
    ``versions`` (``settings.versions`` when the dialog was filled) refuses the save with
    ``ConflictError`` when another desk saved one of these settings meanwhile.
    """
    session.require("settings.edit")
    header = {key: str(value).strip() for key, value in _only(values, LAB_HEADER_KEYS).items()}
    printing = _only(values, PRINT_KEYS)
    errors = validate_lab_header(header) if header else {}
    errors.update(validate_print_settings(printing))
    if errors:
        raise ValidationError(errors)
    _save_settings({**header, **printing}, versions or {})


def _only(values: dict, keys: tuple[str, ...]) -> dict:
    """The entries of ``values`` whose key is one of ``keys``."""
    return {key: values[key] for key in keys if key in values}


def _save_settings(values: dict, versions: dict[str, int]) -> None:
    """Store settings in one transaction and audit what changed."""
    from ...db.database import write_transaction

    session.require("settings.edit")
    with write_transaction():
        before = {key: settings.get(key) for key in values}
        for key, value in values.items():
            settings.put(key, value, versions.get(key))
        after = {key: settings.get(key) for key in values}
        changes = audit.diff(before, after)
        if changes:
            audit.record(
                "settings_change", "setting", None, changes=changes, detail="Encabezado e impresión"
            )


def paper_size() -> str:
    value = str(settings.get("paper_size") or "A4")
    return value if value in PAPER_SIZES else "A4"


def label_settings() -> dict:
    """width_mm, height_mm, copies — clamped to what a label printer can take."""

    def clamp(value: Any, low: int, high: int, default: int) -> int:
        try:
            value = int(value)
        except (TypeError, ValueError):
            return default
        return min(max(value, low), high)

    return {
        "width_mm": clamp(settings.get("label_width_mm"), *LABEL_WIDTH_RANGE, 50),
        "height_mm": clamp(settings.get("label_height_mm"), *LABEL_HEIGHT_RANGE, 25),
        "copies": clamp(settings.get("label_copies"), 1, MAX_COPIES, 1),
    }


def validate_print_settings(values: dict) -> dict[str, str]:
    errors: dict[str, str] = {}
    for key, low, high in (
        ("label_width_mm", *LABEL_WIDTH_RANGE),
        ("label_height_mm", *LABEL_HEIGHT_RANGE),
        ("label_copies", 1, MAX_COPIES),
    ):
        if key not in values:
            continue
        try:
            number = int(values[key])
        except (TypeError, ValueError):
            errors[key] = translate("services.reports", "Debe ser un número entero.")
            continue
        if not low <= number <= high:
            errors[key] = translate("services.reports", "Debe estar entre {low} y {high}.").format(
                low=low, high=high
            )
    if "paper_size" in values and values["paper_size"] not in PAPER_SIZES:
        errors["paper_size"] = translate(
            "services.reports", "Tamaño de papel no válido (A4 o Letter)."
        )
    return errors
