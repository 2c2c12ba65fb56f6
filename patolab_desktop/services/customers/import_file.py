"""Reading a patient CSV file (seed 001): the size limit, the encoding (UTF-8 with or
without BOM, Windows-1252), the delimiter, the records, and the column names in Spanish or
English mapped to our fields."""

from __future__ import annotations

import csv
import io
import os
import re
import unicodedata
from collections.abc import Iterable
from pathlib import Path

from ...util.text import fold
from ..csvio import DELIMITERS, sniff_delimiter, unneutralise
from ..errors import ServiceError
from ..texts import QT_TRANSLATE_NOOP, label, translate

MAX_BYTES = 5 * 1024 * 1024
PERMISSION = "imports.run"


class PatientImportError(ServiceError):
    """The file cannot be imported (or the commit failed); the message says why."""


class ImportCancelled(PatientImportError):
    """The user cancelled; nothing was written."""

    def __init__(self, message: str = "") -> None:
        super().__init__(
            message
            or translate(
                "services.patient_import", "Importación cancelada: no se guardó ningún cambio."
            )
        )


# --- columns ------------------------------------------------------------------------------

# canonical field -> accepted header names (compared after ``header_key``)
COLUMN_ALIASES: dict[str, tuple[str, ...]] = {
    "name": (
        "nombre",
        "name",
        "full_name",
        "nombre completo",
        "fullname",
        "paciente",
        "nombre del paciente",
        "nombre y apellidos",
    ),
    "phone": (
        "telefono",
        "teléfono",
        "phone",
        "celular",
        "movil",
        "móvil",
        "mobile",
        "tel",
        "phone number",
        "numero de telefono",
        "telefono celular",
        "whatsapp",
    ),
    "email": ("email", "correo", "correo electronico", "correo electrónico", "e-mail", "mail"),
    "id_number": (
        "dui",
        "dni",
        "identidad",
        "id_number",
        "rtn",
        "identidad/rtn",
        "numero de identidad",
        "cedula",
        "documento",
    ),
    "type": ("tipo", "type", "tipo de cliente"),
    "gender": ("genero", "género", "gender", "sexo", "sex"),
    "age": ("edad", "age"),
    "date_of_birth": (
        "fecha de nacimiento",
        "date_of_birth",
        "date of birth",
        "fecha nacimiento",
        "nacimiento",
        "birth date",
        "birthdate",
        "dob",
    ),
    "department": ("departamento", "estado", "state", "estado/departamento", "department"),
    "municipality": ("municipio", "ciudad", "city", "municipality"),
    "address": ("direccion", "dirección", "address", "domicilio"),
    "notes": ("notas", "notes", "nota", "observaciones"),
    "secondary_phone": (
        "telefono secundario",
        "secondary_phone",
        "telefono 2",
        "otro telefono",
        "phone 2",
    ),
    "external_file": ("expediente", "external_file", "expediente externo"),
}
REQUIRED_COLUMNS = ("name", "phone")

# validation.validate field names -> the label shown in a rejection / "faltan" list
# field -> its name in the plan's texts (translated when used: ``texts.label``)
_DATA_LABELS = {
    "name": QT_TRANSLATE_NOOP("ServiceLabels", "nombre"),
    "id_number": QT_TRANSLATE_NOOP("ServiceLabels", "identidad/RTN"),
    "document_type": QT_TRANSLATE_NOOP("ServiceLabels", "tipo de documento"),
    "age": QT_TRANSLATE_NOOP("ServiceLabels", "edad"),
    "date_of_birth": QT_TRANSLATE_NOOP("ServiceLabels", "fecha de nacimiento"),
    "gender_id": QT_TRANSLATE_NOOP("ServiceLabels", "género"),
    "phone": QT_TRANSLATE_NOOP("ServiceLabels", "teléfono"),
    "secondary_phone": QT_TRANSLATE_NOOP("ServiceLabels", "teléfono secundario"),
    "email": QT_TRANSLATE_NOOP("ServiceLabels", "correo"),
    "department_id": QT_TRANSLATE_NOOP("ServiceLabels", "departamento"),
    "municipality_id": QT_TRANSLATE_NOOP("ServiceLabels", "municipio"),
    "type": QT_TRANSLATE_NOOP("ServiceLabels", "tipo"),
    "address": QT_TRANSLATE_NOOP("ServiceLabels", "dirección"),
    "notes": QT_TRANSLATE_NOOP("ServiceLabels", "notas"),
    "external_file": QT_TRANSLATE_NOOP("ServiceLabels", "expediente"),
}


# file column (``COLUMN_ALIASES``) -> its field in ``_DATA_LABELS`` where the names differ
_COLUMN_FIELDS = {
    "gender": "gender_id",
    "department": "department_id",
    "municipality": "municipality_id",
}


_NON_ALNUM = re.compile(r"[^0-9a-z]+")


def header_key(text: str) -> str:
    """``"Correo Electrónico"`` → ``"correo electronico"``; ``"full_name"`` → ``"full name"``."""
    return _NON_ALNUM.sub(" ", fold(text)).strip()


_ALIAS_INDEX: dict[str, str] = {
    header_key(alias): name for name, aliases in COLUMN_ALIASES.items() for alias in aliases
}


def map_header(header: list[str]) -> tuple[dict[str, int], list[str]]:
    """(canonical field -> column index, names of the columns that are ignored)."""
    columns: dict[str, int] = {}
    ignored: list[str] = []
    for index, title in enumerate(header):
        name = _ALIAS_INDEX.get(header_key(title))
        if name is None or name in columns:
            if title.strip():
                ignored.append(title.strip())
            continue
        columns[name] = index
    return columns, ignored


def missing_columns_message(columns: dict[str, int]) -> str:
    parts = []
    for name in REQUIRED_COLUMNS:
        if name not in columns:
            names = ", ".join(COLUMN_ALIASES[name][:4])
            parts.append(
                translate("services.patient_import", "del {field} ({names})").format(
                    field=label(_DATA_LABELS, _COLUMN_FIELDS.get(name, name)), names=names
                )
            )
    if len(parts) == 1:
        text = translate(
            "services.patient_import",
            "Falta la columna obligatoria {columns}. "
            "Revise la primera línea del archivo (los nombres de las columnas).",
        )
    else:
        text = translate(
            "services.patient_import",
            "Faltan las columnas obligatorias {columns}. "
            "Revise la primera línea del archivo (los nombres de las columnas).",
        )
    return text.format(columns=translate("services.patient_import", " y ").join(parts))


# --- reading the file ---------------------------------------------------------------------


def read_text(path: str | os.PathLike) -> tuple[str, str]:
    """(text, encoding label) of a CSV file of at most ``MAX_BYTES``; refuses anything else."""
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise PatientImportError(_too_big(size))
        with path.open("rb") as fh:
            raw = fh.read(MAX_BYTES + 1)
    except PatientImportError:
        raise
    except IsADirectoryError:
        raise PatientImportError(
            translate("services.patient_import", "No es un archivo: {path}").format(path=path)
        ) from None
    except FileNotFoundError:
        raise PatientImportError(
            translate("services.patient_import", "No existe el archivo: {path}").format(path=path)
        ) from None
    except OSError as exc:
        raise PatientImportError(
            translate(
                "services.patient_import", "No se pudo leer el archivo {path}: {error}"
            ).format(path=path, error=exc.strerror or exc)
        ) from None
    if len(raw) > MAX_BYTES:  # grew while we looked
        raise PatientImportError(_too_big(len(raw)))
    return decode(raw)


def _too_big(size: int) -> str:
    return translate(
        "services.patient_import",
        "El archivo pesa {size} MB y el máximo para importar es {max} MB. "
        "Divídalo en archivos más pequeños.",
    ).format(size=f"{size / (1024 * 1024):.1f}", max=MAX_BYTES // (1024 * 1024))


def decode(raw: bytes) -> tuple[str, str]:
    """UTF-8 (with or without BOM), strictly, else Windows-1252; NFC-normalised text."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise PatientImportError(
            translate(
                "services.patient_import",
                "El archivo está en UTF-16. Guárdelo como «CSV UTF-8 (delimitado por comas)» "
                "y vuelva a intentarlo.",
            )
        )
    if raw.startswith(b"PK\x03\x04"):  # a zip: an Excel workbook (.xlsx) renamed .csv
        raise PatientImportError(
            translate(
                "services.patient_import",
                "El archivo es un libro de Excel, no un CSV: ábralo en Excel y guárdelo como "
                "«CSV UTF-8 (delimitado por comas)».",
            )
        )
    if raw.startswith(b"\xef\xbb\xbf"):
        encoding, body = "UTF-8 con BOM", raw[3:]
    else:
        encoding, body = "UTF-8", raw
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        try:
            text, encoding = body.decode("cp1252"), "Windows-1252"
        except UnicodeDecodeError:
            raise PatientImportError(
                translate(
                    "services.patient_import",
                    "No se reconoce la codificación del archivo: no es UTF-8 ni Windows-1252. "
                    "Guárdelo como «CSV UTF-8» y vuelva a intentarlo.",
                )
            ) from None
    if "\x00" in text:
        raise PatientImportError(
            translate(
                "services.patient_import",
                "El archivo no parece un CSV de texto (tiene caracteres nulos).",
            )
        )
    return unicodedata.normalize("NFC", text), encoding


def _records(text: str, delimiter: str) -> Iterable[tuple[int, list[str]]]:
    """(line where the record starts, cells) for every record, blank lines skipped."""
    source = io.StringIO(text, newline="")
    reader = csv.reader(
        source,
        delimiter=delimiter,
        quotechar='"',
        doublequote=True,
        skipinitialspace=False,
        strict=False,
    )
    previous = 0
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            detail = (
                translate(
                    "services.patient_import",
                    "un campo supera el largo máximo; ¿unas comillas sin cerrar?",
                )
                if "field limit" in str(exc)
                else str(exc)
            )
            raise PatientImportError(
                translate(
                    "services.patient_import",
                    "Línea {line}: el archivo no es un CSV válido ({detail}).",
                ).format(line=previous + 1, detail=detail)
            ) from None
        start, previous = previous + 1, reader.line_num
        if (
            previous > start  # a record over several lines
            and source.tell() == len(text)  # and the file's last
            and _open_at_the_end(text, start - 1, delimiter)
        ):
            # the lenient reader took every line after an unclosed quote into one cell:
            # the rows after it were lost without a word (and their data kept in a note)
            raise PatientImportError(
                translate(
                    "services.patient_import",
                    "Línea {line}: unas comillas no se cierran y todo lo que sigue quedó "
                    "dentro de ese campo. Corrija el archivo y vuelva a analizarlo.",
                ).format(line=start)
            )
        if not cells or all(not c.strip() for c in cells):
            continue
        yield start, cells


def _open_at_the_end(text: str, lines_before: int, delimiter: str) -> bool:
    """True when the record starting after ``lines_before`` lines opens a quote that the
    file never closes (read strictly, it ends in the middle of a quoted field). Asked only
    of the file's last record when it runs over several lines: a quote never closed takes
    every line after it."""
    rest = io.StringIO(text, newline="")
    for _ in range(lines_before):  # lines as the reader counts them (LF, CRLF or CR)
        rest.readline()
    strict = csv.reader(rest, delimiter=delimiter, quotechar='"', doublequote=True, strict=True)
    try:
        next(strict, None)
    except csv.Error as exc:
        return "unexpected end of data" in str(exc)
    return False


def _header_and_rows(text: str) -> tuple[str, list[str], dict[str, int], list[str], Iterable]:
    """Choose the delimiter whose header has the required columns; refuse when none does."""
    if not text.strip():
        raise PatientImportError(translate("services.patient_import", "El archivo está vacío."))
    first = sniff_delimiter(text)
    candidates = [first] + [d for d in DELIMITERS if d != first]
    chosen = None
    for delimiter in candidates:
        records = _records(text, delimiter)
        try:
            _line, header = next(iter(records))
        except StopIteration:
            raise PatientImportError(
                translate("services.patient_import", "El archivo está vacío.")
            ) from None
        header = [unneutralise(h).strip().lstrip("\ufeff") for h in header]
        columns, ignored = map_header(header)
        if chosen is None:
            chosen = (delimiter, header, columns, ignored, records)
        if all(name in columns for name in REQUIRED_COLUMNS):
            return delimiter, header, columns, ignored, records
    assert chosen is not None  # the loop ran at least once or raised
    _delimiter, _header, columns, _ignored, _records_ = chosen
    raise PatientImportError(missing_columns_message(columns))
