"""«Duplicate warnings while typing» (PRODUCT): the customer dialog names the active
customers that look like the same person as soon as the receptionist leaves the identity,
a name or the phone, before she types the rest (before, only saving said so)."""

from __future__ import annotations

from PySide6.QtCore import Qt

from patolab_desktop.services.access import permissions

from .test_customer_dialog import open_dialog
from .test_customers_window import make_customer, type_text


def leave(qtbot, edit) -> None:
    qtbot.keyClick(edit, Qt.Key.Key_Tab)


def test_the_same_dni_is_named_on_leaving_the_field(qtbot, as_role):
    make_customer("María José", "Pérez Muñoz", phone="9988-7766", id_number="0801198000001")
    as_role(permissions.ROLE_RECEPTION)
    dialog = open_dialog(qtbot)
    assert dialog.duplicate_note.isHidden()
    dialog.id_number_edit.setFocus()
    type_text(qtbot, dialog.id_number_edit, "0801198000001")
    leave(qtbot, dialog.id_number_edit)
    assert dialog.duplicate_note.isVisible()
    assert "María José Pérez Muñoz" in dialog.duplicate_note.text()
    assert "mismo DNI" in dialog.duplicate_note.text()


def test_the_same_name_and_phone_are_named_on_leaving_the_phone(qtbot, as_role):
    make_customer("María José", "Pérez Muñoz", phone="9988-7766", id_number="0801198000001")
    as_role(permissions.ROLE_RECEPTION)
    dialog = open_dialog(qtbot)
    type_text(qtbot, dialog.first_name_edit, "Maria Jose")
    type_text(qtbot, dialog.last_name_edit, "Perez Munoz")
    dialog.phone_edit.setFocus()
    type_text(qtbot, dialog.phone_edit, "+504 9988 7766")
    leave(qtbot, dialog.phone_edit)
    assert "mismo nombre y teléfono" in dialog.duplicate_note.text()
    assert dialog.duplicate_note.isVisible()


def test_someone_new_shows_no_warning(qtbot, as_role):
    make_customer("María José", "Pérez Muñoz", phone="9988-7766", id_number="0801198000001")
    as_role(permissions.ROLE_RECEPTION)
    dialog = open_dialog(qtbot)
    dialog.id_number_edit.setFocus()
    type_text(qtbot, dialog.id_number_edit, "0801199012345")
    leave(qtbot, dialog.id_number_edit)
    assert dialog.duplicate_note.isHidden()
