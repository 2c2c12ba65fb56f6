"""Billing from the command line (issue 17, point 10), run as a user runs it: the
authorisation by an administrator, the cash and the invoice by a receptionist, void and
credit note by a supervisor, the reports; messages and exit codes (0 done, 1 refused,
2 bad arguments)."""

from __future__ import annotations

import csv
import datetime as dt

import pytest

from tests.cli_process import patolab
from tests.security_helpers import PASSWORD

DEADLINE = (dt.date.today() + dt.timedelta(days=200)).isoformat()


@pytest.fixture
def desk(tmp_path, _isolated_home):
    """A database with users of every role, one branch and two requests."""
    from patolab_desktop.db.models import Branch
    from patolab_desktop.services import requests
    from patolab_desktop.services.bootstrap import close_db, open_db
    from tests.security_helpers import make_user
    from tests.unit.requests_fixtures import make_customer, make_doctor, make_investigation

    path = tmp_path / "lab.db"
    open_db(path)
    for name, role in (
        ("admin", "Administrador"),
        ("recepcion", "Recepción"),
        ("supervisor", "Supervisor"),
    ):
        make_user(name, role)
    patient, doctor = make_customer("Ana Martínez"), make_doctor()
    hem = make_investigation("HEM", "Hemograma completo", "150")
    glu = make_investigation("GLU", "Glucosa en ayunas", "80")
    numbers = [
        requests.create(
            requests.RequestDraft(
                patient_id=patient, doctor_id=doctor, investigation_ids=[hem, glu]
            ),
            by="t",
        )[1]
        for _ in range(2)
    ]
    code = Branch.select(Branch.code).order_by(Branch.id).scalar()
    from tests.unit.billing_helpers import set_lab_data

    set_lab_data()
    close_db()
    return path, code, numbers


def test_a_day_of_billing_from_the_command_line(desk, tmp_path, _isolated_home):
    path, code, (first, second) = desk
    home = _isolated_home

    def run(*args, user):
        return patolab("--db", path, *args, home=home, user=user, password=PASSWORD)

    def add_authorisation(kind, cai, user):
        return run(
            "authorisations",
            "add",
            "--branch",
            code,
            "--point",
            "001",
            "--type",
            kind,
            "--cai",
            cai,
            "--from",
            "1",
            "--to",
            "100",
            "--deadline",
            DEADLINE,
            user=user,
        )

    refused = add_authorisation("01", "ABC-123", user="recepcion")
    assert refused.returncode == 1 and "No tiene permiso" in refused.stderr
    for kind, cai in (("01", "3B82F6-8B5CF6-4A1D2E-9C0F11-7A6B5C-5E"), ("06", "ABCDEF-0123")):
        done = add_authorisation(kind, cai, user="admin")
        assert done.returncode == 0, done.stderr
    bad = add_authorisation("01", "zz!", user="admin")
    assert bad.returncode == 1 and "CAI" in bad.stderr
    listing = run("authorisations", "list", user="recepcion")
    assert "000-001-01-00000001 al 000-001-01-00000100" in listing.stdout
    assert "Activa" in listing.stdout and "active" not in listing.stdout  # Spanish words

    closed = run("invoice", first, "--pay", "cash:230:300", user="recepcion")
    assert closed.returncode == 1 and "Abra su caja" in closed.stderr
    assert run("cash-open", "--float", "500", user="recepcion").returncode == 0
    bad_pay = run("invoice", first, "--pay", "bitcoin:230", user="recepcion")
    assert bad_pay.returncode == 2 and "pago no válido" in bad_pay.stderr
    short = run("invoice", first, "--pay", "cash:100", user="recepcion")
    assert short.returncode == 1 and "no cubren el total" in short.stderr
    pdf = tmp_path / "factura.pdf"
    issued = run(
        "invoice",
        first,
        "--pay",
        "card:100:1234:A0099,cash:130:200",
        "--pdf",
        pdf,
        user="recepcion",
    )
    assert issued.returncode == 0, issued.stderr
    assert "000-001-01-00000001" in issued.stdout and "DOSCIENTOS TREINTA" in issued.stdout
    assert "cambio L 70.00" in issued.stdout
    assert pdf.read_bytes().startswith(b"%PDF")
    second_invoice = run("invoice", second, "--pay", "cash:230", user="recepcion")
    assert "000-001-01-00000002" in second_invoice.stdout

    no = run("void", "000-001-01-00000002", "--reason", "Comprador equivocado", user="recepcion")
    assert no.returncode == 1 and "No tiene permiso" in no.stderr
    assert run("cash-open", "--float", "0", user="supervisor").returncode == 0
    # a decimal comma is no amount: "1,00" was read as 100 and the note issued for it
    comma = run(
        "credit-note",
        "000-001-01-00000001",
        "--amount",
        "1,00",
        "--reason",
        "Rebaja por error de digitación",
        "--receiver",
        "Ana Martínez",
        "--receiver-document",
        "0501-1990-12345",
        user="supervisor",
    )
    assert comma.returncode == 1 and "monto" in comma.stderr, comma.stderr
    note = run(
        "credit-note",
        "000-001-01-00000001",
        "--investigations",
        "GLU",
        "--reason",
        "Glucosa no realizada",
        "--receiver",
        "Ana Martínez",
        "--receiver-document",
        "0501-1990-12345",
        user="supervisor",
    )
    assert note.returncode == 0, note.stderr
    assert "000-001-06-00000001" in note.stdout and "L 80.00" in note.stdout
    after = run(
        "void", "000-001-01-00000001", "--reason", "Otro error cualquiera", user="supervisor"
    )
    assert after.returncode == 1 and "nota de crédito" in after.stderr
    voided = run(
        "void", "000-001-01-00000002", "--reason", "Comprador equivocado", user="supervisor"
    )
    assert voided.returncode == 0, voided.stderr

    close = run(
        "cash-close", "--count", "500=1,100=2,50=1", "--card", "100", "--note", "", user="recepcion"
    )
    # expected cash: 500 float + 130 + 230 − 80 (GLU's note, refunded from the drawer that
    # took it, still open) − 230 (void, the same open drawer) = 550; counted 750
    assert close.returncode == 1 and "nota" in close.stderr
    report = tmp_path / "cierre.pdf"
    close = run(
        "cash-close",
        "--count",
        "500=1,50=1",
        "--card",
        "100",
        "--pdf",
        report,
        user="recepcion",
    )
    assert close.returncode == 0, close.stderr
    assert "diferencia L 0.00" in close.stdout
    assert report.read_bytes().startswith(b"%PDF")
    own = run("cash-confirm", "1", user="recepcion")
    assert own.returncode == 1 and "No tiene permiso" in own.stderr

    csv_path = tmp_path / "facturas.csv"
    assert run("export", "invoices", "--out", csv_path, user="supervisor").returncode == 0
    rows = list(csv.reader(csv_path.read_bytes().decode("utf-8-sig").splitlines()))
    assert [r[2] for r in rows[1:]] == [
        "000-001-01-00000001",
        "000-001-01-00000002",
        "000-001-06-00000001",
    ]
    book = tmp_path / "libro.txt"
    month = dt.date.today().strftime("%Y-%m")
    assert run("sales-book", "--month", month, "--out", book, user="supervisor").returncode == 0
    text = book.read_bytes().decode("utf-8")
    assert "\r\n" in text and "000-001-01-00000002" in text and "ANULADA" in text
    unused = run("unused-numbers", user="supervisor")
    assert "000-001-01-00000002" in unused.stdout  # the void one is reported
    bad_month = run("sales-book", "--month", "2026/13", "--out", book, user="supervisor")
    assert bad_month.returncode == 1 and "AAAA-MM" in bad_month.stderr


def test_a_credit_note_amount_at_its_rate_from_the_command_line(desk, _isolated_home):
    """``credit-note --amount`` goes through the same rule as the dialog: an amount at a
    rate the factura has nothing left of is refused, ``--rate`` picks the rate, and
    ``--whole`` after a note says what to type per rate."""
    from patolab_desktop.db.models import Branch, Investigation
    from patolab_desktop.services.bootstrap import close_db, open_db
    from tests.unit.billing_helpers import add_authorisation

    path, _code, (first, _second) = desk
    open_db(path)
    branch = Branch.select(Branch.id).order_by(Branch.id).scalar()
    for kind in ("01", "06"):
        add_authorisation(branch, kind)
    Investigation.update(tax_class="gravado15").where(Investigation.code == "HEM").execute()
    close_db()

    def run(*args, user):
        return patolab("--db", path, *args, home=_isolated_home, user=user, password=PASSWORD)

    def credit(*what):
        return run(
            "credit-note",
            "000-001-01-00000001",
            *what,
            "--reason",
            "Descuento de cortesía",
            "--receiver",
            "Ana Martínez",
            "--receiver-document",
            "0501-1990-12345",
            "--settle",
            "balance",
            user="supervisor",
        )

    assert run("cash-open", "--float", "0", user="recepcion").returncode == 0
    # HEM L 150.00 at 15 % (+ L 22.50 ISV) and GLU L 80.00 exento
    issued = run("invoice", first, "--pay", "cash:252.50", user="recepcion")
    assert issued.returncode == 0, issued.stderr
    at_18 = credit("--amount", "100", "--rate", "18")
    assert at_18.returncode == 1 and "L 0.00 al 18 %" in at_18.stderr, at_18.stderr
    exempt = credit("--amount", "100")  # exento unless told
    assert exempt.returncode == 1 and "L 80.00 exento" in exempt.stderr, exempt.stderr
    at_15 = credit("--amount", "100", "--rate", "15")
    assert at_15.returncode == 0, at_15.stderr
    assert "L 115.00" in at_15.stdout
    whole = credit("--whole")
    assert whole.returncode == 1 and "L 80.00 exento, L 50.00 al 15 %" in whole.stderr
