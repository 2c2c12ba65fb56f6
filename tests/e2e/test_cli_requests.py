"""``export requests``, ``request-status`` and ``cancel-request`` run as a user runs them:
files, messages and exit codes (0 done, 1 refused or not found, 2 bad arguments)."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from tests.cli_process import patolab, read_csv
from tests.expected import REQUEST_HEADER as HEADER

DAY = dt.datetime(2025, 4, 7, 8, 15)


@pytest.fixture
def lab_file(tmp_path, _isolated_home):
    """A database file with 4 requests: pending, in progress, completed and cancelled."""
    from patolab_desktop.services import requests
    from patolab_desktop.services.bootstrap import close_db, open_db
    from tests.unit.requests_fixtures import make_customer, make_doctor, make_investigation

    path = tmp_path / "lab.db"
    open_db(path)
    ana = make_customer("Ana Martínez", date_of_birth=dt.date(1950, 1, 1))
    formula = make_customer("=HYPERLINK(1) Pérez")
    doctor = make_doctor("Dra. Sofía Castro")
    other = make_doctor("Dr. Nelson Paz")
    hem = make_investigation("HEM", "Hemograma completo", "150")
    glu = make_investigation("GLU", "Glucosa en ayunas", "80")

    def create(patient, doc, days, **kw):
        return requests.create(
            requests.RequestDraft(
                patient_id=patient,
                doctor_id=doc,
                investigation_ids=[hem, glu],
                requested_at=DAY + dt.timedelta(days=days),
                **kw,
            )
        )

    made = {
        "pending": create(ana, doctor, 0, priority="stat", source="emergency"),
        "in_progress": create(formula, other, 1),
        "completed": create(ana, other, 2, source="external"),
        "cancelled": create(formula, doctor, 3, priority="urgent"),
    }
    for _ in range(2):
        requests.advance(made["in_progress"][0])
    for _ in range(4):
        requests.advance(made["completed"][0])
    requests.cancel(made["cancelled"][0], "Paciente no se presentó")
    ids = {"ana": ana, "formula": formula, "doctor": doctor, "other": other}
    close_db()
    return path, {k: v[1] for k, v in made.items()}, ids


def test_export_all_requests(lab_file, tmp_path, _isolated_home):
    db, numbers, _ids = lab_file
    out = tmp_path / "solicitudes.csv"
    result = patolab("export", "requests", "--db", db, "--out", out, home=_isolated_home)
    assert result.returncode == 0, result.stderr
    assert "4 solicitudes exportadas" in result.stdout
    rows = read_csv(out)
    assert rows[0] == HEADER
    assert [r[0] for r in rows[1:]] == [
        numbers["cancelled"],
        numbers["completed"],
        numbers["in_progress"],
        numbers["pending"],
    ]
    cancelled = rows[1]
    assert cancelled[1] == "10/04/2025 08:15"
    assert cancelled[2] == "'=HYPERLINK(1) Pérez"  # formula neutralised
    assert cancelled[4:8] == ["LAB", "Urgente", "Cancelada", "Ambulatorio"]
    assert cancelled[12] == "Paciente no se presentó"
    assert re.fullmatch(r"\d{2}/\d{2}/\d{4} \d{2}:\d{2}", cancelled[11])
    pending = rows[4]
    assert pending[5:8] == ["STAT (inmediato)", "Pendiente", "Emergencia"]
    assert pending[8:11] == ["230.00", "69.00", "161.00"]  # 30 % age discount
    assert pending[11:] == ["", ""]


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--status", "completed"], ["completed"]),
        (["--status", "Muestra tomada"], []),
        (["--status", "cancelada"], ["cancelled"]),
        (["--priority", "stat"], ["pending"]),
        (["--source", "externo"], ["completed"]),
        (["--search", "perez"], ["cancelled", "in_progress"]),
        (["--from", "2025-04-08", "--to", "2025-04-09"], ["completed", "in_progress"]),
        (["--to", "07/04/2025"], ["pending"]),
        (["--branch", "LAB", "--status", "pending"], ["pending"]),
    ],
)
def test_export_with_filters(lab_file, tmp_path, _isolated_home, args, expected):
    db, numbers, _ids = lab_file
    out = tmp_path / "f.csv"
    result = patolab("export", "requests", "--db", db, "--out", out, *args, home=_isolated_home)
    assert result.returncode == 0, result.stderr
    assert sorted(r[0] for r in read_csv(out)[1:]) == sorted(numbers[k] for k in expected)


def test_export_by_patient_and_doctor(lab_file, tmp_path, _isolated_home):
    db, numbers, ids = lab_file
    out = tmp_path / "p.csv"
    result = patolab(
        "export",
        "requests",
        "--db",
        db,
        "--out",
        out,
        "--patient",
        ids["ana"],
        "--doctor",
        ids["other"],
        home=_isolated_home,
    )
    assert result.returncode == 0, result.stderr
    assert [r[0] for r in read_csv(out)[1:]] == [numbers["completed"]]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--status", "lost"], "estado no válido"),
        (["--priority", "asap"], "prioridad no válido"),
        (["--from", "2025-13-01"], "fecha no válida"),
        (["--from", "2025-05-01", "--to", "2025-04-01"], "posterior"),
        (["--patient", "abc"], "no es un número"),
        (["--branch", "XYZ"], "sucursal desconocida"),
    ],
)
def test_export_bad_values_exit_2(lab_file, tmp_path, _isolated_home, args, message):
    db, _numbers, _ids = lab_file
    out = tmp_path / "bad.csv"
    result = patolab("export", "requests", "--db", db, "--out", out, *args, home=_isolated_home)
    assert result.returncode == 2
    assert message in result.stderr
    assert not out.exists()


def test_request_status_shows_and_advances(lab_file, _isolated_home):
    db, numbers, _ids = lab_file
    result = patolab("request-status", numbers["pending"].lower(), "--db", db, home=_isolated_home)
    assert (result.returncode, result.stdout.strip()) == (0, f"{numbers['pending']}: Pendiente")
    result = patolab(
        "request-status",
        numbers["pending"],
        "--advance",
        "--by",
        "supervisor",
        "--db",
        db,
        home=_isolated_home,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"{numbers['pending']}: Pendiente → Muestra tomada"
    result = patolab(
        "request-status", numbers["completed"], "--advance", "--db", db, home=_isolated_home
    )
    assert result.returncode == 1
    assert "completada" in result.stderr and "ya no se puede modificar" in result.stderr


def test_cancel_request_follows_the_rules(lab_file, _isolated_home):
    db, numbers, _ids = lab_file
    result = patolab(
        "cancel-request",
        numbers["in_progress"],
        "--reason",
        "No se necesita",
        "--db",
        db,
        home=_isolated_home,
    )
    assert result.returncode == 1
    assert "Solo se cancelan solicitudes pendientes o con la muestra tomada" in result.stderr
    result = patolab(
        "cancel-request", numbers["pending"], "--reason", "   ", "--db", db, home=_isolated_home
    )
    assert result.returncode == 2 and "motivo" in result.stderr
    result = patolab("cancel-request", numbers["pending"], "--db", db, home=_isolated_home)
    assert result.returncode == 2
    result = patolab(
        "cancel-request",
        numbers["pending"],
        "--reason",
        "Paciente desistió",
        "--by",
        "recepcion2",
        "--db",
        db,
        home=_isolated_home,
    )
    assert result.returncode == 0, result.stderr
    assert "cancelada (Paciente desistió)" in result.stdout

    from patolab_desktop.services import requests
    from patolab_desktop.services.bootstrap import close_db, open_db

    open_db(db)
    try:
        detail = requests.get_by_number(numbers["pending"])
        assert (detail.status, detail.cancellation_reason) == ("cancelled", "Paciente desistió")
        assert detail.events[-1]["by"] == "recepcion2"
    finally:
        close_db()


def test_bad_and_unknown_numbers(lab_file, _isolated_home):
    db, _numbers, _ids = lab_file
    result = patolab("request-status", "hola", "--db", db, home=_isolated_home)
    assert result.returncode == 2 and "número de solicitud no válido" in result.stderr
    result = patolab("request-status", "LAB-1999-000001", "--db", db, home=_isolated_home)
    assert result.returncode == 1 and "No existe la solicitud LAB-1999-000001" in result.stderr


def test_the_history_names_the_signed_in_user(lab_file, _isolated_home):
    """Without --by, the history and the lines' «started/released by» name the user of
    --user (the audit log's name), not «cli»; --by still names whom it is given."""
    from patolab_desktop.db.models import RequestLine
    from patolab_desktop.services import requests
    from patolab_desktop.services.access import permissions
    from patolab_desktop.services.bootstrap import close_db, open_db
    from tests.security_helpers import PASSWORD, make_user

    db, numbers, _ids = lab_file
    open_db(db)
    make_user("super", permissions.ROLE_SUPERVISOR)
    make_user("recepcion", permissions.ROLE_RECEPTION)
    close_db()

    def run(*args, user):
        result = patolab(*args, "--db", db, home=_isolated_home, user=user, password=PASSWORD)
        assert result.returncode == 0, result.stderr

    for _step in range(2):  # in progress → partial result → completed
        run("request-status", numbers["in_progress"], "--advance", user="super")
    run("cancel-request", numbers["pending"], "--reason", "Paciente desistió", user="recepcion")

    open_db(db)
    try:
        advanced = requests.get_by_number(numbers["in_progress"])
        assert advanced.status == "completed"
        assert [e["by"] for e in advanced.events if e["action"] == "status"][-2:] == [
            "super",
            "super",
        ]
        lines = RequestLine.select().where(RequestLine.lab_request == advanced.id)
        assert {line.released_by for line in lines} == {"super"}
        cancelled = requests.get_by_number(numbers["pending"])
        assert cancelled.events[-1]["by"] == "recepcion"
    finally:
        close_db()


def test_exporting_requests_needs_seeing_them(lab_file, tmp_path, _isolated_home):
    """A role that may export but not see requests (a custom «Exportador») is refused in
    Spanish with exit 1, and no file holds the patients' names."""
    from patolab_desktop.services.access import session, users
    from patolab_desktop.services.bootstrap import close_db, open_db
    from tests.security_helpers import PASSWORD, make_user

    db, _numbers, _ids = lab_file
    open_db(db)
    with session.acting_as(session.system_actor("tests")):
        users.create_role("Exportador")
        users.set_role_permission("Exportador", "exports.run", True)
    make_user("exportador", "Exportador")
    close_db()
    out = tmp_path / "solicitudes.csv"
    result = patolab(
        "export", "requests", "--db", db, "--out", out,
        home=_isolated_home, user="exportador", password=PASSWORD,
    )  # fmt: skip
    assert result.returncode == 1
    assert "No tiene permiso para ver solicitudes de laboratorio" in result.stderr
    assert not out.exists()
