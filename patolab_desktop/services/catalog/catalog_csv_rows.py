"""Reading a catalog CSV for import: the file (size, encoding, «,» or «;»), its header
(the column names it may use, the required and optional columns) and each row with its
own errors (code, name, sample type, price, active, tax class, panel members); the
progress and cancel checks the import shares with its writing step (``catalog_csv``)."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from ...util.courtesy import courtesy
from ...util.text import clean, fold
from ..billing.types import EXEMPT, TAX_CLASS_LABELS, TAX_CLASSES, label
from ..csvio import DELIMITERS, sniff_delimiter, unneutralise
from ..errors import ServiceError, ValidationError
from ..texts import QT_TRANSLATE_NOOP, translate
from .values import CODE_RE, NAME_MAX, SAMPLE_MAX, normalize_code, parse_price

IMPORT_MAX_BYTES = 5 * 1024 * 1024
READ_TICK = 1000  # rows read between two progress reports (and looks at ``cancelled``)

Progress = Callable[..., None] | None  # progress(done, total=None)
Cancelled = Callable[[], bool] | None

IMPORT_REQUIRED = ("code", "name", "price")
# the columns a file may leave out: an existing row keeps that field as it is (a price
# list of code,name,price dissolved every panel in it and emptied every sample type)
IMPORT_OPTIONAL = {
    "sample_type": QT_TRANSLATE_NOOP("services.catalog", "tipo de muestra"),
    "panel_members": QT_TRANSLATE_NOOP("services.catalog", "miembros del perfil"),
    "active": QT_TRANSLATE_NOOP("services.catalog", "activa"),
    "tax_class": QT_TRANSLATE_NOOP("services.catalog", "impuesto"),
}
_HEADER_ALIASES = {
    "code": "code",
    "codigo": "code",
    "cod": "code",
    "name": "name",
    "nombre": "name",
    "investigacion": "name",
    "sample_type": "sample_type",
    "sample": "sample_type",
    "tipo_de_muestra": "sample_type",
    "tipo_muestra": "sample_type",
    "muestra": "sample_type",
    "price": "price",
    "precio": "price",
    "panel_members": "panel_members",
    "members": "panel_members",
    "miembros": "panel_members",
    "perfil": "panel_members",
    "miembros_del_perfil": "panel_members",
    "active": "active",
    "activo": "active",
    "activa": "active",
    "estado": "active",
    "tax_class": "tax_class",
    "impuesto": "tax_class",
    "impuesto_(factura)": "tax_class",
    "isv": "tax_class",
    "clase_de_impuesto": "tax_class",
    "clase_impuesto": "tax_class",
}
_TRUE = {"1", "si", "s", "true", "yes", "y", "activo", "activa", "x"}
_FALSE = {"0", "no", "n", "false", "inactivo", "inactiva"}


class ImportCancelled(ServiceError):
    """The person cancelled the import: nothing was written (its transaction rolled back)."""

    def __init__(self) -> None:
        super().__init__(
            translate("services.catalog", "Se canceló la importación: no se guardó ningún cambio.")
        )


def _tick(progress: Progress, cancelled: Cancelled, done: int, total: int | None) -> None:
    """Report how far the import got; ``ImportCancelled`` once ``cancelled()`` is true."""
    if cancelled is not None and cancelled():
        raise ImportCancelled()
    if progress is not None:
        progress(done, total)


@dataclass
class _Row:
    line: int
    code: str
    name: str
    sample_type: str
    price: Decimal | None
    members: list[str]
    active: bool | None
    errors: list[str] = field(default_factory=list)
    tax_class: str = EXEMPT


def _reason(message: str) -> str:
    """A service message as a report reason: lower-case start, no final period."""
    message = message.rstrip(".")
    return message[:1].lower() + message[1:]


def _decode(raw: bytes) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace")


def _tax_key(text: str) -> str:
    return re.sub(r"[\s%_\-]+", "", fold(text))


def _tax_classes_by_name() -> dict[str, str]:
    """A tax class as a file may write it: its code (``gravado15``, what the export
    writes) or its name in the catalog dialog («Gravado 15 %»), in any case."""
    names = {}
    for key in TAX_CLASSES:
        for text in (key, TAX_CLASS_LABELS[key], label(TAX_CLASS_LABELS, key)):
            names[_tax_key(text)] = key
    return names


def _header_key(text: str) -> str:
    return re.sub(r"[\s\-]+", "_", fold(text.strip().lstrip("\ufeff")))


def _reader_and_columns(text: str) -> tuple[Any, dict[str, int]]:
    """The CSV reader past the header, and the column of each field, with the separator
    that gives the required columns: «,» or «;» (a Spanish Excel saves «;»), guessed as
    the patient import guesses it (``csvio.sniff_delimiter``), the other one tried when
    the guess misses a required column."""
    first = sniff_delimiter(text)
    chosen: tuple[Any, dict[str, int]] | None = None
    for delimiter in [first] + [d for d in DELIMITERS if d != first]:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        try:
            header = next(reader)
        except StopIteration:
            raise ValidationError(
                {"file": translate("services.catalog", "El archivo está vacío.")}
            ) from None
        except csv.Error as exc:
            raise ValidationError(
                {
                    "file": translate(
                        "services.catalog", "El archivo no es un CSV válido: {error}"
                    ).format(error=exc)
                }
            ) from None
        columns: dict[str, int] = {}
        for index, title in enumerate(header):
            key = _HEADER_ALIASES.get(_header_key(title))
            if key and key not in columns:
                columns[key] = index
        if all(c in columns for c in IMPORT_REQUIRED):
            return reader, columns
        chosen = chosen or (reader, columns)
    assert chosen is not None  # the loop ran at least once
    return chosen


def _read_rows(
    path: Any, progress: Progress = None, cancelled: Cancelled = None
) -> tuple[list[_Row], list[str]]:
    """The file's rows, each with its own errors (``progress(rows read)`` on the way), and
    the optional columns the file does not have (an absent one reads as empty here;
    ``import_catalog`` gives existing rows their stored value)."""
    path = Path(path)
    if not path.is_file():
        raise ValidationError(
            {
                "file": translate("services.catalog", "No se encontró el archivo {path}.").format(
                    path=path
                )
            }
        )
    size = path.stat().st_size
    if size > IMPORT_MAX_BYTES:
        raise ValidationError(
            {"file": translate("services.catalog", "El archivo pasa de 5 MB; divídalo en partes.")}
        )
    text = _decode(path.read_bytes())
    reader, columns = _reader_and_columns(text)
    missing = [c for c in IMPORT_REQUIRED if c not in columns]
    if missing:
        raise ValidationError(
            {
                "file": translate(
                    "services.catalog",
                    "Faltan columnas en el encabezado: {columns}. Se esperan: "
                    "code,name,sample_type,price,panel_members.",
                ).format(columns=", ".join(missing))
            }
        )
    absent = [c for c in IMPORT_OPTIONAL if c not in columns]
    tax_classes = _tax_classes_by_name()
    rows: list[_Row] = []
    line = reader.line_num
    let_others_run = courtesy()  # in the window's worker: the window keeps answering
    while True:
        let_others_run()
        if len(rows) % READ_TICK == 0:
            _tick(progress, cancelled, len(rows), None)
        start = line + 1
        try:
            values = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            rows.append(
                _Row(
                    start,
                    "",
                    "",
                    "",
                    None,
                    [],
                    None,
                    [
                        translate("services.catalog", "fila CSV mal formada: {error}").format(
                            error=exc
                        )
                    ],
                )
            )
            break
        line = reader.line_num
        if not any(v.strip() for v in values):
            continue

        def cell(key: str, values: list[str] = values) -> str:
            index = columns.get(key)
            if index is None or index >= len(values):
                return ""
            return unneutralise(values[index]).strip()  # the export's own file read back

        row = _Row(
            start,
            normalize_code(cell("code")),
            clean(cell("name")),
            clean(cell("sample_type")),
            None,
            [normalize_code(m) for m in cell("panel_members").split(";") if m.strip()],
            None,
        )
        if not row.code:
            row.errors.append(translate("services.catalog", "falta el código"))
        elif not CODE_RE.match(row.code):
            row.errors.append(
                translate(
                    "services.catalog",
                    "código no válido «{code}» (letras sin tilde, números, . - _)",
                ).format(code=row.code)
            )
        if not row.name:
            row.errors.append(translate("services.catalog", "falta el nombre"))
        elif len(row.name) > NAME_MAX:
            row.errors.append(
                translate("services.catalog", "el nombre pasa de {max} caracteres").format(
                    max=NAME_MAX
                )
            )
        if len(row.sample_type) > SAMPLE_MAX:
            row.errors.append(
                translate("services.catalog", "el tipo de muestra pasa de {max} caracteres").format(
                    max=SAMPLE_MAX
                )
            )
        try:
            row.price = parse_price(cell("price"))
        except ValueError as exc:
            row.errors.append(
                translate("services.catalog", "falta el precio")
                if not cell("price")
                else _reason(str(exc))
            )
        active_text = fold(cell("active"))
        if active_text:
            if active_text in _TRUE:
                row.active = True
            elif active_text in _FALSE:
                row.active = False
            else:
                row.errors.append(
                    translate(
                        "services.catalog", "valor de «active» no reconocido «{value}» (use 1 o 0)"
                    ).format(value=cell("active"))
                )
        tax_text = cell("tax_class")
        if tax_text:  # an empty cell: exento, as a new item in the dialog
            tax_class = tax_classes.get(_tax_key(tax_text))
            if tax_class is None:
                row.errors.append(
                    translate(
                        "services.catalog",
                        "impuesto no reconocido «{value}» (use exento, gravado15 o gravado18)",
                    ).format(value=tax_text)
                )
            else:
                row.tax_class = tax_class
        if len(set(row.members)) != len(row.members):
            row.errors.append(
                translate("services.catalog", "un miembro del perfil aparece dos veces")
            )
        if row.code and row.code in row.members:
            row.errors.append(
                translate("services.catalog", "un perfil no puede contenerse a sí mismo")
            )
        rows.append(row)
    return rows, absent
