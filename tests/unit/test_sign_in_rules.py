"""Issue 15, point 11: password rules after NIST SP 800-63B and sign-in messages that do
not tell which user names exist."""

from __future__ import annotations

import pytest

from patolab_desktop.services.access import auth, permissions, session, users
from patolab_desktop.services.errors import ValidationError
from tests.security_helpers import make_user, role_id


@pytest.mark.parametrize(
    "password,fragment",
    [
        ("corta-9ch", "al menos 10"),  # 9 characters
        ("mariposa", "al menos 10"),
        ("password123", "más usadas"),
        ("1234567890", "más usadas"),
        ("QWERTYUIOP", "más usadas"),  # case does not help
        ("Contraseña123", "más usadas"),
        ("RECEPCIONISTA", "nombre de usuario"),
        ("x" * 300, "como máximo"),
    ],
)
def test_weak_passwords_are_refused(password, fragment):
    errors = auth.validate_password(password, "recepcionista")
    assert fragment in errors["password"]


def test_long_uncommon_passwords_pass():
    for password in ("tres tristes tigres", "mi-gato-come-mango", "🙂 con acentos ñandú"):
        assert auth.validate_password(password, "recepcionista") == {}


def test_the_bundled_list_is_the_big_one():
    assert auth.common_password("dragon") and auth.common_password("iloveyou")
    from patolab_desktop.paths import resource

    lines = [
        line
        for line in resource("data", "common_passwords.txt").read_text("utf-8").splitlines()
        if line and not line.startswith("#")
    ]
    assert len(lines) >= 10_000


def test_every_way_to_set_a_password_applies_the_rules(database):
    with pytest.raises(ValidationError, match="más usadas"):
        auth.create_first_admin("jefa", "Jefa del laboratorio", "password123")
    with session.acting_as(session.system_actor("tests")):
        with pytest.raises(ValidationError):
            users.create(
                users.UserData(
                    username="ana", full_name="Ana", role_id=role_id(permissions.ROLE_RECEPTION)
                ),
                "qwertyuiop",
            )
        user_id = make_user("ana", permissions.ROLE_RECEPTION)
        with pytest.raises(ValidationError):
            users.reset_password(user_id, "1234567890")


@pytest.fixture(autouse=True)
def _no_remembered_unknown_names():
    auth._unknown_failures.clear()
    yield
    auth._unknown_failures.clear()


def _failure(username: str, password: str) -> str:
    with pytest.raises(auth.LoginFailed) as caught:
        auth.login(username, password)
    return type(caught.value).__name__ + ": " + str(caught.value)


def test_unknown_and_known_users_get_the_same_messages_and_lock_out(database):
    make_user("ana", permissions.ROLE_RECEPTION)
    known = [_failure("ana", "no-es-la-clave") for _ in range(7)]
    unknown = [_failure("fantasma", "no-es-la-clave") for _ in range(7)]
    assert known == unknown
    assert "Le queda 1 intento" in known[3]
    assert known[4].startswith("AccountLocked") and "ana" not in known[4]
    assert known[5].startswith("AccountLocked")


def test_unknown_user_costs_a_password_verification(database, monkeypatch):
    verified = []
    real = auth._verify
    monkeypatch.setattr(auth, "_verify", lambda h, p: verified.append(h) or real(h, p))
    _failure("fantasma", "no-es-la-clave")
    assert len(verified) == 1 and verified[0].startswith("$argon2id$")
