"""The create/edit customer dialog: inline Spanish messages, duplicates, conflicts, keys."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QApplication, QDialog

from patolab_desktop.services import customers, reference
from patolab_desktop.ui import prompts
from patolab_desktop.ui.customers.customer_dialog import CustomerDialog
from tests.two_desks import save_elsewhere

from .test_customers_window import (
    _no_real_prompts,  # noqa: F401 (an autouse fixture)
    department_id,
    gender_id,
    make_customer,
    municipality_id,
    type_text,
)


@pytest.fixture
def no_prompts(monkeypatch):
    """Record every question/message instead of opening a box; confirm answers True."""
    calls = []
    monkeypatch.setattr(
        prompts,
        "confirm",
        lambda parent, title, text: calls.append(("confirm", title, text)) or True,
    )
    monkeypatch.setattr(
        prompts, "error", lambda parent, title, text: calls.append(("error", title, text))
    )
    monkeypatch.setattr(
        prompts, "info", lambda parent, title, text: calls.append(("info", title, text))
    )
    return calls


def open_dialog(qtbot, customer_id=None) -> CustomerDialog:
    dialog = CustomerDialog(customer_id=customer_id)
    # at teardown close without the "discard changes?" question (prompts are real again)
    qtbot.addWidget(dialog, before_close_func=lambda d: d.done(QDialog.DialogCode.Rejected))
    dialog.show()
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    return dialog


def choose(combo, data) -> None:
    index = combo.findData(data)
    assert index >= 0, data
    combo.setCurrentIndex(index)


def fill_patient(qtbot, dialog: CustomerDialog, **overrides) -> None:
    """Type a valid patient the way a receptionist would (keys into the fields)."""
    values = {
        "first_name": "María José",
        "last_name": "Pérez Muñoz",
        "id_number": "0801199012345",
        "age": "34",
        "phone": "9988-7766",
        "email": "maria.perez@example.com",
        **overrides,
    }
    for key in ("first_name", "last_name", "id_number", "age", "phone", "email"):
        edit = getattr(dialog, f"{key}_edit")
        edit.clear()
        if values[key]:
            type_text(qtbot, edit, values[key])
    choose(dialog.gender_combo, gender_id("Mujer"))
    choose(dialog.department_combo, department_id("Cortés"))
    choose(dialog.municipality_combo, municipality_id("Cortés"))


# --- creating -------------------------------------------------------------------------


def test_creates_a_patient(qtbot, database, no_prompts):
    dialog = open_dialog(qtbot)
    assert dialog.windowTitle() == "Nuevo cliente"
    fill_patient(qtbot, dialog)
    dialog.address_edit.setText("Col. Trejo, 5 calle")
    dialog.notes_edit.setPlainText("Alergia a la penicilina")
    dialog.blocked_check.setChecked(True)
    dialog.external_file_edit.setText("EXP-001")
    assert dialog.save() is True
    assert dialog.result() == QDialog.DialogCode.Accepted
    saved = customers.get(dialog.customer_id)
    assert saved.name == "María José Pérez Muñoz"
    assert (saved.first_name, saved.last_name) == ("María José", "Pérez Muñoz")
    assert saved.id_number == "0801199012345"
    assert saved.phone == "+50499887766"
    assert saved.age == 34 and saved.date_of_birth is None
    assert saved.gender_id == gender_id("Mujer")
    assert saved.municipality_id == municipality_id("Cortés")
    assert saved.notes == "Alergia a la penicilina" and saved.is_blocked
    assert saved.external_file == "EXP-001" and saved.country == "Honduras"
    assert no_prompts == []  # no duplicate warning for a new person


def test_creates_a_company_with_rtn(qtbot, database, no_prompts):
    dialog = open_dialog(qtbot)
    dialog.type_buttons["empresa"].click()
    assert dialog.name_edit.isVisible() and not dialog.first_name_edit.isVisible()
    assert not dialog.last_name_edit.isVisible()
    type_text(qtbot, dialog.name_edit, "Hospital y Clínicas Viera")
    type_text(qtbot, dialog.id_number_edit, "0801199012345")  # a DNI: not enough for a company
    type_text(qtbot, dialog.phone_edit, "2238-0000")
    choose(dialog.department_combo, department_id("Francisco Morazán"))
    choose(dialog.municipality_combo, municipality_id("Francisco Morazán"))
    assert dialog.save() is False
    assert "RTN" in dialog.error_text("id_number")
    assert dialog.error_text("age") == ""  # a company needs no age
    dialog.id_number_edit.setText("08019005123456")
    assert dialog.save() is True
    saved = customers.get(dialog.customer_id)
    assert (saved.type, saved.name, saved.id_number) == (
        "empresa",
        "Hospital y Clínicas Viera",
        "08019005123456",
    )


def test_date_of_birth_instead_of_age(qtbot, database, no_prompts):
    dialog = open_dialog(qtbot)
    fill_patient(qtbot, dialog, age="")
    assert dialog.birth_unknown.isChecked() and not dialog.birth_edit.isEnabled()
    dialog.birth_unknown.click()  # "No sé la fecha" off: the date is typed now
    assert dialog.birth_edit.isEnabled() and dialog.birth_edit.hasFocus()
    born = dt.date.today().replace(year=dt.date.today().year - 40) - dt.timedelta(days=1)
    dialog.birth_edit.setDate(QDate(born.year, born.month, born.day))
    assert dialog.age_edit.text() == "40" and dialog.age_edit.isReadOnly()
    assert dialog.save() is True
    saved = customers.get(dialog.customer_id)
    assert saved.date_of_birth == born and saved.age is None
    assert customers.age_on(dialog.customer_id, dt.date.today()) == 40


def test_id_number_is_typed_freely_and_shown_formatted(qtbot, database):
    dialog = open_dialog(qtbot)
    type_text(qtbot, dialog.id_number_edit, "0801199012345")
    dialog.id_number_edit.editingFinished.emit()
    assert dialog.id_number_edit.text() == "0801-1990-12345"
    dialog.phone_edit.setText("99887766")
    dialog.phone_edit.editingFinished.emit()
    assert dialog.phone_edit.text() == "+504 9988-7766"


# --- inline validation ------------------------------------------------------------------


def test_inline_messages_for_bad_phone_email_and_missing_age(qtbot, database, no_prompts):
    dialog = open_dialog(qtbot)
    fill_patient(qtbot, dialog, phone="12", email="maria@", age="")
    assert dialog.save() is False
    assert dialog.result() != QDialog.DialogCode.Accepted
    assert "teléfono" in dialog.error_text("phone").lower()
    assert "correo" in dialog.error_text("email").lower()
    assert "edad" in dialog.error_text("age").lower()
    assert dialog.error_text("first_name") == ""
    label = dialog.findChild(type(dialog.general_error), "error_phone")
    assert label.isVisible() and label.text() == dialog.error_text("phone")
    assert dialog.age_edit.hasFocus()  # the first field in error, in form order
    assert customers.count(customers.CustomerFilter()) == 0

    # typing in a field hides its message; saving again after fixing works
    type_text(qtbot, dialog.phone_edit, "3")
    assert dialog.error_text("phone") == ""
    dialog.phone_edit.setText("9988-7766")
    dialog.email_edit.setText("maria@example.com")
    dialog.age_edit.setText("7")
    assert dialog.save() is True


def test_missing_name_and_gender_are_shown(qtbot, database, no_prompts):
    dialog = open_dialog(qtbot)
    fill_patient(qtbot, dialog, first_name="", last_name="")
    dialog.gender_combo.setCurrentIndex(0)
    assert dialog.save() is False
    assert dialog.error_text("first_name")  # the patient's name message sits under "Nombres"
    assert dialog.error_text("gender_id")
    assert dialog.first_name_edit.hasFocus()


def test_municipality_of_another_department_is_refused(qtbot, database, no_prompts):
    dialog = open_dialog(qtbot)
    fill_patient(qtbot, dialog)
    # the combo only offers the chosen department's municipalities
    offered = {
        dialog.municipality_combo.itemData(i) for i in range(1, dialog.municipality_combo.count())
    }
    assert offered == {i for i, _ in reference.municipalities(department_id("Cortés"))}
    # changing the department drops the municipality (it belonged to the other one)
    choose(dialog.department_combo, department_id("Olancho"))
    assert dialog.municipality_combo.currentData() is None
    assert dialog.save() is False
    assert dialog.error_text("municipality_id")
    # a stale list offering another department's municipality is refused by the service
    intruder = municipality_id("Cortés")
    dialog.municipality_combo.addItem("Intruso", intruder)
    choose(dialog.municipality_combo, intruder)
    assert dialog.save() is False
    assert "no pertenece al departamento" in dialog.error_text("municipality_id")
    assert customers.count(customers.CustomerFilter()) == 0


def test_duplicate_id_number_is_refused_with_a_message(qtbot, database, no_prompts):
    make_customer("Carlos", "Castro", id_number="0801199012345")
    dialog = open_dialog(qtbot)
    fill_patient(qtbot, dialog, id_number="0801-1990-12345")
    assert dialog.save() is False
    assert "0801-1990-12345" in dialog.error_text("id_number")
    assert "Carlos Castro" in dialog.error_text("id_number")
    assert dialog.id_number_edit.hasFocus()
    assert customers.count(customers.CustomerFilter()) == 1


def test_duplicate_warning_before_saving(qtbot, database, monkeypatch):
    make_customer("María José", "Pérez Muñoz", phone="9988-7766", id_number="0801198000001")
    asked = []
    answer = [False]
    monkeypatch.setattr(
        prompts, "confirm", lambda parent, title, text: asked.append((title, text)) or answer[0]
    )
    dialog = open_dialog(qtbot)
    fill_patient(
        qtbot,
        dialog,
        first_name="Maria Jose",
        last_name="Perez Munoz",
        id_number="0801199012345",
        phone="+504 9988 7766",
    )
    assert dialog.save() is False  # "Cancelar" in the warning keeps the dialog open
    title, text = asked[0]
    assert title == "Posible cliente duplicado"
    assert "María José Pérez Muñoz" in text and "mismo nombre y teléfono" in text
    assert dialog.isVisible() and customers.count(customers.CustomerFilter()) == 1

    answer[0] = True  # "Sí": save anyway
    assert dialog.save() is True
    assert customers.count(customers.CustomerFilter()) == 2


# --- editing --------------------------------------------------------------------------


def test_edit_loads_every_field_and_saves(qtbot, database, no_prompts):
    customer_id = make_customer(
        "Rosa",
        "Reyes",
        id_number="0501198503210",
        phone="3322-1100",
        email="rosa@example.com",
        address="Barrio Abajo",
        address2="Frente al parque",
        postal_code="21101",
        notes="Diabética",
        external_file="H-77",
        is_blocked=True,
        department="Cortés",
    )
    dialog = open_dialog(qtbot, customer_id)
    assert dialog.windowTitle() == "Editar cliente"
    assert dialog.first_name_edit.text() == "Rosa" and dialog.last_name_edit.text() == "Reyes"
    assert dialog.id_number_edit.text() == "0501-1985-03210"
    assert dialog.phone_edit.text() == "+504 3322-1100"
    assert dialog.email_edit.text() == "rosa@example.com"
    assert dialog.age_edit.text() == "30"
    assert dialog.department_combo.currentData() == department_id("Cortés")
    assert dialog.municipality_combo.currentData() == municipality_id("Cortés")
    assert (dialog.address_edit.text(), dialog.address2_edit.text()) == (
        "Barrio Abajo",
        "Frente al parque",
    )
    assert dialog.postal_code_edit.text() == "21101" and dialog.country_edit.text() == "Honduras"
    assert dialog.notes_edit.toPlainText() == "Diabética"
    assert dialog.external_file_edit.text() == "H-77" and dialog.blocked_check.isChecked()
    assert not dialog.is_dirty()

    dialog.email_edit.setText("rosa.reyes@example.com")
    assert dialog.is_dirty()
    assert dialog.save() is True
    saved = customers.get(customer_id)
    assert saved.email == "rosa.reyes@example.com" and saved.version == 2
    assert no_prompts == []  # editing does not warn that the customer duplicates itself


def test_conflict_shows_a_message_and_reloads_the_form(qtbot, database, no_prompts):
    customer_id = make_customer("Rosa", "Reyes", email="rosa@example.com")
    dialog = open_dialog(qtbot, customer_id)
    # someone else saves the same customer meanwhile
    save_elsewhere(customers.get, customers.update, customer_id, email="otra@example.com")

    dialog.phone_edit.setText("9000-1234")
    assert dialog.save() is False
    assert no_prompts[0][0] == "error" and "cambió" in no_prompts[0][1]
    assert dialog.email_edit.text() == "otra@example.com"  # reloaded from the database
    assert dialog.error_text("__all__")
    assert dialog.isVisible()
    dialog.phone_edit.setText("9000-1234")
    assert dialog.save() is True  # with the fresh version the save goes through
    saved = customers.get(customer_id)
    assert (saved.email, saved.phone) == ("otra@example.com", "+50490001234")


def test_missing_customer_raises_not_found(qtbot, database):
    from patolab_desktop.services.errors import NotFoundError

    with pytest.raises(NotFoundError):
        CustomerDialog(customer_id=424242)


# --- keyboard -------------------------------------------------------------------------


def test_first_field_has_focus_and_tab_order_follows_the_form(qtbot, database):
    dialog = open_dialog(qtbot)
    dialog.activateWindow()
    qtbot.waitUntil(dialog.first_name_edit.hasFocus)
    order = []
    widget = dialog.first_name_edit
    for _ in range(4):
        widget = widget.nextInFocusChain()
        while (
            not (widget.focusPolicy() & Qt.FocusPolicy.TabFocus)
            or not widget.isVisible()
            or not widget.isEnabled()
        ):
            widget = widget.nextInFocusChain()
        order.append(widget)
    assert order == [  # the order a walk-in patient is asked (issue 16 C)
        dialog.last_name_edit,
        dialog.age_edit,
        dialog.gender_combo,
        dialog.phone_edit,
    ]
    qtbot.keyClick(dialog.first_name_edit, Qt.Key.Key_Tab)
    assert dialog.last_name_edit.hasFocus()


def test_enter_saves(qtbot, database, no_prompts):
    dialog = open_dialog(qtbot)
    fill_patient(qtbot, dialog)
    with qtbot.waitSignal(dialog.accepted, timeout=2000):
        qtbot.keyClick(dialog.email_edit, Qt.Key.Key_Return)
    assert customers.get(dialog.customer_id).name == "María José Pérez Muñoz"


def test_enter_with_errors_keeps_the_dialog_open(qtbot, database, no_prompts):
    dialog = open_dialog(qtbot)
    fill_patient(qtbot, dialog, phone="12")
    qtbot.keyClick(dialog.email_edit, Qt.Key.Key_Return)
    assert dialog.isVisible() and dialog.error_text("phone")


def test_enter_moves_on_to_the_next_empty_field(qtbot, database, no_prompts):
    dialog = open_dialog(qtbot)
    type_text(qtbot, dialog.first_name_edit, "Solo Nombre")
    qtbot.keyClick(dialog.first_name_edit, Qt.Key.Key_Return)
    assert dialog.last_name_edit.hasFocus() and dialog.isVisible()
    qtbot.keyClick(dialog.last_name_edit, Qt.Key.Key_Return)  # a last name is optional
    assert dialog.age_edit.hasFocus()
    assert dialog.error_text("phone") == ""  # nothing checked while moving on


def test_escape_cancels_and_asks_only_when_something_was_typed(qtbot, database, monkeypatch):
    asked = []
    monkeypatch.setattr(
        prompts, "confirm", lambda parent, title, text: asked.append(title) or False
    )
    dialog = open_dialog(qtbot)
    with qtbot.waitSignal(dialog.rejected, timeout=2000):
        qtbot.keyClick(dialog.first_name_edit, Qt.Key.Key_Escape)
    assert asked == []

    dialog = open_dialog(qtbot)
    type_text(qtbot, dialog.first_name_edit, "Pedro")
    qtbot.keyClick(dialog.first_name_edit, Qt.Key.Key_Escape)
    assert asked == ["Descartar cambios"] and dialog.isVisible()  # "No": keep typing
    monkeypatch.setattr(prompts, "confirm", lambda *a: True)
    with qtbot.waitSignal(dialog.rejected, timeout=2000):
        qtbot.keyClick(dialog.first_name_edit, Qt.Key.Key_Escape)
    assert customers.count(customers.CustomerFilter()) == 0


def test_ctrl_enter_saves_from_the_notes(qtbot, database, no_prompts):
    dialog = open_dialog(qtbot)
    fill_patient(qtbot, dialog)
    dialog.notes_edit.setFocus()
    type_text(qtbot, dialog.notes_edit, "Alergia")
    QApplication.processEvents()
    with qtbot.waitSignal(dialog.accepted, timeout=2000):
        qtbot.keyClick(dialog.notes_edit, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert customers.get(dialog.customer_id).notes == "Alergia"


@pytest.mark.parametrize(("typed", "age"), [("35 años", 35), ("3 días", 0), ("8 meses", 0)])
def test_a_receptionist_types_the_age_in_words(qtbot, as_role, no_prompts, typed, age):
    from patolab_desktop.services.access import permissions

    as_role(permissions.ROLE_RECEPTION)
    dialog = open_dialog(qtbot)
    fill_patient(qtbot, dialog, id_number="", age="")
    type_text(qtbot, dialog.age_edit, typed)
    assert dialog.age_edit.text() == typed  # no letter dropped by the validator
    assert dialog.save() is True
    saved = customers.get(dialog.customer_id)
    assert saved.age == age and saved.date_of_birth is None


@pytest.mark.parametrize(
    ("letter", "field"),
    [
        (Qt.Key.Key_I, "id_number_edit"),
        (Qt.Key.Key_E, "age_edit"),
        (Qt.Key.Key_O, "postal_code_edit"),
        (Qt.Key.Key_T, "phone_edit"),
    ],
)
def test_alt_and_the_underlined_letter_reach_every_field(qtbot, as_role, letter, field):
    """«&Identidad», «&Edad», «Código p&ostal» caption rows of several widgets: their
    Alt+letter did nothing (the row takes no focus); it reaches the row's field."""
    from patolab_desktop.services.access import permissions

    as_role(permissions.ROLE_RECEPTION)
    dialog = open_dialog(qtbot)
    dialog.birth_unknown.setChecked(True)  # the age is typed
    qtbot.keyClick(QApplication.focusWidget(), letter, Qt.KeyboardModifier.AltModifier)
    assert QApplication.focusWidget() is getattr(dialog, field)
