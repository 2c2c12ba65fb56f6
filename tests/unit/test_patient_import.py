"""Patient import (seed 001): real files for every encoding, delimiter and header variant,
line numbers, the 5 MB limit, all-or-nothing commits (upserts and incomplete customers:
test_patient_import_upserts.py)."""

from __future__ import annotations

import dataclasses

import pytest

from patolab_desktop.db.models import AuditLog, Customer, Gender
from patolab_desktop.services import customers
from patolab_desktop.services.access import session
from patolab_desktop.services.customers import CustomerFilter, import_file, patient_export
from patolab_desktop.services.customers import importing as pi
from patolab_desktop.services.errors import PermissionDenied, ValidationError
from tests.patient_csv_helpers import (  # noqa: F401 (fixture)
    ACCENTED,
    admin,
    cortes_san_pedro,
    created_names,
    customer_count,
    make_customer,
    table_snapshot,
    write_csv_file,
)
from tests.security_helpers import make_actor

pytestmark = pytest.mark.usefixtures("database", "admin")

# --- encodings and delimiters ---------------------------------------------------------------


@pytest.mark.parametrize(
    "encoding, label",
    [
        ("utf-8", "UTF-8"),
        ("utf-8-sig", "UTF-8 con BOM"),
        ("cp1252", "Windows-1252"),
    ],
)
@pytest.mark.parametrize("delimiter", [",", ";"])
def test_each_encoding_and_delimiter_reads_accents(tmp_path, encoding, label, delimiter):
    path = write_csv_file(tmp_path / "p.csv", ACCENTED, delimiter=delimiter, encoding=encoding)
    plan = pi.analyse(path)
    assert plan.encoding == label
    assert plan.delimiter == delimiter
    assert plan.rejected == []
    assert created_names(plan.created) == ["José Pérez", "María Muñoz Ávila", "Ñoño Güell"]
    pi.commit(plan)
    stored = sorted(Customer.select(Customer.name).tuples())
    assert stored == [("José Pérez",), ("María Muñoz Ávila",), ("Ñoño Güell",)]


def test_semicolon_file_with_commas_inside_names_is_not_split_on_commas(tmp_path):
    rows = [["nombre", "telefono"], ["Pérez, José", "9988-7766"], ["Muñoz, Ana", "3312-4455"]]
    plan = pi.analyse(write_csv_file(tmp_path / "p.csv", rows, delimiter=";"))
    assert plan.delimiter == ";"
    assert created_names(plan.created) == ["Pérez, José", "Muñoz, Ana"]


def test_unix_and_old_mac_line_endings(tmp_path):
    for end in ("\n", "\r"):
        path = write_csv_file(tmp_path / "p.csv", ACCENTED, line_end=end)
        plan = pi.analyse(path)
        assert [r.line for r in plan.created] == [2, 3, 4]


def test_windows_1252_is_used_only_when_the_bytes_are_not_utf8(tmp_path):
    # "Ã©" in cp1252 is also valid UTF-8 for "é": strict UTF-8 first wins.
    path = tmp_path / "p.csv"
    path.write_bytes("nombre,telefono\nJosé,9988-7766\n".encode())
    assert pi.analyse(path).created[0].data.name == "José"
    path.write_bytes("nombre,telefono\nJosé,9988-7766\n".encode("cp1252"))
    plan = pi.analyse(path)
    assert plan.encoding == "Windows-1252" and plan.created[0].data.name == "José"


def test_unknown_encoding_and_utf16_are_refused_with_a_reason(tmp_path):
    path = tmp_path / "p.csv"
    path.write_bytes(b"nombre,telefono\nJos\x81,9988-7766\n")  # 0x81 is undefined in cp1252
    with pytest.raises(pi.PatientImportError, match="codificación"):
        pi.analyse(path)
    path.write_bytes("nombre,telefono\n".encode("utf-16"))
    with pytest.raises(pi.PatientImportError, match="UTF-16"):
        pi.analyse(path)


def test_decomposed_accents_are_stored_composed(tmp_path):
    path = tmp_path / "p.csv"
    path.write_bytes("nombre,telefono\nJose\u0301 Mun\u0303oz,9988-7766\n".encode("utf-8"))
    assert pi.analyse(path).created[0].data.name == "José Muñoz"


# --- headers ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "header",
    [
        ["nombre", "telefono", "email", "dui"],
        ["Name", "Phone", "Email", "DNI"],
        ["FULL_NAME", "PHONE", "correo", "identidad"],
        ["Nombre Completo", "Teléfono", "Correo Electrónico", "ID_NUMBER"],
        ["  NÓMBRE ", "TELÉFONO", "E-mail", "RTN"],
        ["nombre", "celular", "correo", "Identidad/RTN"],
    ],
)
def test_header_variants_in_spanish_or_english_any_case_and_accents(tmp_path, header):
    rows = [header, ["José Pérez", "9988-7766", "jose@example.com", "0801199012345"]]
    plan = pi.analyse(write_csv_file(tmp_path / "p.csv", rows))
    assert set(plan.columns) == {"name", "phone", "email", "id_number"}
    data = plan.created[0].data
    assert (data.name, data.email, data.id_number) == (
        "José Pérez",
        "jose@example.com",
        "0801199012345",
    )


def test_other_customer_fields_are_read_when_present(tmp_path):
    department_id, municipality_id = cortes_san_pedro()
    rows = [
        [
            "Nombre",
            "Teléfono",
            "Identidad",
            "Tipo",
            "Sexo",
            "Edad",
            "Estado",
            "Ciudad",
            "Dirección",
            "Notas",
            "Fecha de nacimiento",
        ],
        [
            "Ana Díaz",
            "9988-7766",
            "0801199012345",
            "Paciente",
            "F",
            "31",
            "cortes",
            "San Pedro Sula",
            "Col. Trejo",
            "Alergia a penicilina",
            "",
        ],
        [
            "Luis Gómez",
            "3312-4455",
            "0501198800001",
            "paciente",
            "Masculino",
            "",
            "Cortés",
            "san pedro sula",
            "",
            "",
            "05/03/1988",
        ],
    ]
    plan = pi.analyse(write_csv_file(tmp_path / "p.csv", rows))
    assert plan.rejected == [], [r.reason for r in plan.rejected]
    ana, luis = (r.data for r in plan.created)
    assert ana.gender_id == Gender.get(Gender.code == "F").id and ana.age == 31
    assert (ana.department_id, ana.municipality_id) == (department_id, municipality_id)
    assert ana.address == "Col. Trejo" and ana.notes == "Alergia a penicilina"
    assert luis.date_of_birth.isoformat() == "1988-03-05" and luis.age is None
    assert not plan.created[0].incomplete and not plan.created[1].incomplete
    pi.commit(plan)
    assert Customer.select().where(Customer.incomplete == True).count() == 0  # noqa: E712


def test_unknown_columns_are_ignored_and_listed(tmp_path):
    rows = [
        ["Nombre", "Teléfono", "Registrado", "Color favorito"],
        ["José", "9988-7766", "01/01/2025 10:00", "azul"],
    ]
    plan = pi.analyse(write_csv_file(tmp_path / "p.csv", rows))
    assert plan.ignored_columns == ["Registrado", "Color favorito"]
    assert len(plan.created) == 1


@pytest.mark.parametrize(
    "header, missing",
    [
        (["nombre", "correo"], "teléfono"),
        (["telefono", "correo"], "nombre"),
        (["correo", "dui"], "nombre"),
    ],
)
def test_missing_required_column_refuses_the_whole_file(tmp_path, header, missing):
    rows = [header, ["x@example.com", "0801199012345"]]
    with pytest.raises(pi.PatientImportError, match=missing) as info:
        pi.analyse(write_csv_file(tmp_path / "p.csv", rows))
    assert "obligatoria" in str(info.value)
    assert customer_count() == 0


def test_empty_file_is_refused(tmp_path):
    path = tmp_path / "p.csv"
    path.write_bytes(b"\xef\xbb\xbf\r\n  \r\n")
    with pytest.raises(pi.PatientImportError, match="vacío"):
        pi.analyse(path)


# --- line numbers and rejected rows -----------------------------------------------------


def test_embedded_newlines_keep_line_numbers_right(tmp_path):
    path = tmp_path / "p.csv"
    path.write_text(
        "nombre,telefono,correo,notas\r\n"  # line 1
        'Ana,9988-7766,ana@example.com,"una\r\n'  # line 2
        'dos\r\ntres"\r\n'  # lines 3-4
        "\r\n"  # line 5 (blank)
        "Luis,12,luis@example.com,\r\n"  # line 6: bad phone
        '"Eva\r\nMaría",3312-4455,eva@@example,\r\n'  # lines 7-8: bad email
        "Raúl,8877-6655,,ok\r\n",  # line 9
        encoding="utf-8",
        newline="",
    )
    plan = pi.analyse(path)
    assert [r.line for r in plan.created] == [2, 9]
    assert plan.created[0].data.notes == "una\r\ndos\r\ntres"
    bad_phone, bad_email = plan.rejected
    assert bad_phone.line == 6 and "teléfono" in bad_phone.reason.lower()
    assert bad_email.line == 7 and "correo" in bad_email.reason.lower()
    assert bad_phone.raw == ["Luis", "12", "luis@example.com", ""]
    assert bad_email.values["name"] == "Eva\r\nMaría"


def test_rejected_rows_have_spanish_reasons(tmp_path):
    rows = [
        ["nombre", "telefono", "correo", "dni", "genero", "edad", "departamento", "municipio"],
        ["", "9988-7766", "", "", "", "", "", ""],  # 2 no name
        ["Ana", "", "", "", "", "", "", ""],  # 3 no phone
        ["Ana", "9988-7766", "", "12AB", "", "", "", ""],  # 4 letters: a passport, too short
        ["Ana", "9988-7766", "", "123", "", "", "", ""],  # 5 id length
        ["Ana", "9988-7766", "", "", "Marciano", "", "", ""],  # 6 gender
        ["Ana", "9988-7766", "", "", "", "muchos", "", ""],  # 7 age
        ["Ana", "9988-7766", "", "", "", "200", "", ""],  # 8 age range
        ["Ana", "9988-7766", "", "", "", "", "Narnia", ""],  # 9 department
        ["Ana", "9988-7766", "", "", "", "", "Cortés", "Choluteca"],  # 10 mismatch
        ["Ana", "9988-7766", "", "", "", "", "", "", "extra"],
    ]  # 11 too many
    plan = pi.analyse(write_csv_file(tmp_path / "p.csv", rows))
    assert plan.created == [] and plan.updated == []
    reasons = {r.line: r.reason for r in plan.rejected}
    assert reasons[2] == "Falta el nombre."
    assert reasons[3] == "Falta el teléfono."
    assert "El pasaporte lleva de 5 a 20 letras y números" in reasons[4]
    assert "13 dígitos" in reasons[5]
    assert "Género desconocido: «Marciano»" in reasons[6]
    assert "Edad no válida" in reasons[7]
    assert "entre 0 y" in reasons[8]
    assert "Departamento desconocido: «Narnia»" in reasons[9]
    assert "Municipio desconocido de ese departamento: «Choluteca»" in reasons[10]
    assert "columnas" in reasons[11]


def test_formula_neutralised_cells_are_read_back(tmp_path):
    rows = [["Nombre", "Teléfono"], ["'=Ana", "'+504 9988-7766"]]
    plan = pi.analyse(write_csv_file(tmp_path / "p.csv", rows))
    assert plan.created[0].data.name == "=Ana"
    assert plan.created[0].data.phone == "+504 9988-7766"


# --- size limit -------------------------------------------------------------------------


def test_file_over_5_mb_is_refused_before_reading(tmp_path):
    path = tmp_path / "big.csv"
    line = b"Jos\xc3\xa9 P\xc3\xa9rez,9988-7766,jose@example.com\n"
    with path.open("wb") as fh:
        fh.write(b"nombre,telefono,email\n")
        while fh.tell() <= import_file.MAX_BYTES:
            fh.write(line * 1000)
    assert path.stat().st_size > 5 * 1024 * 1024
    with pytest.raises(pi.PatientImportError, match="máximo para importar es 5 MB"):
        pi.analyse(path)


def test_size_limit_boundary(tmp_path, monkeypatch):
    path = write_csv_file(tmp_path / "p.csv", ACCENTED)
    size = path.stat().st_size
    monkeypatch.setattr(import_file, "MAX_BYTES", size)
    assert len(pi.analyse(path).created) == 3
    monkeypatch.setattr(import_file, "MAX_BYTES", size - 1)
    with pytest.raises(pi.PatientImportError):
        pi.analyse(path)


def test_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(pi.PatientImportError, match="No existe el archivo"):
        pi.analyse(tmp_path / "nada.csv")


# --- all or nothing ---------------------------------------------------------------------


def _mixed_file(tmp_path, count=250):
    rows = [["nombre", "telefono", "dni", "email"]]
    for n in range(count):
        rows.append([f"Paciente Número {n}", f"9{n:07d}", "", f"p{n}@example.com"])
    return write_csv_file(tmp_path / "many.csv", rows)


def test_cancel_mid_way_leaves_the_database_unchanged(tmp_path):
    existing = make_customer(
        name="Paciente Número 3",
        phone="90000003",
        id_number="",
        complete=False,
        email="old@example.com",
    )
    plan = pi.analyse(_mixed_file(tmp_path))
    assert len(plan.created) == 249 and len(plan.updated) == 1
    snapshot = table_snapshot()
    audits = AuditLog.select().count()
    calls = {"n": 0}

    def cancelled():
        calls["n"] += 1
        return calls["n"] > 3  # after the update and the creations were written (3 ticks)

    seen = []
    with pytest.raises(pi.ImportCancelled):
        pi.commit(plan, progress=lambda done, total: seen.append(done), cancelled=cancelled)
    assert seen and seen[-1] >= 100  # rows had been saved before the cancel
    assert table_snapshot() == snapshot
    assert AuditLog.select().count() == audits
    assert customers.get(existing).email == "old@example.com"
    # the same plan can be committed afterwards
    assert pi.commit(plan).created == 249


def test_cancel_at_the_very_end_still_rolls_back(tmp_path):
    plan = pi.analyse(write_csv_file(tmp_path / "p.csv", ACCENTED))
    answers = iter([False, False, True])
    with pytest.raises(pi.ImportCancelled):
        pi.commit(plan, cancelled=lambda: next(answers, True))
    assert customer_count() == 0


def test_an_exception_mid_way_rolls_everything_back(tmp_path, monkeypatch):
    existing = make_customer(
        name="Paciente Número 3", phone="90000003", id_number="", complete=False
    )
    plan = pi.analyse(_mixed_file(tmp_path, count=20))
    monkeypatch.setattr(pi, "INSERT_CHUNK", 5)
    real_insert = customers.insert_prepared
    calls = {"n": 0}

    def failing_insert(items, **options):
        calls["n"] += 1
        if calls["n"] == 3:  # two chunks (10 rows) are already in the transaction
            raise RuntimeError("disco lleno")
        return real_insert(items, **options)

    monkeypatch.setattr(customers.bulk, "insert_prepared", failing_insert)
    snapshot = table_snapshot()
    with pytest.raises(RuntimeError):
        pi.commit(plan)
    assert calls["n"] == 3
    assert table_snapshot() == snapshot

    # the same while updating (updates go first)
    monkeypatch.setattr(customers.bulk, "insert_prepared", real_insert)
    monkeypatch.setattr(
        customers.bulk, "_update_rows", lambda *_a: (_ for _ in ()).throw(OSError("E/S"))
    )
    with pytest.raises(OSError):
        pi.commit(plan)
    assert table_snapshot() == snapshot
    assert customers.get(existing).email == ""


def test_cycle_collection_is_paused_while_importing_and_restored_after(tmp_path, monkeypatch):
    import gc

    from patolab_desktop.util.cycle_collection import is_paused as paused

    seen = []  # (phase, collection possible: automatic, or the desk's collector not paused)
    real_prepare, real_insert = customers.bulk._prepared, customers.insert_prepared
    monkeypatch.setattr(
        customers.bulk,
        "_prepared",
        lambda *a, **k: (
            seen.append(("analyse", gc.isenabled() or not paused())) or real_prepare(*a, **k)
        ),
    )
    monkeypatch.setattr(
        customers.bulk,
        "insert_prepared",
        lambda items, **k: (
            seen.append(("commit", gc.isenabled() or not paused())) or real_insert(items, **k)
        ),
    )
    before = gc.isenabled()  # off in the suite and the desk (ui.gui_thread_gc), on in the CLI
    plan = pi.analyse(_mixed_file(tmp_path, count=5))
    assert gc.isenabled() is before
    pi.commit(plan)
    assert gc.isenabled() is before
    assert {phase for phase, _ in seen} == {"analyse", "commit"}
    assert not any(enabled for _, enabled in seen)
    assert not paused()

    monkeypatch.setattr(
        customers.bulk,
        "insert_prepared",
        lambda items, **k: (_ for _ in ()).throw(RuntimeError("disco lleno")),
    )
    with pytest.raises(RuntimeError):
        pi.commit(pi.analyse(_mixed_file(tmp_path, count=8)))
    assert gc.isenabled() is before


def test_a_row_that_became_invalid_after_the_preview_fails_the_whole_commit(tmp_path):
    plan = pi.analyse(write_csv_file(tmp_path / "p.csv", ACCENTED))
    # another workstation registers José's DNI between the preview and the commit
    make_customer(name="Otro José", phone="9456-1234", id_number="0801199012345")
    snapshot = table_snapshot()
    with pytest.raises(pi.PatientImportError, match=r"Línea 2 \(José Pérez\)") as info:
        pi.commit(plan)
    assert "No se importó ninguna fila" in str(info.value)
    assert table_snapshot() == snapshot


def test_a_customer_edited_after_the_preview_is_a_conflict(tmp_path):
    existing = make_customer(name="Ana López", phone="9988-7766", id_number="0801199012345")
    rows = [
        ["nombre", "telefono", "dni", "email"],
        ["Ana López", "9988-7766", "0801199012345", "ana@example.com"],
        ["Luis Gómez", "3312-4455", "", ""],
    ]
    plan = pi.analyse(write_csv_file(tmp_path / "p.csv", rows))
    data = customers.get(existing)
    data.notes = "editado en recepción"
    customers.update(data)
    snapshot = table_snapshot()
    with pytest.raises(pi.PatientImportError, match="Línea 2"):
        pi.commit(plan)
    assert table_snapshot() == snapshot


# --- analysis writes nothing; permissions; audit --------------------------------------------


def test_analyse_never_writes(tmp_path):
    make_customer()
    snapshot = table_snapshot()
    audits = AuditLog.select().count()
    plan = pi.analyse(write_csv_file(tmp_path / "p.csv", ACCENTED))
    assert plan.created and plan.updated
    assert table_snapshot() == snapshot and AuditLog.select().count() == audits


def test_import_needs_the_imports_permission(tmp_path):
    path = write_csv_file(tmp_path / "p.csv", ACCENTED)
    plan = pi.analyse(path)
    clerk = make_actor("ana", "Ana", "Recepción", {"patients.create", "patients.edit"})
    with session.acting_as(clerk):
        with pytest.raises(PermissionDenied, match="importar pacientes"):
            pi.analyse(path)
        with pytest.raises(PermissionDenied):
            pi.commit(plan)
    assert customer_count() == 0


def test_import_is_audited_with_who_and_how_many(tmp_path):
    rows = ACCENTED + [["Sin teléfono", "", "", ""]]
    plan = pi.analyse(write_csv_file(tmp_path / "pacientes_2025.csv", rows))
    pi.commit(plan, skip_rejected=True)  # the desk confirmed importing the others
    entry = AuditLog.select().where(AuditLog.action == "import").get()
    assert entry.username == "test" and entry.entity == "customer"
    assert "pacientes_2025.csv" in entry.detail
    assert "3 creados" in entry.detail and "1 rechazados" in entry.detail


# --- round trip -------------------------------------------------------------------------


def test_round_trip_export_then_import_keeps_accents(tmp_path, database):
    names = ["José Pérez", "María Muñoz Ávila", "Ñoño Güell", "Zoë Çelik", "Ana O'Neil"]
    phones = ["9988-7766", "3312-4455", "8877-6655", "9456-1234", "+1 202-555-0143"]
    for index, (name, phone) in enumerate(zip(names, phones, strict=False)):
        make_customer(
            name=name, phone=phone, id_number="", email=f"p{index}@example.com", complete=False
        )
    expected = {(c.name, c.phone, c.email) for c in Customer.select()}
    out = tmp_path / "pacientes.csv"
    assert patient_export.export_patients(CustomerFilter(), out) == 5
    snapshot = table_snapshot()

    # into the same database: every row is recognised, nothing changes
    plan = pi.analyse(out)
    assert plan.rejected == [] and plan.created == []
    assert plan.unchanged_count == 5
    pi.commit(plan)
    assert table_snapshot() == snapshot

    # into an empty database: the same people, accents intact
    from patolab_desktop.services.bootstrap import close_db, open_db

    close_db()
    open_db(tmp_path / "other.db")
    plan = pi.analyse(out)
    assert sorted(created_names(plan.created)) == sorted(names)
    pi.commit(plan)
    assert {(c.name, c.phone, c.email) for c in Customer.select()} == expected


def test_plan_rows_are_in_file_order_and_dataclass_copies_are_used(tmp_path):
    plan = pi.analyse(write_csv_file(tmp_path / "p.csv", ACCENTED + [["", "1", "", ""]]))
    assert [r.line for r in plan.rows] == [2, 3, 4, 5]
    before = [dataclasses.asdict(r.data) for r in plan.created]
    pi.commit(plan, skip_rejected=True)
    assert [dataclasses.asdict(r.data) for r in plan.created] == before


# --- the bulk helpers added to the customers service for the import -------------------------


def test_get_many_matches_get():
    ids = [
        make_customer(name="José Pérez"),
        make_customer(name="Ana López", phone="3312-4455", id_number="", complete=False),
    ]
    found = customers.get_many(ids + [99999])
    assert set(found) == set(ids)
    for customer_id in ids:
        assert found[customer_id] == customers.get(customer_id)


def test_prepare_and_insert_prepared_store_what_create_would():
    data = customers.CustomerData(
        name="  Ñoño   Güell ", phone="9988-7766", email="NONO@Example.com"
    )
    prepared = customers.prepare(data)
    assert prepared.errors == {} and set(prepared.missing) == {
        "age",
        "gender_id",
        "department_id",
        "municipality_id",
    }
    assert customers.insert_prepared([prepared]) == 1
    stored = Customer.get()
    assert (stored.name, stored.phone, stored.email, stored.incomplete) == (
        "Ñoño Güell",
        "+50499887766",
        "nono@example.com",
        True,
    )
    assert stored.uid and stored.version == 1
    bad = customers.prepare(customers.CustomerData(name="X", phone="12"))
    assert "phone" in bad.errors
    with pytest.raises(ValueError):
        customers.insert_prepared([bad])


def test_insert_prepared_refuses_an_id_number_taken_meanwhile():
    prepared = customers.prepare(
        customers.CustomerData(name="Ana", phone="9988-7766", id_number="0801199012345"),
        check_unique=False,
    )
    make_customer(name="Otra", phone="3312-4455", id_number="0801199012345")
    with pytest.raises(ValidationError) as info:
        customers.insert_prepared([prepared])
    assert "0801-1990-12345" in str(info.value)
    assert customer_count() == 1


def test_each_phone_of_a_big_file_is_validated_once_and_forgotten_after(tmp_path, monkeypatch):
    """The analysis asks for each row's phone twice (its key for the whole file, then its
    checks): with more rows than a small cache holds, phonenumbers validated every phone
    twice, a tenth of the analysis (issue 20). The cache is emptied when it ends."""
    from patolab_desktop.services.customers import formats

    rows = 5000  # more than the 4,096 phones the cache used to hold
    formats.normalise_phone.cache_clear()
    validated: list[int] = []
    real = formats._VALID_LOCAL  # phonenumbers' patterns of a local number

    class Counted:
        def match(self, digits):
            validated.append(1)
            return real.match(digits)

    monkeypatch.setattr(formats, "_VALID_LOCAL", Counted())
    plan = pi.analyse(_mixed_file(tmp_path, count=rows))
    assert len(plan.created) == rows
    assert len(validated) == rows
    assert formats.normalise_phone.cache_info().currsize == 0
