"""Issue 15, point 13 on screen: the recovery key shown to the administrator at set-up
(what losing it means comes first, before any identity number is encrypted), and the
recovery key asked for on a workstation without the key."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from patolab_desktop.db import identity as db_identity
from patolab_desktop.db.models import Customer
from patolab_desktop.services import customers, identity, identity_keys
from patolab_desktop.services.access import permissions, session
from patolab_desktop.ui.admin import identity_key_dialogs as dialogs
from patolab_desktop.ui.admin import login_flow
from patolab_desktop.util import identity_crypto as crypto
from tests.security_helpers import PASSWORD, login_as, make_user
from tests.ui.role_helpers import fill_first_admin


@pytest.fixture
def patient(database):
    """A valid patient form (gender and place from the seeded reference data)."""
    from patolab_desktop.db.models import Gender, Municipality

    mun = Municipality.select().where(Municipality.code == "0501").get()

    def make(**changes):
        values = dict(
            type="cliente",
            first_name="María José",
            last_name="Pérez Muñoz",
            gender_id=Gender.select().first().id,
            date_of_birth=__import__("datetime").date(1990, 5, 17),
            phone="9988-7766",
            department_id=mun.department_id,
            municipality_id=mun.id,
        )
        values.update(changes)
        return customers.CustomerData(**values)

    return make


SHOTS = Path(os.environ.get("PATOLAB_SHOTS", "/work/notes/shots-crypto"))


def _shot(widget, name: str) -> None:
    if SHOTS.parent.exists():
        SHOTS.mkdir(exist_ok=True)
        widget.grab().save(str(SHOTS / f"{name}.png"))


def test_first_administrator_sees_the_warning_and_the_key_before_any_number(
    qtbot,
    database,
    fast_hashing,
    dialog_trap,  # noqa: F811 - fixtures
):
    opened = {}

    def first_admin(dialog):
        fill_first_admin(dialog)
        dialog.try_create()

    def recovery(dialog):
        opened["warning"] = dialog.warning.text()
        opened["key"] = dialog.key_label.text()  # what the screen shows (two lines)
        assert not Customer.select().where(Customer.id_number.is_null(False)).exists()
        assert not dialog.done_button.isEnabled()  # not before saying it is kept
        _shot(dialog, "recovery_key_dialog")
        dialog.kept_box.setChecked(True)
        dialog.done_button.click()

    dialog_trap.handlers["FirstAdminDialog"] = first_admin
    dialog_trap.handlers["RecoveryKeyDialog"] = recovery
    actor = login_flow.start_session(None)
    assert actor is not None and actor.has(identity_keys.PERMISSION)
    assert "NADIE podrá volver a leer" in opened["warning"]
    assert crypto.key_from_recovery(opened["key"], db_identity.key_check())  # the real key
    assert not identity_keys.recovery_pending()
    session.set_current(None)


def test_the_sheet_is_saved_where_asked_and_never_over_the_database(
    qtbot,
    database,
    db_target,
    tmp_path,
    fast_hashing,  # noqa: F811
):
    login_as(permissions.ROLE_ADMIN)
    dialog = dialogs.RecoveryKeyDialog(None)
    qtbot.addWidget(dialog)
    target = tmp_path / "usb" / "clave.txt"
    target.parent.mkdir()
    assert dialog.save_to(str(target))
    text = target.read_text(encoding="utf-8")
    assert dialog.key_text in text and "NADIE" in text
    if Path(str(db_target)).exists():  # SQLite: the open database is refused
        assert not dialog.save_to(str(db_target))
        assert dialog.key_text.encode() not in Path(str(db_target)).read_bytes()


def test_a_new_workstation_asks_for_the_recovery_key(
    qtbot,
    database,
    patient,
    fast_hashing,
    dialog_trap,  # noqa: F811
):
    login_as(permissions.ROLE_ADMIN)
    text = identity_keys.recovery_key()
    person = customers.create(patient(id_number="0501-1990-12345"))
    crypto.forget_key(db_identity.database_id())  # another PC: no key in its store
    db_identity.clear_cache()
    session.set_current(None)
    make_user("recepcion2", permissions.ROLE_RECEPTION)
    attempts = []

    def login(dialog):
        dialog.username_edit.setText("recepcion2")
        dialog.password_edit.setText(PASSWORD)
        dialog.login_button.click()

    def unlock(dialog):
        dialog.key_edit.setText("AAAA-BBBB")
        assert not dialog.try_unlock()
        attempts.append(dialog.message.text())
        _shot(dialog, "unlock_dialog")
        dialog.key_edit.setText(text)
        assert dialog.try_unlock()

    dialog_trap.handlers["LoginDialog"] = login
    dialog_trap.handlers["UnlockDialog"] = unlock
    actor = login_flow.start_session(None)
    assert actor is not None
    assert "no es correcta" in attempts[0]
    assert identity.status() == "ready"
    assert customers.get(person).id_number == "****-****-12345"  # Recepción: masked
    assert dialog_trap.opened.count("RecoveryKeyDialog") == 0  # not an administrator
    session.set_current(None)


def test_without_the_recovery_key_the_desk_still_works_and_says_why(
    qtbot,
    database,
    patient,
    fast_hashing,
    dialog_trap,  # noqa: F811
):
    person = customers.create(patient(id_number="0501-1990-12345"))
    crypto.forget_key(db_identity.database_id())
    db_identity.clear_cache()
    make_user("recepcion2", permissions.ROLE_RECEPTION)
    dialog_trap.handlers["LoginDialog"] = lambda d: (
        d.username_edit.setText("recepcion2"),
        d.password_edit.setText(PASSWORD),
        d.login_button.click(),
    )
    dialog_trap.handlers["UnlockDialog"] = lambda d: d.reject()  # "Ahora no"
    session.set_current(None)
    actor = login_flow.start_session(None)
    assert actor is not None and identity.status() == "missing"
    assert customers.summary(person)["name"]  # the rest of the record is readable
    assert customers.summary(person)["id_number"] == identity.LOCKED
    assert dialog_trap.opened.count("UnlockDialog") == 1
    session.set_current(None)
