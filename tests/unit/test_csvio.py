"""csvio: UTF-8 with BOM, formula neutralisation, streaming, no partial file."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from patolab_desktop.services import csvio

BOM = b"\xef\xbb\xbf"


@pytest.mark.parametrize(
    "text",
    [
        "=1+1",
        "+504 9988-7766",
        "-5+cmd|' /C calc'!A0",  # a formula after a minus (a plain "-5" is a number)
        "@SUM(A1)",
        "\tx",
        "\rx",
        "\nx",
        '=HYPERLINK("http://x")',
    ],
)
def test_neutralise_dangerous_starts(text):
    assert csvio.neutralise(text) == "'" + text


@pytest.mark.parametrize(
    "value, shown",
    [
        ("Pérez", "Pérez"),
        ("a=b", "a=b"),
        ("", ""),
        (None, ""),
        (12, "12"),
        (Decimal("1.500"), "1.500"),
        (dt.date(2026, 3, 5), "05/03/2026"),
        (dt.datetime(2026, 3, 5, 8, 30), "05/03/2026 08:30"),
        (True, "Sí"),
        (False, "No"),
    ],
)
def test_neutralise_leaves_safe_values(value, shown):
    assert csvio.neutralise(value) == shown


def test_write_csv_bom_header_rows_and_accents(tmp_path):
    path = tmp_path / "clientes.csv"
    count = csvio.write_csv(path, ["Nombre", "Edad"], [("Muñoz, José", 40), ('Ña "Ñata"', None)])
    assert count == 2
    raw = path.read_bytes()
    assert raw.startswith(BOM)
    assert raw.count(BOM) == 1
    assert raw.decode("utf-8-sig") == 'Nombre,Edad\r\n"Muñoz, José",40\r\n"Ña ""Ñata""",\r\n'
    assert csvio.read_csv(path) == [["Nombre", "Edad"], ["Muñoz, José", "40"], ['Ña "Ñata"', ""]]


def test_text_columns_by_index_or_name(tmp_path):
    path = tmp_path / "x.csv"
    rows = [("=cmd", "-3", "@x")]
    csvio.write_csv(path, ["A", "B", "C"], rows, text_columns=[0, "C"])
    assert csvio.read_csv(path)[1] == ["'=cmd", "-3", "'@x"]


def test_default_neutralises_every_text_cell_but_not_numbers(tmp_path):
    path = tmp_path / "x.csv"
    csvio.write_csv(path, ["A", "B"], [("+1", -3), ("\tx", Decimal("-1.5"))])
    assert csvio.read_csv(path)[1:] == [["'+1", "-3"], ["'\tx", "-1.5"]]


def test_progress_reports_rows_written(tmp_path, monkeypatch):
    monkeypatch.setattr(csvio, "CHUNK", 10)
    seen = []
    count = csvio.write_csv(
        tmp_path / "x.csv", ["N"], ((f"fila {n}",) for n in range(35)), progress=seen.append
    )
    assert count == 35
    assert seen == [10, 20, 30, 35]


def test_progress_is_called_while_rows_are_still_coming(tmp_path, monkeypatch):
    monkeypatch.setattr(csvio, "CHUNK", 5)
    produced, reported_at = [0], []

    def rows():
        for n in range(20):
            produced[0] = n + 1
            yield (n,)

    csvio.write_csv(
        tmp_path / "x.csv",
        ["N"],
        rows(),
        progress=lambda done: reported_at.append((done, produced[0])),
    )
    # the first chunk was written when only 5 rows had been produced
    assert reported_at[0] == (5, 5)


def test_error_leaves_no_partial_file_and_keeps_the_old_one(tmp_path):
    folder = tmp_path / "out"
    folder.mkdir()
    path = folder / "clientes.csv"
    path.write_text("antiguo", encoding="utf-8")

    def rows():
        yield ("uno",)
        raise RuntimeError("disco lleno")

    with pytest.raises(RuntimeError):
        csvio.write_csv(path, ["N"], rows())
    assert path.read_text(encoding="utf-8") == "antiguo"
    assert [p.name for p in folder.iterdir()] == ["clientes.csv"]


def test_cancel_writes_nothing(tmp_path, monkeypatch):
    monkeypatch.setattr(csvio, "CHUNK", 2)
    folder = tmp_path / "out"
    folder.mkdir()
    path = folder / "clientes.csv"
    asked = []

    def cancelled():
        asked.append(True)
        return len(asked) >= 2

    count = csvio.write_csv(path, ["N"], ((n,) for n in range(10)), cancelled=cancelled)
    assert count == 0
    assert not path.exists()
    assert list(folder.iterdir()) == []


def test_missing_folder_is_refused_with_a_message(tmp_path):
    from patolab_desktop.services.safety.outputs import OutputRefused

    with pytest.raises(OutputRefused, match="no existe"):
        csvio.write_csv(tmp_path / "no" / "x.csv", ["N"], [("a",)])


@settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.lists(
        st.lists(
            st.text(
                alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
                max_size=12,
            ),
            min_size=1,
            max_size=4,
        ),
        max_size=6,
    )
)
def test_lines_are_exactly_what_the_csv_module_writes(tmp_path_factory, rows):
    """The fast path (joining plain cells) must agree with csv.writer on every input."""
    width = max((len(r) for r in rows), default=1)
    rows = [r + [""] * (width - len(r)) for r in rows]
    header = [f"c{n}" for n in range(width)]
    path = tmp_path_factory.mktemp("csv") / "x.csv"
    csvio.write_csv(path, header, rows, text_columns=[])
    expected = io.StringIO()
    csv.writer(expected).writerows([header, *rows])
    assert path.read_bytes() == BOM + expected.getvalue().encode("utf-8")
    assert csvio.read_csv(path) == [header, *rows]


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.lists(
        st.tuples(*[st.text(alphabet='a ñ,-=+@\t\r\n"', max_size=5) for _ in range(3)]),
        max_size=6,
    ),
    st.sets(st.integers(0, 2)),
)
def test_neutralised_lines_are_the_cell_by_cell_ones(tmp_path_factory, rows, text_columns):
    """A row of texts is joined and checked whole (issue 20): a trigger at the start of
    any cell, a quote, CR, LF or tab must still give csv.writer's line of the cells
    neutralised one by one, and only in the text columns."""
    path = tmp_path_factory.mktemp("csv") / "x.csv"
    csvio.write_csv(path, ["a", "b", "c"], rows, text_columns=sorted(text_columns))
    assert path.read_bytes() == _cell_by_cell(["a", "b", "c"], rows, text_columns)


def _cell_by_cell(header, rows, text_columns) -> bytes:
    """What write_csv must write: csv.writer's lines of the cells neutralised one by one,
    only in the text columns, after the BOM."""
    expected = io.StringIO()
    writer = csv.writer(expected)
    writer.writerow(header)
    for row in rows:
        writer.writerow(
            [csvio.neutralise(cell) if i in text_columns else cell for i, cell in enumerate(row)]
        )
    return BOM + expected.getvalue().encode("utf-8")


def test_every_pair_of_dangerous_cells_is_written_cell_by_cell(tmp_path):
    """Deterministic companion of the property test: every combination of these cells in
    three columns, for every set of text columns, gives csv.writer's line of the cells
    neutralised one by one (each formula trigger, quote, comma, CR, LF and tab, at the
    line's start and after a comma)."""
    import itertools

    cells = ["", "a", "=a", "+a", "-a", "@a", "\ta", "a\tb", 'a"b', "a,b", "a\nb", "a\rb", "\nb"]
    rows = list(itertools.product(cells, repeat=3))
    header = ["a", "b", "c"]
    for size in range(4):
        for text_columns in itertools.combinations(range(3), size):
            path = tmp_path / f"x{size}{''.join(map(str, text_columns))}.csv"
            csvio.write_csv(path, header, rows, text_columns=list(text_columns))
            assert path.read_bytes() == _cell_by_cell(header, rows, text_columns), text_columns
