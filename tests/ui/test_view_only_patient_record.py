"""A role that may see patients but not edit them (the seeded «Laboratorio») opens a
patient's record read-only: Enter, double click or «Ver» show «Ver cliente» with every
field, none editable, no «Guardar», a «Cerrar»; the identity number masked as the role
says."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QCheckBox,
    QComboBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QWidget,
)

from patolab_desktop.services import customers
from patolab_desktop.services.access import permissions, session, users

from .role_helpers import main_window_as
from .test_customers_window import make_customer

pytestmark = pytest.mark.usefixtures("no_session", "fast_hashing")


def test_laboratorio_reads_a_patient_record(qtbot, database, dialog_trap, no_crash_dialog):
    with session.acting_as(session.system_actor("tests")):
        make_customer("Carlos", "Ruiz Mejía", address="Col. Kennedy, bloque 4")
    window = main_window_as(qtbot, permissions.ROLE_LAB)
    window.show()
    tab = window.show_tab("customers")
    qtbot.waitUntil(lambda: tab.model.rowCount() == 1)
    tab.select_row(0)
    assert tab.edit_action.isEnabled() and tab.edit_action.text() == "&Ver"
    assert tab.edit_action.toolTip().startswith("Ver el cliente seleccionado")
    seen = {}

    def look(dialog):
        seen["title"] = dialog.windowTitle()
        seen["address"] = dialog.address_edit.text()
        seen["id_number"] = dialog.id_number_edit.text()
        seen["buttons"] = [b.text() for b in dialog.buttons.buttons() if b.isVisible()]
        seen["editable"] = [
            w.objectName() or type(w).__name__
            for w in dialog.findChildren(QWidget)
            if w.isEnabled()
            and (
                isinstance(w, (QComboBox, QCheckBox))
                or isinstance(w, (QLineEdit, QPlainTextEdit, QAbstractSpinBox))
                and not w.isReadOnly()
            )
        ]
        dialog.address_edit.setText("otra")  # a program may; saving still does nothing
        assert not dialog.save()

    dialog_trap.handlers["CustomerDialog"] = look
    qtbot.keyClick(tab.view, Qt.Key.Key_Return)
    assert dialog_trap.opened == ["CustomerDialog"]
    assert seen["title"] == "Ver cliente"
    assert seen["address"] == "Col. Kennedy, bloque 4"
    assert seen["id_number"].startswith("****-****-")  # no patients.view_sensitive
    assert "Cerrar" in seen["buttons"] and not any("Guardar" in b for b in seen["buttons"])
    assert seen["editable"] == []
    tab.view.doubleClicked.emit(tab.view.model().index(0, 0))
    assert dialog_trap.opened == ["CustomerDialog", "CustomerDialog"]
    with session.acting_as(session.system_actor("tests")):
        stored = customers.get(tab.selected_id())
    assert stored.address == "Col. Kennedy, bloque 4"


def _customers_tab(qtbot, role_name: str):
    """The main window's «Clientes» tab as ``role_name``, once it lists the one patient."""
    tab = main_window_as(qtbot, role_name).show_tab("customers")
    qtbot.waitUntil(lambda: tab.model.rowCount() == 1)
    return tab


def test_reception_still_edits(qtbot, database, dialog_trap):
    with session.acting_as(session.system_actor("tests")):
        make_customer("Carlos", "Ruiz Mejía")
    tab = _customers_tab(qtbot, permissions.ROLE_RECEPTION)
    tab.select_row(0)
    assert tab.edit_action.text() == "&Editar"
    titles = []
    dialog_trap.handlers["CustomerDialog"] = lambda d: titles.append(
        (d.windowTitle(), d.save_button.isVisible())
    )
    tab.edit_selected()
    assert titles == [("Editar cliente", True)]


def _keys_under(tab) -> list[str]:
    """The texts of the line of keys under the list, as the person reads them."""
    return [label.text() for label in tab.findChildren(QLabel) if label.text().startswith("Intro:")]


def test_the_keys_under_the_list_say_what_they_do_for_the_role(qtbot, database):
    """Under the list, a role that may only see patients reads «Intro: ver» (Intro opens
    the read-only record), not «Intro: editar», and no key it may not use; reception reads
    «Intro: editar» and its own keys."""
    with session.acting_as(session.system_actor("tests")):
        make_customer("Carlos", "Ruiz Mejía")
    tab = _customers_tab(qtbot, permissions.ROLE_LAB)
    tab.select_row(0)
    assert _keys_under(tab) == ["Intro: ver · F5: actualizar"]

    tab = _customers_tab(qtbot, permissions.ROLE_RECEPTION)
    assert _keys_under(tab) == [
        "Intro: editar · Ctrl+N: nuevo · F9: nueva solicitud · F5: actualizar"
    ]


def test_the_keys_under_the_list_follow_a_role_change_without_moving_the_row(qtbot, database):
    """An administrator on another desk lets «Laboratorio» edit patients: at the minute's
    recheck the list says «Intro: editar» (and «Editar») at once, on the row already
    selected, and «Intro: ver» again when the permission is taken back."""
    from tests.security_helpers import as_admin_elsewhere

    with session.acting_as(session.system_actor("tests")):
        make_customer("Carlos", "Ruiz Mejía")
    tab = _customers_tab(qtbot, permissions.ROLE_LAB)
    window = tab.window()
    tab.select_row(0)
    assert _keys_under(tab) == ["Intro: ver · F5: actualizar"]

    as_admin_elsewhere(
        lambda: users.set_role_permission(permissions.ROLE_LAB, "patients.edit", True)
    )
    window.admin.recheck_user()  # what the 60-s timer does
    assert _keys_under(tab) == ["Intro: editar · F5: actualizar"]
    assert tab.edit_action.text() == "&Editar"

    as_admin_elsewhere(
        lambda: users.set_role_permission(permissions.ROLE_LAB, "patients.edit", False)
    )
    window.admin.recheck_user()
    assert _keys_under(tab) == ["Intro: ver · F5: actualizar"]
    assert tab.edit_action.text() == "&Ver"
