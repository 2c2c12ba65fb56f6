"""A change an administrator makes on another desk to a signed-in receptionist holds for
her next write at once (deactivated, password reset, a permission withdrawn), not a
minute later when her desk reads her user again; nothing is written. The lockout still
counts her wrong passwords, and the system actor (the command line) is not checked."""

from __future__ import annotations

import pytest

from patolab_desktop.db.models import Customer, LabRequest, Outbox, User
from patolab_desktop.services import requests as requests_service
from patolab_desktop.services import settings
from patolab_desktop.services.access import auth, permissions, session, users
from patolab_desktop.services.errors import PermissionDenied, SessionChanged
from patolab_desktop.services.notify import config as notify_config
from tests.security_helpers import PASSWORD, as_admin_elsewhere, fast_hashing, login_as  # noqa: F401
from tests.ui.requests_helpers import make_catalog, make_doctor, make_patient, make_request
from tests.ui.role_helpers import as_custom_role

pytestmark = pytest.mark.usefixtures("fast_hashing")

RECEPTION = permissions.ROLE_RECEPTION
TEMPORARY = "temporal-nueva-2026"


def test_a_user_deactivated_elsewhere_saves_nothing_more(database):
    me = login_as(RECEPTION)
    before = Customer.select().count()
    as_admin_elsewhere(lambda: users.deactivate(me.id))
    assert session.has("patients.create")  # her screens learn it at the minute's recheck
    with pytest.raises(SessionChanged, match="desactivó su usuario: no se guardó nada"):
        make_patient("Juana", "Reyes Ávila", age=40)
    assert Customer.select().count() == before


def test_after_a_reset_elsewhere_her_writes_say_to_sign_in_with_the_temporary_password(
    database,
):
    me = login_as(RECEPTION)
    as_admin_elsewhere(lambda: users.reset_password(me.id, TEMPORARY))
    with pytest.raises(SessionChanged, match="contraseña temporal que le dieron"):
        make_patient("Juana", "Reyes Ávila", age=40)
    # «Cambiar contraseña» with the password she knows: told why, not counted as a failure
    with pytest.raises(SessionChanged, match="restableció su contraseña"):
        auth.change_password(PASSWORD, "mi-nueva-clave-2026")
    assert User.get_by_id(me.id).failed_attempts == 0
    # the screen unlock still counts a wrong password towards the lockout
    assert auth.verify_password(me, PASSWORD) is False
    assert User.get_by_id(me.id).failed_attempts == 1


def test_a_permission_withdrawn_elsewhere_refuses_her_next_write(database):
    with session.acting_as(session.system_actor("tests")):
        ids = make_catalog()
        request_id, _number = make_request(
            make_patient("Lucía", "Pérez Zelaya", age=35), make_doctor(), [ids["GLU"]]
        )
    status = LabRequest.get_by_id(request_id).status
    login_as(RECEPTION)
    as_admin_elsewhere(lambda: users.set_role_permission(RECEPTION, "requests.cancel", False))
    with pytest.raises(SessionChanged, match="permisos de su rol"):
        requests_service.cancel(request_id, "No vino")
    assert LabRequest.get_by_id(request_id).status == status
    auth.refresh_current()  # what her desk does at once after that refusal
    with pytest.raises(PermissionDenied, match="No tiene permiso"):
        requests_service.cancel(request_id, "No vino")
    assert make_patient("Juana", "Reyes Ávila", age=40)  # what her role still holds is saved


def test_the_system_actor_is_not_checked(database):
    me = login_as(RECEPTION)
    as_admin_elsewhere(lambda: users.deactivate(me.id))
    with session.acting_as(session.system_actor("cli")):
        assert make_patient("Juana", "Reyes Ávila", age=40)


def keeper_deactivated_elsewhere() -> None:
    """Signed in with a role that keeps the lab's settings and WhatsApp (no administrator),
    then deactivated by an administrator on another desk."""
    me = as_custom_role("Ajustes", {"settings.edit", "notify.manage"}, "ajustes")
    as_admin_elsewhere(lambda: users.deactivate(me.id))


def test_a_setting_stored_on_its_own_is_checked_too(database):
    keeper_deactivated_elsewhere()
    with pytest.raises(SessionChanged, match="desactivó su usuario: no se guardó nada"):
        settings.put("lock_minutes", 7)
    assert settings.get("lock_minutes") != 7


def test_whatsapp_resume_test_message_and_token_are_checked_too(database):
    with session.acting_as(session.system_actor("tests")):
        notify_config._stop("190")
    keeper_deactivated_elsewhere()
    with pytest.raises(SessionChanged, match="desactivó su usuario"):
        notify_config.resume()
    with pytest.raises(SessionChanged, match="desactivó su usuario"):
        notify_config.queue_test("9988-7766")
    assert notify_config._stopped() is not None and not Outbox.select().exists()
    # the credential store is no database: she is read again before it is touched
    with pytest.raises(PermissionDenied, match="No tiene permiso"):
        notify_config.set_token("EAAG-secreto-de-prueba-0123456789abcdef")
    assert notify_config._token() is None
