"""``print-summary``, ``report`` and ``labels`` on the command line: files, messages and
exit codes (0 written, 1 not found, 2 bad arguments)."""

from __future__ import annotations

import argparse
import datetime as dt
import os

import pytest

from patolab_desktop.commands import printing
from patolab_desktop.db.models import AuditLog
from tests.cli_process import run_python
from tests.e2e.printing_helpers import decode_image, page_sizes_mm, pdf_text, render_pages
from tests.security_helpers import PASSWORD, make_user
from tests.security_helpers import SUPERVISOR as ROLE_SUPERVISOR
from tests.unit.printing_fixtures import printed_lab  # noqa: F401


def run(argv: list[str]) -> int:
    """Parse like ``patolab`` does (argparse exits 2 on bad arguments) and run the handler;
    with ``--user NAME`` it acts as that user (password from PATOLAB_PASSWORD), else as
    the system actor."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--db", default=argparse.SUPPRESS)
    common.add_argument("--user", default=argparse.SUPPRESS)
    parser = argparse.ArgumentParser(prog="patolab")
    sub = parser.add_subparsers(dest="command")
    printing.register(sub, common)
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        return int(exc.code)
    from patolab_desktop.services.access import session

    signed_in = getattr(args, "user", None)  # else as cli.main runs a brand-new database
    with session.acting_as(None if signed_in else session.system_actor("cli")):
        return args.handler(args)


@pytest.fixture
def lab(printed_lab, qapp):
    return printed_lab


def test_print_summary_writes_the_pdf(lab, db_path, tmp_path, capsys):
    _request_id, number = lab.req["full"]
    out = tmp_path / "resumen.pdf"
    code = run(
        [
            "print-summary",
            number.lower(),
            "--db",
            str(db_path),
            "--pdf",
            str(out),
            "--paper",
            "Letter",
            "--by",
            "Marta",
        ]
    )
    assert code == 0, capsys.readouterr().err
    assert f"Resumen de {number} guardado en {out}" in capsys.readouterr().out
    text = pdf_text(out)
    assert number in text and "María José Pérez Muñoz" in text and "****-****-12345" in text
    assert "Neto a pagar L 438.20" in text and "Impreso por Marta" in text
    assert page_sizes_mm(out) == [(216, 279)]
    row = AuditLog.select().where(AuditLog.action == "print").get()
    assert (row.entity, row.username) == ("lab_request", "cli")


def test_print_summary_full_id_on_request(lab, db_path, tmp_path):
    out = tmp_path / "completo.pdf"
    assert (
        run(
            [
                "print-summary",
                lab.req["full"][1],
                "--db",
                str(db_path),
                "--pdf",
                str(out),
                "--full-id",
            ]
        )
        == 0
    )
    assert "0801-1958-12345" in pdf_text(out)
    assert page_sizes_mm(out) == [(210, 297)]  # the configured paper (A4 by default)


def test_unknown_request_exits_1_with_a_message(lab, db_path, tmp_path, capsys):
    out = tmp_path / "no.pdf"
    assert run(["print-summary", "SPS-2026-999999", "--db", str(db_path), "--pdf", str(out)]) == 1
    assert "No existe la solicitud SPS-2026-999999" in capsys.readouterr().err
    assert not out.exists()
    assert run(["labels", "NADA", "--db", str(db_path), "--pdf", str(out)]) == 1
    assert not out.exists()


def test_report_writes_totals(lab, db_path, tmp_path, capsys):
    out = tmp_path / "periodo.pdf"
    date_from = lab.base_day.strftime("%d/%m/%Y")
    date_to = (lab.base_day + dt.timedelta(days=3)).isoformat()  # ISO is accepted too
    code = run(
        ["report", "--from", date_from, "--to", date_to, "--db", str(db_path), "--pdf", str(out)]
    )
    assert code == 0, capsys.readouterr().err
    assert "6 solicitud(es)" in capsys.readouterr().out
    text = pdf_text(out)
    assert "Vigentes (sin canceladas) 4 L 1,263.00 L 256.95 L 1,006.05" in text
    assert "Canceladas (aparte, no suman) 2 L 245.50 L 45.00 L 200.50" in text


def test_report_for_a_branch_by_code(lab, db_path, tmp_path):
    out = tmp_path / "sps.pdf"
    assert (
        run(
            [
                "report",
                "--from",
                lab.base_day.isoformat(),
                "--to",
                (lab.base_day + dt.timedelta(days=3)).isoformat(),
                "--branch",
                "sps",
                "--db",
                str(db_path),
                "--pdf",
                str(out),
            ]
        )
        == 0
    )
    text = pdf_text(out)
    assert "San Pedro Sula (SPS)" in text
    assert "Vigentes (sin canceladas) 3 L 1,087.00" in text


def test_a_supervisor_reports_on_one_branch(lab, db_path, tmp_path, monkeypatch, capsys):
    """The branch of ``--branch`` is looked up for the report (``prints.reports``), not as
    branch management, which a Supervisor does not have."""
    make_user("supervisora", ROLE_SUPERVISOR)
    monkeypatch.setenv("PATOLAB_PASSWORD", PASSWORD)
    out = tmp_path / "sps.pdf"
    period = ["--from", lab.base_day.isoformat(), "--to", lab.base_day.isoformat()]
    as_supervisor = ["--db", str(db_path), "--user", "supervisora", "--pdf", str(out)]
    assert run(["report", *period, "--branch", "sps", *as_supervisor]) == 0, capsys.readouterr().err
    assert "San Pedro Sula (SPS)" in pdf_text(out)
    assert run(["report", *period, "--branch", "XYZ", *as_supervisor]) == 1
    assert "No existe la sucursal con código «XYZ»" in capsys.readouterr().err


def test_the_footer_names_the_signed_in_user(lab, db_path, tmp_path, monkeypatch):
    """Without --by, «Impreso por» is who signed in (it said the system's user, «root»)."""
    make_user("supervisora", ROLE_SUPERVISOR, full_name="Sonia Supervisora")
    actor_name = "Sonia Supervisora"
    monkeypatch.setenv("PATOLAB_PASSWORD", PASSWORD)
    out = tmp_path / "periodo.pdf"
    period = ["--from", lab.base_day.isoformat(), "--to", lab.base_day.isoformat()]
    argv = ["report", *period, "--db", str(db_path), "--user", "supervisora", "--pdf", str(out)]
    assert run(argv) == 0
    assert f"Impreso por {actor_name}" in pdf_text(out)


@pytest.mark.parametrize(
    "argv_tail,message",
    [
        (["--from", "31/02/2026", "--to", "01/03/2026"], "fecha no válida: '31/02/2026'"),
        (["--from", "ayer", "--to", "01/03/2026"], "fecha no válida: 'ayer'"),
        (["--from", "01/01/0001", "--to", "02/01/0001"], "fecha fuera de rango: '01/01/0001'"),
        (["--from", "31/12/9999", "--to", "31/12/9999"], "entre 1900 y 9998"),
        (["--from", "10/03/2026", "--to", "01/03/2026"], "anterior a la inicial"),
        (["--to", "01/03/2026"], "--from"),
    ],
)
def test_report_bad_dates_exit_2(lab, db_path, tmp_path, capsys, argv_tail, message):
    out = tmp_path / "x.pdf"
    assert run(["report", *argv_tail, "--db", str(db_path), "--pdf", str(out)]) == 2
    assert message in capsys.readouterr().err
    assert not out.exists()


def test_report_unknown_branch_exits_1(lab, db_path, tmp_path, capsys):
    out = tmp_path / "x.pdf"
    assert (
        run(
            [
                "report",
                "--from",
                "01/03/2026",
                "--to",
                "02/03/2026",
                "--branch",
                "TGU",
                "--db",
                str(db_path),
                "--pdf",
                str(out),
            ]
        )
        == 1
    )
    assert "TGU" in capsys.readouterr().err


def test_labels_with_copies(lab, db_path, tmp_path, capsys):
    _request_id, number = lab.req["young"]
    out = tmp_path / "etiquetas.pdf"
    assert run(["labels", number, "--db", str(db_path), "--pdf", str(out), "--copies", "3"]) == 0
    assert f"6 etiqueta(s) de {number} (50 × 25 mm)" in capsys.readouterr().out
    assert page_sizes_mm(out) == [(50, 25)] * 6
    first = render_pages(out, tmp_path, dpi=300)[0]
    assert decode_image(first) == [("CODE128", number)]


@pytest.mark.parametrize("copies", ["0", "51", "dos"])
def test_labels_bad_copies_exit_2(lab, db_path, tmp_path, copies):
    out = tmp_path / "x.pdf"
    assert (
        run(
            [
                "labels",
                lab.req["young"][1],
                "--db",
                str(db_path),
                "--pdf",
                str(out),
                "--copies",
                copies,
            ]
        )
        == 2
    )
    assert not out.exists()


def test_pdf_in_a_missing_folder_exits_2(lab, db_path, tmp_path):
    out = tmp_path / "no-existe" / "x.pdf"
    assert run(["labels", lab.req["young"][1], "--db", str(db_path), "--pdf", str(out)]) == 2


def test_cli_without_display_prints_offscreen(lab, db_path, tmp_path):
    """A fresh process with no display and no QT_QPA_PLATFORM still writes the PDF."""
    out = tmp_path / "sin-pantalla.pdf"
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("QT_QPA_PLATFORM", "DISPLAY", "WAYLAND_DISPLAY")
    }
    script = "import sys; from tests.e2e.test_cli_printing import run; sys.exit(run(sys.argv[1:]))"
    labels = ["labels", lab.req["young"][1], "--db", db_path, "--pdf", out]
    result = run_python("-c", script, *labels, env=env, timeout=120)
    assert result.returncode == 0, result.stderr
    assert page_sizes_mm(out) == [(50, 25)] * 2


def test_labels_of_a_cancelled_request_exit_1(lab, db_path, tmp_path, capsys):
    out = tmp_path / "x.pdf"
    assert run(["labels", lab.req["cancel_a"][1], "--db", str(db_path), "--pdf", str(out)]) == 1
    assert "está cancelada" in capsys.readouterr().err
    assert not out.exists()
