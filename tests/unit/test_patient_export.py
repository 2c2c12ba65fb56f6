"""pacientes.csv (seed 001): exact columns, UTF-8 BOM, dd/mm/yyyy HH:MM, filters, no partial
file on cancel, audit, and the files open in a real spreadsheet program (LibreOffice)."""

from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
import xml.etree.ElementTree as ET
import zipfile

import pytest

from patolab_desktop.db.models import AuditLog, Customer
from patolab_desktop.services import csvio
from patolab_desktop.services.access import session
from patolab_desktop.services.customers import (
    CustomerFilter,
    patient_export,
)
from patolab_desktop.services.customers import (
    export as exports,
)
from patolab_desktop.services.customers import (
    records as customers,
)
from patolab_desktop.services.errors import PermissionDenied
from tests.patient_csv_helpers import admin, make_customer  # noqa: F401
from tests.security_helpers import make_actor
from tests.tools import soffice

pytestmark = pytest.mark.usefixtures("database", "admin")


def _people():
    ids = [
        make_customer(
            name="José Pérez",
            phone="9988-7766",
            id_number="0801199012345",
            email="jose@example.com",
        ),
        make_customer(name="María Muñoz Ávila", phone="3312-4455", id_number="", complete=False),
        make_customer(name='=HYPERLINK("x")', phone="8877-6655", id_number="", complete=False),
    ]
    Customer.update(created_at=dt.datetime(2025, 3, 7, 9, 5)).where(Customer.id == ids[0]).execute()
    return ids


def test_columns_encoding_and_registered_format(tmp_path):
    _people()
    out = tmp_path / "pacientes.csv"
    assert patient_export.export_patients(CustomerFilter(), out) == 3
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM so Excel shows accents
    rows = csvio.read_csv(out)
    assert rows[0] == ["Nombre", "Teléfono", "Email", "Registrado"]
    by_name = {r[0]: r for r in rows[1:]}
    assert by_name["José Pérez"] == [
        "José Pérez",
        "9988-7766",  # as a spreadsheet shows a phone: no apostrophe (issue 16 B)
        "jose@example.com",
        "07/03/2025 09:05",
    ]
    assert "María Muñoz Ávila" in by_name
    # formula injection neutralised
    assert '\'=HYPERLINK("x")' in by_name
    for row in rows[1:]:
        assert re.fullmatch(r"\d\d/\d\d/\d{4} \d\d:\d\d", row[3])


def test_filters_and_inactive_customers(tmp_path):
    first, second, _third = _people()
    customers.deactivate(second)
    out = tmp_path / "p.csv"
    assert patient_export.export_patients(CustomerFilter(include_inactive=True), out) == 2
    assert "María Muñoz Ávila" not in out.read_text("utf-8-sig")
    assert patient_export.export_patients(CustomerFilter(search="perez"), out) == 1
    assert [r[0] for r in csvio.read_csv(out)[1:]] == ["José Pérez"]


def test_streams_rows_instead_of_loading_the_table(tmp_path, monkeypatch):
    _people()
    seen = {}

    def spy(path, header, rows, **kwargs):
        seen["rows"] = rows
        return real(path, header, rows, **kwargs)

    real = csvio.write_csv
    monkeypatch.setattr(csvio, "write_csv", spy)
    patient_export.export_patients(CustomerFilter(), tmp_path / "p.csv")
    assert not isinstance(seen["rows"], (list, tuple))  # a generator, consumed as written


def test_cancelled_export_leaves_no_file_and_no_audit(tmp_path, monkeypatch):
    _people()
    monkeypatch.setattr(csvio, "CHUNK", 1)
    folder = tmp_path / "out"
    folder.mkdir()
    out = folder / "p.csv"
    audits = AuditLog.select().count()
    count = patient_export.export_patients(CustomerFilter(), out, cancelled=lambda: True)
    assert count == 0
    assert list(folder.iterdir()) == []  # neither the file nor its temporary part
    assert AuditLog.select().count() == audits


def test_export_is_audited_and_needs_the_permission(tmp_path):
    _people()
    patient_export.export_patients(CustomerFilter(), tmp_path / "pacientes.csv")
    entry = AuditLog.select().where(AuditLog.action == "export").get()
    assert entry.username == "test" and "pacientes.csv: 3 filas" in entry.detail
    clerk = make_actor("ana", "Ana", "Recepción", {"patients.view"})
    with session.acting_as(clerk), pytest.raises(PermissionDenied, match="exportar"):
        patient_export.export_patients(CustomerFilter(), tmp_path / "x.csv")
    assert not (tmp_path / "x.csv").exists()


# --- a real spreadsheet program ------------------------------------------------------------

NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}


def _soffice() -> str:
    return soffice()


def _to_xlsx(csv_path, out_dir) -> dict[str, str]:
    """Convert with LibreOffice headless (charset left to its detection: the BOM decides)
    and read the first sheet back as {cell ref: text}."""
    profile = out_dir / "lo-profile"
    command = [
        _soffice(),
        f"-env:UserInstallation=file://{profile}",
        "--headless",
        "--infilter=CSV:44,34,,1",
        "--convert-to",
        "xlsx",
        "--outdir",
        str(out_dir),
        str(csv_path),
    ]
    env = dict(os.environ, HOME=str(out_dir))
    done = subprocess.run(command, capture_output=True, text=True, timeout=180, env=env)
    xlsx = out_dir / (csv_path.stem + ".xlsx")
    assert done.returncode == 0 and xlsx.exists(), done.stdout + done.stderr
    with zipfile.ZipFile(xlsx) as book:
        shared = [
            "".join(t.text or "" for t in si.iter(f"{{{NS['m']}}}t"))
            for si in ET.fromstring(book.read("xl/sharedStrings.xml")).findall("m:si", NS)
        ]
        sheet = ET.fromstring(book.read("xl/worksheets/sheet1.xml"))
    cells = {}
    for cell in sheet.iter(f"{{{NS['m']}}}c"):
        value = cell.find("m:v", NS)
        if value is None:
            continue
        cells[cell.get("r")] = shared[int(value.text)] if cell.get("t") == "s" else value.text
    return cells


def test_exported_files_open_in_libreoffice_with_accents_intact(tmp_path):
    _people()
    patients = tmp_path / "pacientes.csv"
    clients = tmp_path / "clientes_patolab.csv"
    patient_export.export_patients(CustomerFilter(), patients)
    exports.export_customers(CustomerFilter(), clients)

    cells = _to_xlsx(patients, tmp_path)
    assert [cells["A1"], cells["B1"], cells["C1"], cells["D1"]] == [
        "Nombre",
        "Teléfono",
        "Email",
        "Registrado",
    ]  # BOM understood, not shown as ï»¿
    column_a = {cells.get(f"A{n}") for n in range(2, 5)}
    assert {"José Pérez", "María Muñoz Ávila"} <= column_a
    assert '\'=HYPERLINK("x")' in column_a  # text, not a formula
    assert all(not ref.startswith("E") for ref in cells)  # exactly four columns

    cells = _to_xlsx(clients, tmp_path)
    assert cells["B1"] == "Identidad/RTN" and cells["E1"] == "Género"
    assert cells["G1"] == "Estado/Departamento"
    rows = {cells.get(f"A{n}"): n for n in range(2, 5)}
    jose = rows["José Pérez"]
    assert cells[f"B{jose}"] == "0801-1990-12345"  # leading zero kept: text
    assert cells[f"G{jose}"] == "Cortés" and cells[f"E{jose}"] == "Hombre"
    assert "María Muñoz Ávila" in rows


def test_companies_are_never_in_pacientes_csv_and_phones_have_no_apostrophe(tmp_path):
    """Issue 16 B: pacientes.csv lists patients only; phones without a visible apostrophe."""
    _people()
    make_customer(
        name="Farmacia Kielsa S. de R.L.",
        phone="+1 202-555-0143",
        id_number="08019012345678",
        type="empresa",
        complete=False,
    )
    make_customer(name="Ana Smith", phone="+1 202-555-0199", id_number="", complete=False)
    out = tmp_path / "pacientes.csv"
    assert patient_export.export_patients(CustomerFilter(), out) == 4
    rows = csvio.read_csv(out)[1:]
    assert "Farmacia Kielsa S. de R.L." not in [r[0] for r in rows]
    phones = {r[0]: r[1] for r in rows}
    assert phones["Ana Smith"] == "00 1 202-555-0199"
    for phone in phones.values():
        assert not phone.startswith(("'", "+", "=", "-", "@"))
    # even when the list's filter asks for companies, the file stays patients only
    patient_export.export_patients(CustomerFilter(type="empresa"), out)
    assert "Farmacia Kielsa" not in out.read_text("utf-8-sig")
