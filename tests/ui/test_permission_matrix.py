"""Roles × permissions matrix: a valid model, toggles persist, the last admin is protected."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from patolab_desktop.services.access import permissions, users
from patolab_desktop.services.errors import PermissionDenied
from patolab_desktop.ui import prompts
from patolab_desktop.ui.admin.permission_matrix import (
    FIRST_ROLE_COLUMN,
    LABEL_COLUMN,
    PermissionMatrixDialog,
    PermissionMatrixModel,
)
from tests.security_helpers import (  # noqa: F401
    ADMIN,
    RECEPTION,
    SUPERVISOR,
    clock,
    fast_hashing,
    login_as,
    no_session,
)

pytestmark = pytest.mark.usefixtures("no_session", "fast_hashing")


def test_model_is_valid_and_shows_the_seeded_sets(qtmodeltester, database, clock):
    login_as(ADMIN)
    model = PermissionMatrixModel()
    qtmodeltester.check(model)
    assert model.roles == [RECEPTION, SUPERVISOR, permissions.ROLE_LAB, ADMIN]
    assert model.rowCount() == len(permissions.ALL)
    assert model.columnCount() == FIRST_ROLE_COLUMN + 4
    row = model.row_of("exports.run")
    assert model.data(model.index(row, LABEL_COLUMN)) == "Exportar datos a CSV"
    checks = [
        model.data(model.index(row, model.column_of(r)), Qt.ItemDataRole.CheckStateRole)
        for r in model.roles
    ]
    unchecked, checked = Qt.CheckState.Unchecked, Qt.CheckState.Checked
    assert checks == [unchecked, unchecked, unchecked, checked]
    assert model.flags(model.index(row, FIRST_ROLE_COLUMN)) & Qt.ItemFlag.ItemIsUserCheckable


def test_toggling_persists_in_the_database(qtmodeltester, database, clock):
    login_as(ADMIN)
    model = PermissionMatrixModel()
    index = model.index(model.row_of("exports.run"), model.column_of(RECEPTION))
    assert "exports.run" not in users.role_permissions()[RECEPTION]
    assert model.setData(index, Qt.CheckState.Checked.value, Qt.ItemDataRole.CheckStateRole)
    assert "exports.run" in users.role_permissions()[RECEPTION]
    fresh = PermissionMatrixModel()
    assert fresh.is_granted(RECEPTION, "exports.run")
    assert model.toggle(SUPERVISOR, "discounts.manual")  # revoke
    assert "discounts.manual" not in users.role_permissions()[SUPERVISOR]
    qtmodeltester.check(model)


def test_space_key_and_click_toggle_a_cell(qtbot, database, clock):
    login_as(ADMIN)
    dialog = PermissionMatrixDialog()
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    model = dialog.model
    dialog.view.setCurrentIndex(
        model.index(model.row_of("imports.run"), model.column_of(SUPERVISOR))
    )
    qtbot.keyClick(dialog.view, Qt.Key.Key_Space)
    assert "imports.run" in users.role_permissions()[SUPERVISOR]
    # a click anywhere in the cell (the box is drawn centred) toggles it back
    index = model.index(model.row_of("imports.run"), model.column_of(SUPERVISOR))
    dialog.view.scrollTo(index)
    qtbot.mouseClick(
        dialog.view.viewport(),
        Qt.MouseButton.LeftButton,
        pos=dialog.view.visualRect(index).center(),
    )
    assert "imports.run" not in users.role_permissions()[SUPERVISOR]


def test_last_administrator_cannot_lose_users_manage(qtbot, database, clock, monkeypatch):
    login_as(ADMIN)
    errors = []
    monkeypatch.setattr(prompts, "error", lambda parent, title, text: errors.append(text))
    dialog = PermissionMatrixDialog()
    qtbot.addWidget(dialog)
    assert not dialog.model.toggle(ADMIN, "users.manage")
    assert dialog.model.is_granted(ADMIN, "users.manage")
    assert "users.manage" in users.role_permissions()[ADMIN]
    assert len(errors) == 1 and "administrador" in errors[0]


@pytest.mark.parametrize("role_name", [RECEPTION, SUPERVISOR])
def test_matrix_is_for_administrators_only(database, clock, role_name):
    login_as(role_name)
    with pytest.raises(PermissionDenied):
        PermissionMatrixModel()


def test_render_permission_matrix(qtbot, database, clock):
    login_as(ADMIN)
    dialog = PermissionMatrixDialog()
    qtbot.addWidget(dialog)
    dialog.resize(900, 820)
    dialog.show()
    qtbot.waitExposed(dialog)
    assert dialog.grab().save("/tmp/permission_matrix.png")


def _in_column(dialog, role: str) -> None:
    dialog.view.setCurrentIndex(dialog.model.index(0, dialog.model.column_of(role)))


def test_new_role_copies_the_role_chosen_or_starts_empty(qtbot, database, clock, prompt_log):
    login_as(ADMIN)
    dialog = PermissionMatrixDialog()
    qtbot.addWidget(dialog)
    prompt_log.texts = ["Caja", SUPERVISOR]
    dialog.new_role_button.click()
    assert prompt_log.kinds("ask_item")[0][2].startswith("Copiar los permisos de")
    assert users.role_permissions()["Caja"] == set(permissions.SUPERVISOR)
    prompt_log.texts = ["Consulta", "Ninguno (empezar sin permisos)"]
    dialog.new_role_button.click()
    assert users.role_permissions()["Consulta"] == set()
    assert dialog.model.roles[-2:] == ["Caja", "Consulta"]
    assert dialog.current_role() == "Consulta"


def test_rename_and_delete_a_role_of_the_lab(qtbot, database, clock, prompt_log):
    from tests.security_helpers import make_user

    login_as(ADMIN)
    users.create_role("Cajeor")
    users.create_role("Auditor")
    make_user("cajera1", "Cajeor")
    dialog = PermissionMatrixDialog()
    qtbot.addWidget(dialog)
    _in_column(dialog, "Cajeor")
    prompt_log.texts = ["Cajero"]
    dialog.rename_role_button.click()
    assert "Cajero" in dialog.model.roles and "Cajeor" not in dialog.model.roles
    assert dialog.current_role() == "Cajero"
    dialog.delete_role_button.click()  # it has a user: refused, said
    assert prompt_log.kinds("error")[-1][2] == (
        "El rol tiene usuarios: asígneles otro rol antes de eliminarlo."
    )
    assert "Cajero" in users.role_permissions()

    _in_column(dialog, "Auditor")
    prompt_log.answer = False  # «No» to the question: nothing happens
    dialog.delete_role_button.click()
    assert "Auditor" in users.role_permissions()
    prompt_log.answer = True
    dialog.delete_role_button.click()
    assert "Auditor" not in users.role_permissions()
    assert "Auditor" not in dialog.model.roles
    assert prompt_log.kinds("confirm")[-1][2].startswith("¿Eliminar el rol «Auditor»")


def test_the_built_in_roles_cannot_be_renamed_or_deleted(qtbot, database, clock, prompt_log):
    login_as(ADMIN)
    dialog = PermissionMatrixDialog()
    qtbot.addWidget(dialog)
    _in_column(dialog, RECEPTION)
    prompt_log.texts = ["Mostrador"]
    dialog.rename_role_button.click()
    dialog.delete_role_button.click()
    assert [c[2] for c in prompt_log.kinds("error")] == [
        "Los roles de fábrica no se pueden renombrar.",
        "Los roles de fábrica no se pueden eliminar.",
    ]
    assert dialog.model.roles == [RECEPTION, SUPERVISOR, permissions.ROLE_LAB, ADMIN]
    dialog.view.setCurrentIndex(dialog.model.index(0, LABEL_COLUMN))
    assert not dialog.rename_role_button.isEnabled()
    assert not dialog.delete_role_button.isEnabled()
