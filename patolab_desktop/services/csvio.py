"""CSV files that Excel opens correctly and safely.

* UTF-8 with a BOM, so Excel shows accents (á, ñ) on Windows.
* Formula injection: a text cell that starts with ``= + - @``, a tab, CR or LF gets a
  leading single quote, so a spreadsheet shows it as text instead of running it.
* Streamed: rows are written as they come (never the whole table in memory).
* No partial file, no database overwritten: ``services.safety.outputs`` refuses a target
  that is a database, a backup or a folder, and rows go to a temporary file in the
  destination folder, renamed over the destination only when everything was written. On
  an error or a cancel the temporary file is removed and the destination is untouched.
* Reading an import: ``sniff_delimiter`` tells «,» from «;» (what a Spanish Excel saves).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import re
import shutil
from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

# the columns to neutralise: indexes or header names; None = every text cell
TextColumns = Iterable[int | str] | None
Converter = Callable[[Sequence[Any]], list[str]]

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n")
# a negative amount ("-10.00": a credit note in the sales book, a balance in favour) is a
# number to a spreadsheet, not a formula: neutralised, it was text that a SUM left out
_NEGATIVE_NUMBER = re.compile(r"-[0-9]+(?:\.[0-9]+)?")
CHUNK = 5000


def format_cell(value: object) -> str:
    """A Python value as CSV text: dates dd/mm/yyyy, booleans Sí/No, None empty."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if value.__class__ is int:
        return str(value)
    if isinstance(value, bool):
        return "Sí" if value else "No"
    if isinstance(value, dt.datetime):
        return value.strftime("%d/%m/%Y %H:%M")
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)


def neutralise(value: object) -> str:
    """The cell text with a leading ``'`` when it starts like a spreadsheet formula."""
    text = format_cell(value)
    if text and text[0] in FORMULA_TRIGGERS and not _NEGATIVE_NUMBER.fullmatch(text):
        return "'" + text
    return text


neutralize = neutralise


def unneutralise(text: str) -> str:
    """A cell of a file this program wrote, read back: ``neutralise`` undone (``'=x`` →
    ``=x``, ``'+504…`` → ``+504…``), so an export imported again keeps its values."""
    if len(text) > 1 and text[0] == "'" and text[1] in FORMULA_TRIGGERS:
        return text[1:]
    return text


def _text_indexes(header: Sequence[str], text_columns: TextColumns) -> set[int] | None:
    if text_columns is None:
        return None
    indexes: set[int] = set()
    for column in text_columns:
        indexes.add(column if isinstance(column, int) else list(header).index(column))
    return indexes


def write_csv(
    path: str | os.PathLike[str],
    header: list[str],
    rows: Iterable[Sequence[Any]],
    text_columns: TextColumns = None,
    progress: Callable[[int], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
    then: Callable[[IO[str]], int] | None = None,
) -> int:
    """Write ``header`` and ``rows`` to ``path``; returns the number of data rows.

    ``text_columns``: indexes (or header names) of the columns to neutralise; ``None``
    neutralises every text (``str``) cell. ``progress(rows_written)`` is called every few
    thousand rows; when ``cancelled()`` turns true the temporary file is removed, ``path`` is
    left as it was and 0 is returned. ``then(fh)``, after the rows, writes the lines that
    follow them (parts other processes wrote with ``write_rows``) and returns their count.
    """
    from .safety import outputs

    try:
        with outputs.atomic_output(path, encoding="utf-8-sig", newline="") as fh:
            fh.write(_line_writer()(list(header)) + LINE_END)
            written = write_rows(fh, header, rows, text_columns, progress, cancelled)
            if then is not None:
                written += then(fh)
            if cancelled is not None and cancelled():
                raise Cancelled
    except Cancelled:
        return 0
    if progress is not None:
        progress(written)
    return written


def append_part(fh: IO[str], part: str | os.PathLike[str]) -> None:
    """Copy a file of ``write_rows`` lines (UTF-8, no BOM, no header: a part another
    process wrote) to the end of ``fh``, a ``write_csv`` file."""
    fh.flush()
    with open(part, "rb") as source:
        shutil.copyfileobj(source, fh.buffer, 1 << 20)  # type: ignore[attr-defined]


def write_rows(
    fh: IO[str],
    header: Sequence[str],
    rows: Iterable[Sequence[Any]],
    text_columns: TextColumns,
    progress: Callable[[int], None] | None,
    cancelled: Callable[[], bool] | None,
) -> int:
    """The data lines of ``rows`` into ``fh``, a chunk at a time, exactly as ``write_csv``
    writes them; returns their count. ``Cancelled`` when ``cancelled()`` turns true
    (``write_csv`` then removes its temporary file)."""
    line_of = _row_writer(_text_indexes(header, text_columns))
    written = 0
    lines: list[str] = []
    for row in rows:
        lines.append(line_of(row))
        if len(lines) >= CHUNK:
            lines.append("")
            fh.write(LINE_END.join(lines))
            written += len(lines) - 1
            lines.clear()
            if cancelled is not None and cancelled():
                raise Cancelled
            if progress is not None:
                progress(written)
    if lines:
        lines.append("")
        fh.write(LINE_END.join(lines))
        written += len(lines) - 1
    return written


def export_csv(
    path: str | os.PathLike[str],
    header: list[str],
    rows: Iterable[Sequence[Any]],
    *,
    entity: str,
    what: str,
    text_columns: TextColumns = None,
    progress: Callable[[int], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
    then: Callable[[IO[str]], int] | None = None,
) -> int:
    """``write_csv`` for an export a person asked for, plus one audit row on ``entity``
    (``"Exportación {what} a FILE: N filas."``: the file name and the count, no data);
    a cancelled export writes neither."""
    from .access import audit

    count = write_csv(
        path,
        header,
        rows,
        text_columns=text_columns,
        progress=progress,
        cancelled=cancelled,
        then=then,
    )
    if not (cancelled is not None and cancelled()):
        audit.record_done(
            "export", entity, f"Exportación {what} a {Path(path).name}: {count} filas."
        )
    return count


class Cancelled(Exception):
    """``cancelled()`` turned true while ``write_rows`` was writing."""


_TRIGGERS = frozenset(FORMULA_TRIGGERS)
LINE_END = "\r\n"  # what Excel and the csv module's "excel" dialect use


def _line_writer() -> Callable[[list[str]], str]:
    """cells → one CSV line (without its end), exactly as ``csv.writer`` would write it.

    Most cells need no quoting: joining them is three times faster than the csv module,
    which is used for the lines that need quotes.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator=LINE_END)

    def to_line(cells: list[str]) -> str:
        line = ",".join(cells)
        if (
            line.count(",") == len(cells) - 1
            and '"' not in line
            and "\n" not in line
            and "\r" not in line
            and (line or len(cells) > 1)
        ):
            return line
        buffer.seek(0)
        buffer.truncate()
        writer.writerow(cells)
        return buffer.getvalue()[: -len(LINE_END)]

    return to_line


def _converter(text: set[int] | None) -> Converter:
    """A fast row → list of cell texts function (this runs once per cell of a big file)."""
    fmt = format_cell
    triggers = _TRIGGERS
    number = _NEGATIVE_NUMBER.fullmatch
    if text is None:

        def convert(row: Sequence[Any]) -> list[str]:
            out: list[str] = []
            for value in row:
                if value.__class__ is str:
                    if value and value[0] in triggers and not number(value):
                        value = "'" + value
                else:
                    value = fmt(value)
                out.append(value)
            return out

        return convert
    indexes = tuple(sorted(text))

    def convert_columns(row: Sequence[Any]) -> list[str]:
        out = [v if v.__class__ is str else fmt(v) for v in row]
        for index in indexes:
            if index < len(out):
                cell = out[index]
                if cell and cell[0] in triggers and not number(cell):
                    out[index] = "'" + cell
        return out

    return convert_columns


def _row_writer(text: set[int] | None) -> Callable[[Sequence[Any]], str]:
    """row → CSV line: ``_line_writer(_converter(...))``, with a shortcut for the usual row
    of texts that needs neither quotes nor a neutralised cell. Such a row is joined once
    and the line checked whole: no ``"``, CR or LF, one comma per cell boundary, and no
    cell starting with a formula trigger (at the line's start or after a comma; a tab
    anywhere sends the row the long way too). Any other
    row goes the long way, cell by cell. A million-row customer export: 1.9 s less. A
    file whose rows carry other values (numbers, dates) stops trying after its first."""
    convert, to_line = _converter(text), _line_writer()
    triggers = _TRIGGERS
    texts_only = True

    def line_of(row: Sequence[Any]) -> str:
        nonlocal texts_only
        if texts_only:
            try:
                line = ",".join(row)
            except TypeError:
                texts_only = False
                return to_line(convert(row))
            if (  # written out: a loop over the triggers took twice as long
                line
                and line[0] not in triggers
                and line.count(",") == len(row) - 1
                and '"' not in line
                and "\n" not in line
                and "\r" not in line
                and "\t" not in line
                and ",=" not in line
                and ",+" not in line
                and ",-" not in line
                and ",@" not in line
            ):
                return line
        return to_line(convert(row))

    return line_of


# --- reading -------------------------------------------------------------------------

DELIMITERS = ",;"  # what an import accepts (``sniff_delimiter``)
SNIFF_CHARS = 32 * 1024


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
    """``,`` or ``;``: the sniffer's guess when it agrees with the header, else by counting
    (a Spanish Excel saves «;», the rest of the world «,»; the patient and catalog imports
    read both)."""
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


def read_csv(path: str | Path) -> list[list[str]]:
    """All rows of a CSV written by ``write_csv`` (BOM removed); for tests and previews."""
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return list(csv.reader(fh))
