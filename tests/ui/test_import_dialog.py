"""The patient import preview dialog and the import/export menu actions."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMenu, QWidget

from patolab_desktop.db.models import AuditLog, Customer
from patolab_desktop.services import csvio, customers
from patolab_desktop.ui import prompts
from patolab_desktop.ui.customers import import_area
from patolab_desktop.ui.customers.import_dialog import ImportDialog, ImportPreviewModel
from patolab_desktop.util import release
from tests.patient_csv_helpers import (
    admin,  # noqa: F401 (a pytest fixture)
    customer_count,
    make_customer,
    table_snapshot,
    write_csv_file,
)

PREVIEW_PNG = Path("/tmp/import_preview.png")


@pytest.fixture
def messages(monkeypatch):
    shown = {"info": [], "error": [], "confirm": []}
    monkeypatch.setattr(prompts, "info", lambda p, t, x: shown["info"].append((t, x)))
    monkeypatch.setattr(prompts, "error", lambda p, t, x: shown["error"].append((t, x)))

    def confirm(p, t, x):
        shown["confirm"].append((t, x))
        return shown.get("answer", True)

    monkeypatch.setattr(prompts, "confirm", confirm)
    return shown


@pytest.fixture
def mixed_file(tmp_path, database, admin):
    """Existing customers plus a file with new, updated, unchanged and rejected rows."""
    make_customer(
        name="José Pérez", phone="9988-7766", id_number="0801199012345", email="jose@example.com"
    )
    make_customer(name="María Muñoz", phone="3312-4455", id_number="", complete=False)
    rows = [
        ["Nombre", "Teléfono", "Correo electrónico", "DNI", "Género", "Edad"],
        ["José Pérez", "9988-7766", "jose.perez@example.com", "0801-1990-12345", "", ""],  # 2 upd
        ["María Muñoz", "3312-4455", "", "", "", ""],  # 3 same
        ["Ñoño Güell", "8877-6655", "nono@example.com", "", "Hombre", "35"],  # 4 new
        ["Lucía Pérez", "9988-7766", "", "0801-2010-00001", "Mujer", "14"],  # 5 new
        ["Pedro Ramos", "123", "pedro@example.com", "", "", ""],  # 6 bad phone
        ["Eva Ruiz", "9456-1234", "eva@@example", "", "", ""],  # 7 bad email
        ["", "3190-2020", "", "", "", ""],  # 8 no name
    ]
    return write_csv_file(tmp_path / "pacientes.csv", rows, delimiter=";", encoding="cp1252")


@pytest.fixture
def dialog(qtbot, messages):
    widget = ImportDialog()
    qtbot.addWidget(widget)
    widget.show()
    return widget


def column_texts(model: ImportPreviewModel, column: int) -> list[str]:
    return [model.index(r, column).data() for r in range(model.rowCount())]


def test_preview_shows_created_updated_and_rejected_with_reasons(
    dialog, mixed_file, qtmodeltester, messages
):
    snapshot = table_snapshot()
    assert dialog.load(str(mixed_file))
    assert table_snapshot() == snapshot  # the preview writes nothing
    for model in dialog.models.values():
        qtmodeltester.check(model)
    assert [dialog.tabs.tabText(i) for i in range(4)] == [
        "Todas (7)",
        "Nuevos (2)",
        "Actualizaciones (2)",
        "Rechazados (3)",
    ]
    assert dialog.tabs.currentIndex() == 3  # the rejected rows are shown first
    everything = dialog.models["all"]
    assert column_texts(everything, 0) == ["2", "3", "4", "5", "6", "7", "8"]
    assert column_texts(everything, 1) == [
        "Actualizar",
        "Sin cambios",
        "Nuevo",
        "Nuevo",
        "Rechazado",
        "Rechazado",
        "Rechazado",
    ]
    assert column_texts(everything, 6)[2].startswith("Incompleto; faltan: departamento")
    rejected = dialog.models["reject"]
    assert column_texts(rejected, 0) == ["6", "7", "8"]
    details = column_texts(rejected, 6)
    assert "teléfono no es un número válido" in details[0]
    assert "correo electrónico no es válido" in details[1]
    assert details[2] == "Falta el nombre."
    # the selected rejected row's whole reason is shown under the table
    assert "Línea 6" in dialog.detail_label.text()
    assert "(p. ej. 9988-7766 o +504 9988-7766)" in dialog.detail_label.text()
    dialog.views["reject"].selectRow(2)
    assert (
        "Línea 8" in dialog.detail_label.text() and "Falta el nombre" in dialog.detail_label.text()
    )
    updated = dialog.models["update"]
    assert column_texts(updated, 6)[0] == "Cambia: correo"
    assert column_texts(updated, 6)[1].startswith("Sin cambios. Incompleto; faltan: edad")
    created = dialog.models["create"]
    assert column_texts(created, 2) == ["Ñoño Güell", "Lucía Pérez"]
    assert column_texts(created, 3) == ["+504 8877-6655", "+504 9988-7766"]
    assert column_texts(created, 5) == ["", "0801-2010-00001"]
    assert created.index(0, 1).data(Qt.ItemDataRole.ForegroundRole) is not None
    assert created.index(0, 1).data(Qt.ItemDataRole.DecorationRole) is not None
    counts = dialog.counts_label.text()
    assert "2 nuevos" in counts and "2 actualizaciones" in counts and "(1 sin cambios)" in counts
    assert "3 rechazados" in counts and "quedarán incompletos" in counts
    assert "Windows-1252" in dialog.info_label.text() and "«;»" in dialog.info_label.text()
    assert dialog.import_button.isEnabled() and dialog.import_button.isDefault()
    assert messages["error"] == []

    dialog.resize(1100, 560)
    dialog.tabs.setCurrentIndex(0)
    dialog.views["all"].selectRow(2)
    assert "Línea 4" in dialog.detail_label.text() and "faltan" in dialog.detail_label.text()
    assert dialog.grab().save(str(PREVIEW_PNG))
    dialog.tabs.setCurrentIndex(3)
    assert dialog.grab().save(str(PREVIEW_PNG.with_name("import_preview_rejected.png")))


def test_importar_commits_the_valid_rows_in_one_go(dialog, mixed_file, messages, qtbot):
    assert dialog.load(str(mixed_file))
    before = customer_count()
    with qtbot.waitSignal(dialog.imported) as blocker:
        dialog.import_button.click()
    result = blocker.args[0]
    assert (result.created, result.updated, result.unchanged, result.rejected) == (2, 1, 1, 3)
    assert customer_count() == before + 2
    assert (
        customers.get(Customer.get(Customer.name == "José Pérez").id).email
        == "jose.perez@example.com"
    )
    assert {c.name for c in Customer.select()} >= {"Ñoño Güell", "Lucía Pérez"}
    assert "3 filas rechazadas no se importarán" in messages["confirm"][0][1]
    title, text = messages["info"][-1]
    assert title == "Importación terminada" and "Nuevos: 2" in text and "Incompletos" in text
    assert dialog.result() == dialog.DialogCode.Accepted
    assert AuditLog.select().where(AuditLog.action == "import").count() == 1


def test_closing_lets_go_of_the_preview_off_the_gui_thread(dialog, mixed_file, monkeypatch):
    """Freeing 100,000 analysed rows at once held the window for 200 ms: closing (and a
    new file) hands the plan's and the tabs' rows to a worker that empties them gradually."""
    from patolab_desktop.ui.customers import import_dialog

    handed = []

    def release_now(lists):
        lists = list(lists)
        handed.append([len(items) for items in lists])
        return release.release_in_background(lists)

    monkeypatch.setattr(import_dialog, "release_in_background", release_now)
    assert dialog.load(str(mixed_file))
    plan = dialog.plan
    total = plan.total
    assert dialog.load(str(mixed_file))  # a new analysis replaces the shown one
    assert handed and sum(handed[0]) >= 2 * total  # the tabs' rows and the plan's own
    threads = [t for t in threading.enumerate() if t.name == "patolab-release"]
    for thread in threads:
        thread.join(timeout=10)
    assert all(items == [] for items in plan.row_lists())
    dialog.reject()
    assert dialog.plan is None
    assert all(model.rowCount() == 0 for model in dialog.models.values())
    assert len(handed) == 2


def test_saying_no_to_the_rejected_rows_question_writes_nothing(dialog, mixed_file, messages):
    assert dialog.load(str(mixed_file))
    snapshot = table_snapshot()
    messages["answer"] = False
    dialog.import_now()
    assert table_snapshot() == snapshot
    assert dialog.import_result is None and dialog.isVisible()


def test_a_refused_file_shows_the_reason_and_cannot_be_imported(
    dialog, tmp_path, database, admin, messages
):
    path = write_csv_file(tmp_path / "malo.csv", [["nombre", "correo"], ["Ana", ""]])
    assert not dialog.load(str(path))
    ((title, text),) = messages["error"]
    assert title == "Analizar el archivo" and "teléfono" in text and "obligatoria" in text
    assert not dialog.import_button.isEnabled()
    assert dialog.models["all"].rowCount() == 0
    assert "No se puede importar" in dialog.counts_label.text()


def test_choose_file_goes_through_prompts(dialog, mixed_file, monkeypatch, messages):
    asked = []

    def open_file(parent, title, filter_):
        asked.append((title, filter_))
        return str(mixed_file)

    monkeypatch.setattr(prompts, "open_file", open_file)
    assert dialog.choose_file()
    assert asked and "*.csv" in asked[0][1]
    assert dialog.path_edit.text() == str(mixed_file)
    monkeypatch.setattr(prompts, "open_file", lambda *a: None)
    assert not dialog.choose_file()
    assert dialog.plan is not None  # choosing nothing keeps the current preview


def test_nothing_to_import_disables_importar(dialog, tmp_path, database, admin, messages):
    make_customer(name="Ana López", phone="9988-7766", id_number="", complete=False)
    path = write_csv_file(tmp_path / "p.csv", [["nombre", "telefono"], ["Ana López", "99887766"]])
    assert dialog.load(str(path))
    assert dialog.plan.unchanged_count == 1
    assert not dialog.import_button.isEnabled()


# --- menu actions ---------------------------------------------------------------------------


class FakeWindow(QWidget):
    """Records what ``install`` adds; has no customers tab (exports every active customer)."""

    def __init__(self):
        super().__init__()
        self.actions = []
        self.tabs = {}

    def menu(self, key):
        return QMenu(self)

    def add_action(
        self, menu_key, text, slot, icon_name=None, shortcut=None, permission=None, needs=()
    ):
        self.actions.append((menu_key, text, permission, slot))

    def tab(self, key):
        return self.tabs.get(key)


@pytest.fixture
def window(qtbot):
    widget = FakeWindow()
    qtbot.addWidget(widget)
    return widget


def test_install_adds_the_menu_actions_with_their_permissions(window):
    import_area.install(window)
    assert [(m, t, p) for m, t, p, _s in window.actions] == [
        ("customers", "&Importar pacientes (CSV)…", "imports.run"),
        ("export", "&Pacientes (CSV)…", "exports.run"),
    ]


def test_install_on_the_real_main_window(qtbot, database, admin):
    from patolab_desktop.ui.main_window import MainWindow

    window = MainWindow()
    qtbot.addWidget(window)
    import_area.install(window)
    texts = {a.text(): a.property("permission") for a in window.menu("customers").actions()}
    assert texts["&Importar pacientes (CSV)…"] == "imports.run"
    texts = {a.text(): a.property("permission") for a in window.menu("export").actions()}
    assert texts["&Pacientes (CSV)…"] == "exports.run"


def test_export_action_suggests_pacientes_csv_and_writes_it(
    window, database, admin, tmp_path, monkeypatch, messages
):
    make_customer(name="Ñoño Güell", phone="8877-6655", id_number="", complete=False)
    asked = []
    target = tmp_path / "salida"

    def save_file(p, title, suggested, filter_):
        asked.append(suggested)
        return str(target)

    monkeypatch.setattr(prompts, "save_file", save_file)
    count = import_area.export_patients(window)
    assert count == 1
    assert Path(asked[0]).name == "pacientes.csv"
    rows = csvio.read_csv(tmp_path / "salida.csv")
    assert rows[0] == ["Nombre", "Teléfono", "Email", "Registrado"] and rows[1][0] == "Ñoño Güell"
    assert messages["info"][-1][0] == "Exportación terminada"


def test_import_action_opens_the_preview_and_refreshes_the_list(
    window, mixed_file, monkeypatch, messages
):
    refreshed = []

    class Tab:
        def refresh(self):
            refreshed.append(True)

    window.tabs["customers"] = Tab()
    monkeypatch.setattr(prompts, "open_file", lambda *a: str(mixed_file))
    monkeypatch.setattr(ImportDialog, "exec", lambda self: self.import_now())
    result = import_area.import_patients(window)
    assert result.created == 2 and refreshed == [True]
