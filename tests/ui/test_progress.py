"""run_with_progress: work off the GUI thread, cancellable, errors shown on the GUI thread,
no partial file after a cancelled export, no partial import after a cancelled commit."""

from __future__ import annotations

import itertools
import threading

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QProgressDialog, QPushButton, QWidget

from patolab_desktop.services.customers import CustomerFilter, patient_export
from patolab_desktop.services.customers import importing as patient_import
from patolab_desktop.services.errors import ValidationError
from patolab_desktop.ui import prompts
from patolab_desktop.ui.widgets.progress import ProgressTask, run_with_progress
from tests.patient_csv_helpers import (
    admin,  # noqa: F401 (a pytest fixture)
    customer_count,
    make_customer,
    table_snapshot,
    write_csv_file,
)


@pytest.fixture
def parent(qtbot):
    widget = QWidget()
    qtbot.addWidget(widget)
    widget.show()
    return widget


@pytest.fixture
def errors(monkeypatch):
    shown = []
    monkeypatch.setattr(prompts, "error", lambda parent, title, text: shown.append((title, text)))
    return shown


def cancel_on_first_progress(parent) -> dict:
    """Once the task starts, press its "Cancelar" button at its first progress report."""
    state = {"reports": 0, "pressed": False}

    def hook():
        task = parent.findChild(ProgressTask)
        dialog = parent.findChild(QProgressDialog, "progress_dialog")
        button = dialog.findChild(QPushButton)

        def on_progress(done, total):
            state["reports"] += 1
            state["last_done"] = done
            if not state["pressed"]:
                state["pressed"] = True
                button.click()

        task.progressed.connect(on_progress)

    QTimer.singleShot(0, hook)
    return state


def test_result_comes_back_from_a_worker_thread(parent, errors):
    main_thread = threading.get_ident()

    def work(a, b, progress=None, cancelled=None):
        progress(1, 2)
        progress(2, 2)
        return a + b, threading.get_ident(), cancelled()

    outcome = run_with_progress(parent, "Sumar", work, 2, 3)
    assert outcome.ok and not outcome.cancelled and outcome.error is None
    total, worker_thread, was_cancelled = outcome.result
    assert total == 5 and worker_thread != main_thread and was_cancelled is False
    assert errors == []


def test_the_window_keeps_processing_events_while_the_worker_runs(parent, errors):
    gui_ran = threading.Event()
    QTimer.singleShot(0, gui_ran.set)  # only fires if the GUI event loop is running

    def work(progress=None, cancelled=None):
        return gui_ran.wait(timeout=30)

    assert run_with_progress(parent, "Esperar", work).result is True


def test_progress_reports_reach_the_dialog(parent, errors, qtbot):
    release = threading.Event()
    reports = []

    def work(progress=None, cancelled=None):
        progress(0, 4)
        release.wait(timeout=30)
        progress(4, 4)
        return "listo"

    task = ProgressTask(parent, "Contar", work, label="Contando")
    task.progressed.connect(lambda done, total: reports.append((done, total)))
    task.start()
    qtbot.waitUntil(lambda: reports == [(0, 4)])
    assert task.dialog.maximum() == 4
    assert "Contando" in task.dialog.labelText() and "0 de 4" in task.dialog.labelText()
    assert task.is_running()
    release.set()
    with qtbot.waitSignal(task.finished, timeout=10_000) as blocker:
        pass
    assert blocker.args[0].result == "listo"
    assert reports[-1] == (4, 4)


def test_service_errors_come_back_and_are_shown_through_prompts(parent, errors):
    def work(progress=None, cancelled=None):
        raise ValidationError({"phone": "El teléfono no es válido."})

    outcome = run_with_progress(parent, "Guardar", work)
    assert isinstance(outcome.error, ValidationError) and not outcome.ok
    assert errors == [("Guardar", "El teléfono no es válido.")]


def test_unexpected_errors_are_shown_too(parent, errors):
    def work(progress=None, cancelled=None):
        raise RuntimeError("se rompió")

    outcome = run_with_progress(parent, "Algo", work)
    assert isinstance(outcome.error, RuntimeError)
    ((title, text),) = errors
    assert title == "Algo" and "RuntimeError: se rompió" in text


def test_errors_can_be_left_to_the_caller(parent, errors):
    def work(progress=None, cancelled=None):
        raise OSError(28, "No queda espacio")

    outcome = run_with_progress(parent, "Algo", work, show_errors=False)
    assert isinstance(outcome.error, OSError) and errors == []


def test_cancelling_an_export_leaves_no_file(
    parent, errors, database, admin, tmp_path, monkeypatch
):
    make_customer(name="José Pérez")
    real_rows = patient_export._rows

    def endless(filters):  # a huge table: the export only ends when cancelled
        rows = list(real_rows(filters))
        return itertools.chain.from_iterable(itertools.repeat(rows))

    monkeypatch.setattr(patient_export, "_rows", endless)
    folder = tmp_path / "exportes"
    folder.mkdir()
    target = folder / "pacientes.csv"
    state = cancel_on_first_progress(parent)
    outcome = run_with_progress(
        parent, "Exportar pacientes", patient_export.export_patients, CustomerFilter(), target
    )
    assert outcome.cancelled and outcome.error is None
    assert state["pressed"] and state["last_done"] > 0  # rows had been written to the temp file
    assert list(folder.iterdir()) == []  # neither pacientes.csv nor a .part file
    assert errors == []


def test_cancelling_an_existing_file_export_keeps_the_old_file(
    parent, errors, database, admin, tmp_path, monkeypatch
):
    make_customer(name="José Pérez")
    monkeypatch.setattr(
        patient_export, "_rows", lambda filters: itertools.repeat(("x", "y", "z", "w"))
    )
    target = tmp_path / "pacientes.csv"
    target.write_text("anterior", encoding="utf-8")
    cancel_on_first_progress(parent)
    outcome = run_with_progress(
        parent, "Exportar", patient_export.export_patients, CustomerFilter(), target
    )
    assert outcome.cancelled
    assert target.read_text(encoding="utf-8") == "anterior"


def test_cancelling_an_import_leaves_the_database_unchanged(
    parent, errors, database, admin, tmp_path
):
    make_customer(
        name="Paciente 3", phone="90000003", id_number="", complete=False, email="antes@example.com"
    )
    rows = [["nombre", "telefono", "email"]] + [
        [f"Paciente {n}", f"9{n:07d}", f"p{n}@example.com"] for n in range(300)
    ]
    plan = patient_import.analyse(write_csv_file(tmp_path / "p.csv", rows))
    assert len(plan.created) == 299 and len(plan.updated) == 1
    snapshot = table_snapshot()
    state = cancel_on_first_progress(parent)
    outcome = run_with_progress(parent, "Importar", patient_import.commit, plan)
    assert state["pressed"]
    assert outcome.cancelled and outcome.error is None and errors == []
    assert table_snapshot() == snapshot
    # nothing is left locked: the GUI thread can import the same plan right away
    result = patient_import.commit(plan)
    assert result.created == 299 and customer_count() == 300
