"""Property-based: whatever bytes or CSV rows it is fed, the importer never crashes with
anything but its own error type, and a commit is all or nothing (row counts)."""

from __future__ import annotations

import csv
import io

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from patolab_desktop.services.customers import importing as pi
from tests.patient_csv_helpers import PHONES, admin, customer_count, table_snapshot  # noqa: F401

pytestmark = pytest.mark.usefixtures("database", "admin")

SETTINGS = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

HEADER_NAMES = {
    "name": ["nombre", "Name", "FULL_NAME", "Nombre completo", "NÓMBRE"],
    "phone": ["telefono", "Teléfono", "PHONE", "celular"],
    "email": ["email", "Correo", "correo electrónico"],
    "id_number": ["dui", "DNI", "identidad", "id_number", "RTN"],
    "gender": ["género", "sexo", "gender"],
    "age": ["edad", "Age"],
    "department": ["departamento", "Estado"],
    "municipality": ["municipio", "ciudad"],
    "junk": ["color", "Registrado", "", "x;y", 'co"mi,llas'],
}
# cp1252-encodable text with the characters that break naive CSV code
CELL_ALPHABET = st.sampled_from(list("aeiouÁÉÍÓÚñÑüÜ Zz09-+@=,;\"'\n\r\t.")) | st.characters(
    codec="cp1252", exclude_categories=("Cs",)
)
cells = st.one_of(
    st.text(CELL_ALPHABET, max_size=25),
    st.sampled_from(
        PHONES
        + [
            "+504 9988-7766",
            "12",
            "",
            "0801-1990-12345",
            "abc@",
            "a@b.hn",
            "Mujer",
            "H",
            "35",
            "-1",
            "Cortés",
            "San Pedro Sula",
            "=1+1",
        ]
    ),
)


def _outcome(path, cancel_after: int | None) -> None:
    """Analyse then commit (cancelled after ``cancel_after`` checks when given)."""
    try:
        plan = pi.analyse(path)
    except pi.PatientImportError as exc:
        assert str(exc)  # a Spanish message, never an empty one
        event("file refused")
        return
    event(f"valid rows: {'some' if plan.created or plan.updated else 'none'}")
    assert plan.total == (
        len(plan.created) + len(plan.updated) + len(plan.rejected) + len(plan.merged)
    )
    assert all(r.reason for r in plan.rejected)
    assert [r.line for r in plan.rows] == sorted({r.line for r in plan.rows})
    before, snapshot = customer_count(), table_snapshot()
    if cancel_after is not None:
        checks = {"n": 0}

        def cancelled():
            checks["n"] += 1
            return checks["n"] > cancel_after

        try:
            pi.commit(plan, cancelled=cancelled)
        except pi.PatientImportError:
            assert table_snapshot() == snapshot  # nothing half imported
            event("commit cancelled and rolled back")
            return
    else:
        try:
            result = pi.commit(plan)
        except pi.PatientImportError:
            assert table_snapshot() == snapshot
            return
        assert result.created == len(plan.created)
    assert customer_count() == before + len(plan.created)


@SETTINGS
@given(
    prefix=st.sampled_from(
        [
            b"",
            b"nombre,telefono\n",
            b"\xef\xbb\xbfName;Phone\r\n",
            b"Nombre,Tel\xe9fono\r\nJos\xe9,9988-7766\r\n",
        ]
    ),
    data=st.binary(max_size=600),
    cancel_after=st.none() | st.integers(0, 3),
)
def test_arbitrary_bytes_never_crash_and_never_half_import(tmp_path, prefix, data, cancel_after):
    path = tmp_path / "random.csv"
    path.write_bytes(prefix + data)
    _outcome(path, cancel_after)


PLAUSIBLE = {
    "name": st.text(st.characters(codec="cp1252", categories=("L", "Zs")), min_size=1, max_size=15),
    "phone": st.sampled_from(PHONES),
    "email": st.sampled_from(["", "ana@example.com", "JOSE@Example.com", "malo@", "x@y"]),
    "id_number": st.sampled_from(["", "0801199012345", "0801-1990-12346", "123", "08011990123456"]),
    "gender": st.sampled_from(["", "Mujer", "h", "Otro", "??"]),
    "age": st.sampled_from(["", "0", "35", "130", "131", "x"]),
    "department": st.sampled_from(["", "Cortés", "francisco morazan", "Narnia"]),
    "municipality": st.sampled_from(["", "San Pedro Sula", "Distrito Central", "Nowhere"]),
    "junk": cells,
}


@SETTINGS
@given(
    extra=st.lists(st.sampled_from(sorted(set(HEADER_NAMES) - {"name", "phone"})), max_size=6),
    picks=st.data(),
    delimiter=st.sampled_from([",", ";"]),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "cp1252"]),
    line_end=st.sampled_from(["\r\n", "\n"]),
    cancel_after=st.none() | st.integers(0, 3),
)
def test_arbitrary_csv_rows_never_crash_and_never_half_import(
    tmp_path, extra, picks, delimiter, encoding, line_end, cancel_after
):
    columns = picks.draw(st.permutations(["name", "phone"] + extra))
    header = [picks.draw(st.sampled_from(HEADER_NAMES[c])) for c in columns]
    plausible = st.tuples(*[PLAUSIBLE[c] for c in columns]).map(list)
    rows = picks.draw(st.lists(plausible | st.lists(cells, max_size=9), max_size=12))
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator=line_end)
    writer.writerow(header)
    writer.writerows(rows)
    path = tmp_path / "rows.csv"
    path.write_bytes(buffer.getvalue().encode(encoding))
    _outcome(path, cancel_after)


@SETTINGS
@given(
    names=st.lists(
        st.text(st.characters(codec="cp1252", categories=("L",)), min_size=1, max_size=12),
        min_size=1,
        max_size=6,
    ),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "cp1252"]),
    delimiter=st.sampled_from([",", ";"]),
)
def test_valid_rows_are_all_read_with_their_line_numbers(tmp_path, names, encoding, delimiter):
    header = ["Nombre", "Teléfono"]
    rows = [[f"{name}\n{index}", PHONES[index % len(PHONES)]] for index, name in enumerate(names)]
    buffer = io.StringIO(newline="")
    csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerows([header] + rows)
    path = tmp_path / "valid.csv"
    path.write_bytes(buffer.getvalue().encode(encoding))
    plan = pi.analyse(path)
    analysed = plan.rows
    # every record spans two physical lines (the embedded newline), after the header
    assert [r.line for r in analysed] == [2 + 2 * i for i in range(len(names))]
    for row, name in zip(analysed, names, strict=False):
        assert row.values["name"].startswith(name.strip()) or row.action == "reject"
