"""Patient import from CSV (seed 001), analysed first and committed all or nothing.

``analyse(path)`` reads the file and says, row by row, what would happen — created,
updated or rejected with a Spanish reason and the line number in the file — without
writing anything. ``commit(plan)`` then saves the created and updated rows in ONE
transaction: a failure, a conflict or a cancellation rolls every row back.

The file (seed 001, widened to the customer fields of seed 000):

* at most ``MAX_BYTES`` (5 MB); a larger file is refused with a clear message;
* UTF-8 with or without BOM (decoded strictly first), otherwise Windows-1252;
* comma or semicolon delimited (``csv.Sniffer`` limited to those two, checked against
  the header and falling back to counting);
* quoted fields may hold line breaks: line numbers are the file's physical lines
  (the line where the record starts), taken from the reader's ``line_num``;
* column names are case- and accent-insensitive, Spanish or English (``COLUMN_ALIASES``);
  the name and phone columns are required, a file without them is refused whole;
  unknown columns are ignored and listed in the plan.

Rows are upserted: by id_number (DNI/RTN) when the row has one, otherwise by the
normalised phone TOGETHER WITH the folded name, so a family sharing one phone is never
merged into one person. (A row with an id_number that matches nobody by id may still
update a customer with the same phone and name who has no id_number yet.) Empty cells
never erase stored data on an update. Rows lacking what seed 000 requires to register
(id_number, age, gender, department, municipality) are saved with ``incomplete=True``;
the desk completes them later (the customers list has an "Incompletos" filter).
Validation and normalisation are the customers service's (``validation.validate_incomplete``,
``normalise_phone``, ``normalise_id_number``); this module only reads files and maps
texts (gender, department, municipality names) to ids.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import gc
import io
import os
import re
import unicodedata
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

from ...db.database import db, write_transaction
from ...db.models import Customer, Municipality
from ...util.text import clean, fold
from ..access import audit, session
from ..errors import ConflictError, NotFoundError, ServiceError, ValidationError
from ..texts import QT_TRANSLATE_NOOP, label, translate
from . import bulk, formats, resolve, validation
from . import records as customer_records
from .types import CustomerData

MAX_BYTES = 5 * 1024 * 1024
PERMISSION = "imports.run"
DELIMITERS = ",;"
SNIFF_CHARS = 32 * 1024
LOOKUP_CHUNK = 500

Progress = Callable[..., None] | None
Cancelled = Callable[[], bool] | None


class PatientImportError(ServiceError):
    """The file cannot be imported (or the commit failed); the message says why."""


class ImportCancelled(PatientImportError):
    """The user cancelled; nothing was written."""

    def __init__(self, message: str = ""):
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
                translate("services.patient_import", "la del {field} ({names})").format(
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


# --- plan -------------------------------------------------------------------------------


@dataclass(slots=True)
class ImportRow:
    """One data row of the file and what the import would do with it."""

    line: int  # the physical line where the record starts (the header is line 1)
    raw: list[str]  # the cells as read (kept for rejected rows only, to save memory)
    values: dict[str, str] = field(default_factory=dict)  # canonical field -> cell text
    action: str = ""  # "create" | "update" | "reject"
    reason: str = ""  # Spanish, for rejected rows
    data: CustomerData | None = None  # what create/update will be given
    customer_id: int | None = None  # the customer an update changes
    missing: list[str] = field(default_factory=list)  # required values still missing (labels)
    changes: list[str] = field(default_factory=list)  # labels of the fields an update changes
    prepared: bulk.PreparedCustomer | None = field(default=None, repr=False)  # creates

    @property
    def incomplete(self) -> bool:
        return bool(self.missing)

    @property
    def name(self) -> str:
        return self.values.get("name", "")


@dataclass
class ImportPlan:
    path: str
    encoding: str = ""
    delimiter: str = ","
    header: list[str] = field(default_factory=list)
    columns: dict[str, int] = field(default_factory=dict)
    ignored_columns: list[str] = field(default_factory=list)
    created: list[ImportRow] = field(default_factory=list)
    updated: list[ImportRow] = field(default_factory=list)
    rejected: list[ImportRow] = field(default_factory=list)

    @property
    def rows(self) -> list[ImportRow]:
        """Every analysed row in file order."""
        return sorted(self.created + self.updated + self.rejected, key=lambda r: r.line)

    @property
    def total(self) -> int:
        return len(self.created) + len(self.updated) + len(self.rejected)

    @property
    def all_valid(self) -> bool:
        return not self.rejected

    @property
    def incomplete_count(self) -> int:
        return sum(1 for r in self.created + self.updated if r.incomplete)

    @property
    def unchanged_count(self) -> int:
        return sum(1 for r in self.updated if not r.changes)

    def summary(self) -> str:
        return translate(
            "services.patient_import",
            "{total} filas: {created} nuevas, {updated} actualizaciones, {rejected} rechazadas",
        ).format(
            total=self.total,
            created=len(self.created),
            updated=len(self.updated),
            rejected=len(self.rejected),
        )


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    incomplete: int = 0
    updated_ids: list[int] = field(default_factory=list)


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


def _count_outside_quotes(line: str, char: str) -> int:
    count, quoted = 0, False
    for ch in line:
        if ch == '"':
            quoted = not quoted
        elif ch == char and not quoted:
            count += 1
    return count


def _first_line(text: str) -> str:
    for line in text[:SNIFF_CHARS].splitlines():
        if line.strip():
            return line
    return ""


def sniff_delimiter(text: str) -> str:
    """``,`` or ``;``: the sniffer's guess when it agrees with the header, else by counting."""
    sample = text[:SNIFF_CHARS]
    cut = sample.rfind("\n")
    if 0 < cut < len(sample) - 1:
        sample = sample[:cut]
    header = _first_line(text)
    counts = {d: _count_outside_quotes(header, d) for d in DELIMITERS}
    try:
        guess = csv.Sniffer().sniff(sample, delimiters=DELIMITERS).delimiter
    except csv.Error:
        guess = ""
    if guess in counts and counts[guess] > 0:
        return guess
    return ";" if counts[";"] > counts[","] else ","


def _records(text: str, delimiter: str) -> Iterable[tuple[int, list[str]]]:
    """(line where the record starts, cells) for every record, blank lines skipped."""
    reader = csv.reader(
        io.StringIO(text, newline=""),
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
        if not cells or all(not c.strip() for c in cells):
            continue
        yield start, cells


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
        header = [_unneutralise(h).strip().lstrip("\ufeff") for h in header]
        columns, ignored = map_header(header)
        if chosen is None:
            chosen = (delimiter, header, columns, ignored, records)
        if all(name in columns for name in REQUIRED_COLUMNS):
            return delimiter, header, columns, ignored, records
    _delimiter, _header, columns, _ignored, _records_ = chosen
    raise PatientImportError(missing_columns_message(columns))


# --- interpreting cells -------------------------------------------------------------------

_FORMULA_START = "=+-@\t\r\n"


def _unneutralise(text: str) -> str:
    """Undo the export's formula neutralisation (``'=x`` → ``=x``, ``'+504…`` → ``+504…``)."""
    if len(text) > 1 and text[0] == "'" and text[1] in _FORMULA_START:
        return text[1:]
    return text


# Words the customers service does not know, mapped to ones it does (``resolve_*``).
_TYPE_SYNONYMS = {
    "individual": "paciente",
    "person": "paciente",
    "institution": "empresa",
    "business": "empresa",
    "compania": "empresa",
}
_GENDER_SYNONYMS = {
    "femenino": "Mujer",
    "female": "Mujer",
    "woman": "Mujer",
    "fem": "Mujer",
    "masculino": "Hombre",
    "male": "Hombre",
    "man": "Hombre",
    "masc": "Hombre",
    "h": "Hombre",
    "other": "Otro",
    "x": "Otro",
}
_DATE_FORMATS = ("%d/%m/%Y", "%d-%m-%Y", "%Y-%m-%d", "%d.%m.%Y", "%Y/%m/%d", "%d/%m/%y")
_AGE_RE = re.compile(r"^(\d{1,3})(?:[.,]0+)?(?:\s*(?:anos|ano|years|year|a))?$")


class _Resolver:
    """Names typed in the file -> ids, through ``customers.resolve_*``, memoised per text
    (a file repeats the same few departments thousands of times)."""

    def __init__(self) -> None:
        self._memo: dict[tuple, object] = {}

    def _resolve(self, key: tuple, fn, *args):
        if key not in self._memo:
            try:
                self._memo[key] = fn(*args)
            except ValidationError as exc:
                self._memo[key] = ValueError(" ".join(exc.fields.values()))
        value = self._memo[key]
        if isinstance(value, ValueError):
            raise value
        return value

    def type(self, text: str) -> str:
        word = _TYPE_SYNONYMS.get(fold(text), text)
        return self._resolve(("type", fold(text)), resolve.resolve_type, word)

    def gender(self, text: str) -> int:
        word = _GENDER_SYNONYMS.get(fold(text).rstrip("."), text)
        return self._resolve(("gender", fold(text)), resolve.resolve_gender, word)

    def department(self, text: str) -> int:
        return self._resolve(("department", fold(text)), resolve.resolve_department, text)

    def municipality(self, text: str, department_id: int | None) -> tuple[int, int]:
        """(municipality id, its department id)."""
        municipality_id = self._resolve(
            ("municipality", fold(text), department_id),
            resolve.resolve_municipality,
            text,
            department_id,
        )
        if department_id is None:
            department_id = self._resolve(
                ("owner", municipality_id), _department_of, municipality_id
            )
        return municipality_id, department_id


def _department_of(municipality_id: int) -> int:
    return (
        Municipality.select(Municipality.department)
        .where(Municipality.id == municipality_id)
        .scalar()
    )


def _parse_date(text: str) -> dt.date:
    value = text.strip().split(" ")[0]
    for fmt in _DATE_FORMATS:
        try:
            return dt.datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    raise ValueError(
        translate(
            "services.patient_import", "Fecha de nacimiento no válida: «{text}» (use dd/mm/aaaa)."
        ).format(text=text)
    )


def _parse_age(text: str) -> int:
    match = _AGE_RE.match(fold(text))
    if match is None:
        raise ValueError(
            translate(
                "services.patient_import", "Edad no válida: «{text}» (un número de años)."
            ).format(text=text)
        )
    return int(match.group(1))


def _file_values(row: ImportRow, lookups: _Resolver) -> dict:
    """CustomerData attributes given by the row's non-empty cells (raises ValueError)."""
    v = row.values
    out: dict = {}
    for key in ("name", "email", "address", "notes", "secondary_phone", "external_file"):
        if v.get(key):
            out[key] = v[key]
    if v.get("phone"):
        out["phone"] = v["phone"]
    if v.get("id_number"):
        out["id_number"] = v["id_number"]
    if v.get("type"):
        out["type"] = lookups.type(v["type"])
    if v.get("gender"):
        out["gender_id"] = lookups.gender(v["gender"])
    if v.get("date_of_birth"):
        out["date_of_birth"] = _parse_date(v["date_of_birth"])
    if v.get("age"):
        out["age"] = _parse_age(v["age"])
    department_id = lookups.department(v["department"]) if v.get("department") else None
    if department_id is not None:
        out["department_id"] = department_id
    if v.get("municipality"):
        out["municipality_id"], out["department_id"] = lookups.municipality(
            v["municipality"], department_id
        )
    return out


def _reason(errors: dict[str, str]) -> str:
    """The service's messages, each prefixed with its field's name unless it names the field
    already ("Teléfono: Demasiado largo…", but "El teléfono no es un número válido.")."""
    messages = []
    for key, message in errors.items():
        name = label(_DATA_LABELS, key) if key in _DATA_LABELS else ""
        named = not name or fold(name) in fold(message)
        messages.append(message if named else f"{name[:1].upper()}{name[1:]}: {message}")
    return " ".join(messages)


# --- analysis -----------------------------------------------------------------------------


def _tick(progress: Progress, cancelled: Cancelled, done: int, total: int | None) -> None:
    if cancelled is not None and cancelled():
        raise ImportCancelled()
    if progress is not None:
        progress(done, total)


def _chunks(items: list, size: int = LOOKUP_CHUNK):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _existing(numbers: set[str], phones: set[str]) -> tuple[dict, dict]:
    """Active customers by id_number, and by (phone, folded name) -> [(id, id_number)]."""
    by_number: dict[str, int] = {}
    by_phone_name: dict[tuple[str, str], list[tuple[int, str]]] = {}
    for chunk in _chunks(sorted(numbers)):
        for cid, number in _active_where_in("id, id_number", "id_number", chunk):
            by_number.setdefault(number, cid)
    for chunk in _chunks(sorted(phones)):
        for cid, phone, name_folded, number in _active_where_in(
            "id, phone, name_folded, id_number", "phone", chunk
        ):
            by_phone_name.setdefault((phone, name_folded), []).append((cid, number or ""))
    return by_number, by_phone_name


def _active_where_in(columns: str, column: str, values: list[str]) -> list[tuple]:
    """``columns`` of the active customers whose ``column`` is one of ``values``, by id.

    Written as SQL: peewee takes longer to build a 500-value ``IN`` than the database takes
    to answer it (100,000 rows: 400 look-ups, ≈ 1 s)."""
    mark = db.param
    sql = (
        f"SELECT {columns} FROM {Customer._meta.table_name} WHERE active = {mark} "
        f"AND {column} IN ({', '.join([mark] * len(values))}) ORDER BY id"
    )
    return db.execute_sql(sql, [True, *values]).fetchall()


# CustomerData attribute -> key of the values the customers service stores
_COMPARED = {
    "type": "type",
    "name": "name",
    "id_number": "id_number",
    "gender_id": "gender",
    "date_of_birth": "date_of_birth",
    "age": "age",
    "phone": "phone",
    "secondary_phone": "secondary_phone",
    "email": "email",
    "department_id": "department",
    "municipality_id": "municipality",
    "address": "address",
    "notes": "notes",
    "external_file": "external_file",
}


def _changes(before: CustomerData, after: dict) -> list[str]:
    """Labels of the fields whose stored value would change (both sides normalised)."""
    changed = []
    for attribute, key in _COMPARED.items():
        old = getattr(before, attribute)
        new = after.get(key)
        if (old or None) != (new or None) and not (old == 0 and new == 0):
            changed.append(label(_DATA_LABELS, attribute))
    return changed


def _missing_labels(missing: set[str]) -> list[str]:
    order = ["id_number", "age", "gender_id", "department_id", "municipality_id", "phone"]
    return [label(_DATA_LABELS, k) for k in order if k in missing]


def _reject(row: ImportRow, reason: str) -> None:
    row.action, row.reason, row.data, row.customer_id = "reject", reason, None, None


def analyse(
    path: str | os.PathLike, progress: Progress = None, cancelled: Cancelled = None
) -> ImportPlan:
    """Read ``path`` and plan the import; writes nothing.

    ``PatientImportError`` when the file as a whole cannot be imported (too big, not a
    CSV, unknown encoding, a required column missing); bad rows are in ``plan.rejected``.
    """
    session.require(PERMISSION)
    with _no_cycle_collection():
        return _analyse(path, progress, cancelled)


def _analyse(path: str | os.PathLike, progress: Progress, cancelled: Cancelled) -> ImportPlan:
    text, encoding = read_text(path)
    delimiter, header, columns, ignored, records = _header_and_rows(text)
    plan = ImportPlan(
        path=str(path),
        encoding=encoding,
        delimiter=delimiter,
        header=header,
        columns=columns,
        ignored_columns=ignored,
    )
    lookups = _Resolver()

    # 1. cells -> values, structural problems
    rows: list[ImportRow] = []
    width = len(header)
    for line, cells in records:
        row = ImportRow(line=line, raw=list(cells))
        rows.append(row)
        for name, index in columns.items():
            cell = cells[index] if index < len(cells) else ""
            row.values[name] = _unneutralise(cell).strip()
        if len(cells) > width and any(c.strip() for c in cells[width:]):
            _reject(
                row,
                translate(
                    "services.patient_import",
                    "La fila tiene {cells} columnas y el encabezado "
                    "{width} (¿un separador de más o comillas sin cerrar?).",
                ).format(cells=len(cells), width=width),
            )
        if len(rows) % 1000 == 0:
            _tick(progress, cancelled, len(rows), None)
    total = len(rows)

    # 2. in chunks: the customers service's checks, one bulk look-up of who exists,
    #    then matching and in-file duplicates in file order
    seen_number: dict[str, int] = {}
    seen_phone_name: dict[tuple[str, str], tuple[int, bool]] = {}  # -> (line, had number)
    seen_target: dict[int, int] = {}
    for start in range(0, total, LOOKUP_CHUNK):
        _tick(progress, cancelled, start, total)
        checked = []
        for row in rows[start : start + LOOKUP_CHUNK]:
            item = _check_row(row, lookups)
            if item is not None:
                checked.append(item)
        by_number, by_phone_name = _existing(
            {key[0] for _r, _v, _p, key in checked if key[0]},
            {key[1] for _r, _v, _p, key in checked},
        )
        candidates = {by_number[key[0]] for *_rest, key in checked if key[0] in by_number}
        candidates.update(
            c[0] for *_rest, key in checked for c in by_phone_name.get((key[1], key[2]), ())
        )
        stored = customer_records.get_many(candidates)  # the customers this chunk may update
        for row, values, prepared, (number, phone, name_folded) in checked:
            duplicate = None
            if number and number in seen_number:
                duplicate = translate(
                    "services.patient_import",
                    "Duplicado en el archivo: la identidad {id_number} ya está en la línea {line}.",
                ).format(id_number=formats.format_id_number(number), line=seen_number[number])
            elif (phone, name_folded) in seen_phone_name and (
                not number or not seen_phone_name[(phone, name_folded)][1]
            ):
                duplicate = translate(
                    "services.patient_import",
                    "Duplicado en el archivo: el mismo nombre y "
                    "teléfono ya están en la línea {line}.",
                ).format(line=seen_phone_name[(phone, name_folded)][0])
            if duplicate:
                _reject(row, duplicate)
                continue
            target, ambiguous = _match(number, phone, name_folded, by_number, by_phone_name)
            if ambiguous:
                _reject(
                    row,
                    translate(
                        "services.patient_import",
                        "Hay {count} pacientes con este nombre y "
                        "teléfono; añada la identidad para saber a cuál actualizar.",
                    ).format(count=ambiguous),
                )
                continue
            if target is not None and target in seen_target:
                _reject(
                    row,
                    translate(
                        "services.patient_import",
                        "Duplicado en el archivo: la línea {line} ya "
                        "actualiza a este mismo paciente.",
                    ).format(line=seen_target[target]),
                )
                continue
            _plan_row(row, values, prepared, target, stored.get(target))
            if row.action == "reject":
                continue  # an invalid row claims no key: a later valid one is no duplicate
            if number:
                seen_number[number] = row.line
            seen_phone_name.setdefault((phone, name_folded), (row.line, bool(number)))
            if target is not None:
                seen_target[target] = row.line

    for row in rows:
        if row.action in ("create", "update"):
            row.raw = []  # only rejected rows report their raw cells
        {"create": plan.created, "update": plan.updated}.get(row.action, plan.rejected).append(row)
    _tick(progress, cancelled, total, total)
    return plan


def _check_row(row: ImportRow, lookups: _Resolver):
    """(row, file values, PreparedCustomer, (id number, E.164 phone, folded name)) or None
    when the row is rejected. The keys are the customers service's own normalisation."""
    if row.action == "reject":
        return None
    if not clean(row.values.get("name")):
        _reject(row, translate("services.patient_import", "Falta el nombre."))
        return None
    if not clean(row.values.get("phone")):
        _reject(row, translate("services.patient_import", "Falta el teléfono."))
        return None
    try:
        values = _file_values(row, lookups)
    except ValueError as exc:
        _reject(row, str(exc))
        return None
    data = CustomerData(**values)
    if data.date_of_birth is not None:
        data.age = None  # the date of birth gives the age
    prepared = bulk.prepare(data, check_unique=False)
    if prepared.errors:
        _reject(row, _reason(prepared.errors))
        return None
    stored = prepared.values
    return (
        row,
        values,
        prepared,
        (stored["id_number"] or "", stored["phone"], stored["name_folded"]),
    )


def _match(
    number: str, phone: str, name_folded: str, by_number: dict, by_phone_name: dict
) -> tuple[int | None, int]:
    """(customer id to update or None to create, how many candidates when ambiguous)."""
    if number and number in by_number:
        return by_number[number], 0
    candidates = by_phone_name.get((phone, name_folded), [])
    if number:  # only someone still without an id number may receive this one
        candidates = [c for c in candidates if not c[1]]
    if len(candidates) > 1:
        return None, len(candidates)
    return (candidates[0][0], 0) if candidates else (None, 0)


def _plan_row(
    row: ImportRow,
    values: dict,
    prepared: bulk.PreparedCustomer,
    target: int | None,
    before: CustomerData | None,
) -> None:
    if target is None:
        # create()'s checks were made once by ``prepare``; the id numbers were looked up in
        # bulk by ``_existing`` (the unique index still guards the insert)
        data = CustomerData(**values)
        if data.date_of_birth is not None:
            data.age = None
        data.incomplete = bool(prepared.missing)
        row.action, row.data, row.prepared = "create", data, prepared
        row.missing = _missing_labels(prepared.missing)
        return
    if before is None:
        _reject(
            row,
            translate(
                "services.patient_import",
                "El paciente a actualizar ya no existe; vuelva a analizar el archivo.",
            ),
        )
        return
    data = dataclasses.replace(before, **values)
    if data.date_of_birth is not None:
        data.age = None  # the date of birth gives the age (the service ignores a declared one)
    data.incomplete = True  # missing values are tolerated; the service keeps the flag right
    # the same checks as update(); the id numbers were looked up in bulk (``_existing``)
    merged = bulk.prepare(data, check_unique=False)
    errors, missing = merged.errors, merged.missing
    if errors:
        _reject(row, _reason(errors))
        return
    row.action, row.data, row.customer_id = "update", data, target
    row.missing = _missing_labels(missing)
    row.changes = _changes(before, merged.values)
    if before.incomplete != bool(missing):
        row.changes.append(
            translate("services.patient_import", "incompleto")
            if missing
            else translate("services.patient_import", "completo")
        )


# --- commit -------------------------------------------------------------------------------

INSERT_CHUNK = 5000  # rows per insert_prepared call (one savepoint, a progress tick)


def commit(
    plan: ImportPlan, progress: Progress = None, cancelled: Cancelled = None
) -> ImportResult:
    """Save the plan's created and updated rows in one transaction (all or nothing).

    Rejected rows are skipped (the preview listed them). Updates go first, through
    ``customer_records.update`` (which refuses a customer edited since the analysis): after the
    bulk insert every update would also make SQLite's full-text index write out the
    entries it holds in memory (679 updates on a million customers: 4.6 → 2.1 s). New
    customers are then inserted in multi-row statements (``bulk.insert_prepared``).
    ``ImportCancelled`` when ``cancelled()`` turns true, ``PatientImportError`` naming the
    line when a row can no longer be saved: in both cases the transaction is rolled back
    and the database is exactly as before.
    """
    session.require(PERMISSION)
    result = ImportResult(rejected=len(plan.rejected))
    changed = [r for r in plan.updated if r.changes]
    result.unchanged = len(plan.updated) - len(changed)
    total = len(plan.created) + len(changed)
    done = 0
    _tick(progress, cancelled, 0, total)
    with write_transaction(), _large_page_cache(), _no_cycle_collection():
        for row in changed:
            try:
                customer_records.update(dataclasses.replace(row.data))
            except (ValidationError, ConflictError, NotFoundError) as exc:
                raise PatientImportError(_row_failure(row, exc)) from exc
            result.updated_ids.append(row.customer_id)
            done += 1
            if done % 100 == 0 or done == total:
                _tick(progress, cancelled, done, total)
        result.updated = len(result.updated_ids)
        for start in range(0, len(plan.created), INSERT_CHUNK):
            chunk = plan.created[start : start + INSERT_CHUNK]
            try:
                bulk.insert_prepared([r.prepared for r in chunk])
            except ValidationError as exc:
                raise PatientImportError(_chunk_failure(chunk, exc)) from exc
            done += len(chunk)
            _tick(progress, cancelled, done, total)
        result.created = len(plan.created)
        result.incomplete = sum(1 for r in plan.created + changed if r.incomplete)
        audit.record(
            "import",
            "customer",
            None,
            detail=(
                f"Importación de pacientes desde {Path(plan.path).name}: {result.created} creados, "
                f"{result.updated} actualizados, {result.unchanged} sin cambios, "
                f"{result.rejected} rechazados, {result.incomplete} incompletos."
            ),
        )
        if cancelled is not None and cancelled():
            raise ImportCancelled()
    return result


@contextmanager
def _no_cycle_collection():
    """Python's cycle collector paused while a file's rows become objects.

    An import makes a few objects per row, none in a reference cycle, so every collection
    it would trigger walks a heap of hundreds of thousands of live objects for nothing
    (100,000 rows: ≈ 0.7 s alone, more in a GUI process with a bigger heap). Whatever
    cycles do appear are collected when it is enabled again."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


IMPORT_CACHE_KIB = 200_000


@contextmanager
def _large_page_cache():
    """SQLite: a 200 MB page cache while the import writes (100,000 rows land in a dozen
    indexes of a big table: ~2.5 s less on a million customers); the usual size after."""
    from ...db.database import db, is_sqlite

    if not is_sqlite():
        yield
        return
    before = db.execute_sql("PRAGMA cache_size").fetchone()[0]
    if before < 0 and -before >= IMPORT_CACHE_KIB:
        yield
        return
    db.execute_sql(f"PRAGMA cache_size = -{IMPORT_CACHE_KIB}")
    try:
        yield
    finally:
        db.execute_sql(f"PRAGMA cache_size = {int(before)}")


def _row_failure(row: ImportRow, exc: Exception) -> str:
    name = " ".join(row.name.split())
    return translate(
        "services.patient_import",
        "Línea {line} ({name}): {reason} No se importó ninguna fila; vuelva a analizar el archivo.",
    ).format(line=row.line, name=name, reason=_commit_reason(exc))


def _chunk_failure(chunk: list[ImportRow], exc: ValidationError) -> str:
    """Which row of a refused multi-row insert is to blame (someone took its id number)."""
    for row in chunk:
        if row.data.id_number:
            errors, _missing = validation.validate_incomplete(dataclasses.replace(row.data))
            if "id_number" in errors:
                return _row_failure(row, ValidationError({"id_number": errors["id_number"]}))
    return translate(
        "services.patient_import",
        "No se importó ninguna fila: {reason} Vuelva a analizar el archivo.",
    ).format(reason=_commit_reason(exc))


def _commit_reason(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return _reason(exc.fields)
    return str(exc)


__all__ = [
    "MAX_BYTES",
    "COLUMN_ALIASES",
    "PatientImportError",
    "ImportCancelled",
    "ImportRow",
    "ImportPlan",
    "ImportResult",
    "analyse",
    "commit",
    "read_text",
    "decode",
    "sniff_delimiter",
    "map_header",
    "header_key",
]
