"""Issue 16 C: registering a walk-in patient is fast, and as Recepción.

The keystroke test types a typical walk-in patient (name, age, sex, phone; department and
municipality come from the branch) from Ctrl+N to the saved record and counts every key
it presses: the target is at most 45 (about 90 before).
"""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QDialog

from patolab_desktop.db.models import Customer
from patolab_desktop.services import customers, reference
from patolab_desktop.services.access import permissions, session
from patolab_desktop.services.catalog import branches
from patolab_desktop.ui.customers import customer_dialog
from patolab_desktop.ui.customers.customer_dialog import CustomerDialog
from patolab_desktop.ui.customers.customers_window import CustomersWindow
from tests.security_helpers import fast_hashing, login_as  # noqa: F401 (fixture)

from .test_customers_window import _no_real_prompts  # noqa: F401 (an autouse fixture)

KEYSTROKE_TARGET = 45


class Keyboard:
    """Presses keys where the focus is, counting every one."""

    def __init__(self, qtbot):
        self.qtbot = qtbot
        self.count = 0

    def _target(self, widget=None):
        return widget or QApplication.focusWidget()

    def press(self, key, modifier=Qt.KeyboardModifier.NoModifier, widget=None) -> None:
        self.count += 1
        self.qtbot.keyClick(self._target(widget), key, modifier)
        QApplication.processEvents()

    def type(self, text: str) -> None:
        for char in text:
            self.count += 1
            target = self._target()
            if char.isascii():
                self.qtbot.keyClick(target, char)
            else:  # QTest.keyClicks only knows ASCII: "ñ", "é" go as text
                QTest.sendKeyEvent(
                    QTest.KeyAction.Click,
                    target,
                    Qt.Key.Key_unknown,
                    char,
                    Qt.KeyboardModifier.NoModifier,
                )
            QApplication.processEvents()

    def enter(self) -> None:
        self.press(Qt.Key.Key_Return)


def _place(department: str, municipality: str) -> tuple[int, int]:
    department_id = next(d for d, name in reference.departments() if name == department)
    municipality_id = next(
        m for m, name in reference.municipalities(department_id) if name == municipality
    )
    return department_id, municipality_id


@pytest.fixture
def branch_in_choloma(database):
    """The default branch stands in Choloma, Cortés (set up by the system actor)."""
    place = _place("Cortés", "Choloma")
    data = branches.get(branches.default_branch_id())
    data.department_id, data.municipality_id = place
    branches.update(data)
    return place


@pytest.fixture
def reception(database, fast_hashing):  # noqa: F811
    with session.acting_as(login_as(permissions.ROLE_RECEPTION)) as actor:
        yield actor


def _drive(monkeypatch, qtbot, script):
    """Replace the dialog's exec() (it would block) with: show it, run ``script``."""
    opened = []

    def fake_exec(dialog):
        opened.append(dialog)
        dialog.show()
        dialog.activateWindow()
        qtbot.waitUntil(dialog.first_name_edit.hasFocus)
        script(dialog)
        return dialog.result()

    monkeypatch.setattr(customer_dialog.CustomerDialog, "exec", fake_exec)
    return opened


def _window(qtbot) -> CustomersWindow:
    window = CustomersWindow()
    qtbot.addWidget(window)
    window.show()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    window.search_box.setFocus()
    return window


def test_walk_in_patient_in_at_most_45_keystrokes_as_recepcion(
    qtbot, monkeypatch, branch_in_choloma, reception, capsys
):
    keys = Keyboard(qtbot)

    def script(dialog):
        keys.type("María José")
        keys.enter()
        keys.type("Pérez Muñoz")
        keys.enter()
        keys.type("35")
        keys.enter()
        keys.type("m")  # one key: Mujer, and on to the phone
        keys.type("99887766")
        keys.enter()  # nothing needed is left: Enter saves

    opened = _drive(monkeypatch, qtbot, script)
    window = _window(qtbot)
    keys.press(Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier, window.search_box)
    (dialog,) = opened
    assert dialog.result() == QDialog.DialogCode.Accepted, [
        dialog.error_text(k) for k in ("first_name", "age", "gender_id", "phone")
    ]
    saved = customers.get(dialog.customer_id)
    assert (saved.first_name, saved.last_name) == ("María José", "Pérez Muñoz")
    assert saved.age_text == "35" and saved.date_of_birth is None
    assert saved.gender_id == next(g for g, name in reference.genders() if name == "Mujer")
    assert saved.phone == "+50499887766"
    assert (saved.department_id, saved.municipality_id) == branch_in_choloma
    assert saved.country == "Honduras" and saved.document_type == "ninguno"
    row = Customer.get_by_id(dialog.customer_id)
    assert row.age_recorded_on == dt.date.today() and row.date_of_birth is None
    with capsys.disabled():
        print(f"\n[issue 16 C] walk-in patient registered in {keys.count} keystrokes")
    assert keys.count <= KEYSTROKE_TARGET


def test_a_baby_in_months_then_save_and_create_request(
    qtbot, monkeypatch, branch_in_choloma, reception
):
    keys = Keyboard(qtbot)

    def script(dialog):
        keys.type("Mateo")
        keys.enter()
        keys.type("Ruiz")
        keys.enter()
        keys.type("8m")
        assert "8 meses" in dialog.age_note.text()
        keys.enter()
        keys.type("h")
        keys.type("33124455")
        keys.press(
            Qt.Key.Key_Return,
            Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
        )

    opened = _drive(monkeypatch, qtbot, script)
    window = _window(qtbot)
    wanted = []
    window.request_for_patient.connect(wanted.append)
    keys.press(Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier, window.search_box)
    (dialog,) = opened
    assert dialog.wants_request and wanted == [dialog.customer_id]
    saved = customers.get(dialog.customer_id)
    assert saved.age_text == "8m" and Customer.get_by_id(saved.id).age == 0


def test_nueva_solicitud_on_a_selected_patient_opens_the_entry_with_them(
    qtbot, branch_in_choloma, reception
):
    from patolab_desktop.ui.main_window import MainWindow

    patient_id = customers.create(
        customers.CustomerData(
            first_name="Rosa",
            last_name="Mejía",
            age_text="70",
            gender_id=reference.genders()[0][0],
            phone="9911-2233",
            department_id=branch_in_choloma[0],
            municipality_id=branch_in_choloma[1],
        )
    )
    window = MainWindow()
    qtbot.addWidget(window)
    window.apply_permissions(session.has)
    window.show()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    tab = window.show_tab("customers")
    tab.reload(keep_id=patient_id)
    assert tab.selected_id() == patient_id
    assert tab.request_action.isEnabled()
    qtbot.keyClick(tab.view, Qt.Key.Key_F9)
    entry = window.tab("requests").entry
    assert window.tabs.currentWidget() is window.tab("requests")
    assert entry.patient()["id"] == patient_id
    assert "70 años" in entry.patient_info.text()


def test_guardar_y_crear_solicitud_in_the_main_window(
    qtbot, monkeypatch, branch_in_choloma, reception
):
    from patolab_desktop.ui.main_window import MainWindow

    def script(dialog):
        dialog.first_name_edit.setText("Lucía")
        dialog.age_edit.setText("3d")
        dialog.gender_combo.setCurrentIndex(1)
        dialog.phone_edit.setText("9988-1122")
        dialog.save_request_button.click()

    _drive(monkeypatch, qtbot, script)
    window = MainWindow()
    qtbot.addWidget(window)
    window.apply_permissions(session.has)
    window.show_tab("customers").new_customer()
    entry = window.tab("requests").entry
    assert window.tabs.currentWidget() is window.tab("requests")
    assert entry.patient()["name"] == "Lucía"
    assert "3 días" in entry.patient_info.text()  # a newborn's age in days, not "0 años"


def test_no_date_of_birth_is_invented(qtbot, branch_in_choloma, reception, monkeypatch):
    """Unticking "No sé la fecha" leaves the date empty (it used to write 1 January of
    the year 30 years ago); saving then asks for the date."""
    from patolab_desktop.ui import prompts

    monkeypatch.setattr(prompts, "confirm", lambda *a: True)
    dialog = CustomerDialog()
    qtbot.addWidget(dialog, before_close_func=lambda d: d.done(QDialog.DialogCode.Rejected))
    dialog.first_name_edit.setText("Ana")
    dialog.gender_combo.setCurrentIndex(1)
    dialog.phone_edit.setText("9988-1122")
    dialog.birth_unknown.click()
    assert dialog.birth_date() is None
    assert dialog.save() is False
    assert "fecha de nacimiento" in dialog.error_text("date_of_birth")
    assert Customer.select().count() == 0


def test_receptionist_edits_a_patient_with_a_masked_identity_number(
    qtbot, branch_in_choloma, reception
):
    with session.acting_as(session.system_actor("tests")):
        patient_id = customers.create(
            customers.CustomerData(
                first_name="Pedro",
                age_text="40",
                gender_id=reference.genders()[1][0],
                phone="9911-0000",
                id_number="0501-1990-03210",
                department_id=branch_in_choloma[0],
                municipality_id=branch_in_choloma[1],
            )
        )
    dialog = CustomerDialog(customer_id=patient_id)
    qtbot.addWidget(dialog, before_close_func=lambda d: d.done(QDialog.DialogCode.Rejected))
    assert "*" in dialog.id_number_edit.text()
    dialog.phone_edit.setText("9911-7777")
    assert dialog.save() is True
    with session.acting_as(session.system_actor("tests")):
        saved = customers.get(patient_id)
    assert saved.phone == "+50499117777" and saved.id_number == "0501199003210"


def test_searchable_department_and_municipality_accent_insensitive(
    qtbot, branch_in_choloma, reception
):
    dialog = CustomerDialog()
    qtbot.addWidget(dialog, before_close_func=lambda d: d.done(QDialog.DialogCode.Rejected))
    dialog.show()
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    keys = Keyboard(qtbot)
    dialog.email_edit.setFocus()
    keys.press(Qt.Key.Key_Tab)  # the "not notify" box
    keys.press(Qt.Key.Key_Tab)  # the department
    assert dialog.department_combo.lineEdit().hasFocus() or dialog.department_combo.hasFocus()
    keys.type("copan")
    keys.enter()

    assert dialog.department_combo.currentText() == "Copán"
    dialog.municipality_combo.setFocus()
    keys.type("cabanas")
    keys.enter()
    assert dialog.municipality_combo.currentText() == "Cabañas"
    assert dialog.municipality_combo.matches("san") == [
        t for t in dialog.municipality_combo.matches("SAN")
    ]
