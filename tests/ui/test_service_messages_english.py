"""Issue 10 item 4: with English active, the messages and labels of the services are English.

Services raise their messages (``ValidationError``, ``RuleError``…) in the active language
through ``services/texts.py``; the screens show them as they come. Here real dialogs hit
real service rules with the English catalogue installed, and the shown text must be the
English one. Without a translator (the CLI, the other tests) the same calls give the
Spanish source. A last test scans the catalogue: every text marked in ``services/`` has a
finished English translation.
"""

from __future__ import annotations

import ast
import importlib.util
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from patolab_desktop import i18n, paths
from patolab_desktop.services import customers
from patolab_desktop.services import requests as requests_service
from patolab_desktop.services.access import audit, permissions, session, users
from patolab_desktop.services.catalog import referrer_types
from patolab_desktop.services.errors import PermissionDenied, RuleError, ValidationError
from patolab_desktop.services.safety import backups
from patolab_desktop.ui import prompts
from patolab_desktop.ui.admin.login_dialog import LoginDialog
from patolab_desktop.ui.admin.permission_matrix import (
    AREA_COLUMN,
    LABEL_COLUMN,
    PermissionMatrixModel,
)
from patolab_desktop.ui.referrers.types_dialog import ReferrerTypesDialog
from patolab_desktop.ui.requests.cancel_dialog import CancelRequestDialog
from patolab_desktop.util.translation import translate
from tests.security_helpers import (  # noqa: F401  (fixtures)
    clock,
    fast_hashing,
    login_as,
    make_user,
    no_session,
)

from .requests_helpers import acting, desk, make_request, move_to  # noqa: F401  (fixtures)
from .test_customer_dialog import fill_patient, open_dialog
from .test_translations import SPANISH_WORDS, english  # noqa: F401  (fixture: English active)

ROOT = Path(__file__).resolve().parents[2]
SERVICES = ROOT / "patolab_desktop" / "services"
DB = ROOT / "patolab_desktop" / "db"
# Spanish words that only appear in service messages; any of them in an English text
# means the text was not translated
MESSAGE_WORDS = {
    "obligatorio",
    "obligatoria",
    "debe",
    "escriba",
    "elija",
    "existe",
    "puede",
    "cliente",
    "clientes",
    "teléfono",
    "identidad",
    "remitente",
    "tipo",
    "solicitud",
    "está",
    "cancelar",
    "motivo",
    "tiene",
    "usuario",
    "contraseña",
}
WORD = re.compile(r"[A-Za-zÁÉÍÓÚÑáéíóúñü]+")


def spanish_words(text: str) -> list[str]:
    """The Spanish words (or accented letters) found in ``text``."""
    words = [
        w
        for w in WORD.findall(text)
        if w.lower() in SPANISH_WORDS | MESSAGE_WORDS and w not in ("No", "no")
    ]
    return words + re.findall(r"[áéíóúñ¿¡«»]", text)


@pytest.fixture
def shown(monkeypatch):
    """The message boxes the dialogs would open: (kind, title, text)."""
    calls = []
    for kind in ("error", "info"):
        monkeypatch.setattr(
            prompts, kind, lambda _parent, title, text, kind=kind: calls.append((kind, title, text))
        )
    monkeypatch.setattr(prompts, "confirm", lambda *args: True)
    return calls


# --- real dialogs, real service rules ---------------------------------------------------


def test_customer_dialog_shows_the_service_field_errors_in_english(qtbot, database, english, shown):  # noqa: F811
    dialog = open_dialog(qtbot)
    fill_patient(qtbot, dialog, phone="", id_number="0801-1990-12")  # no phone, short DNI
    assert dialog.save() is False
    phone, id_number = dialog.error_text("phone"), dialog.error_text("id_number")
    assert phone == "Enter the phone (it is the WhatsApp number)."
    assert id_number == "The DNI must have 13 digits; it has 10."  # the DNI chosen by default
    assert not spanish_words(phone) and not spanish_words(id_number)

    dialog.phone_edit.setText("12")
    dialog.id_number_edit.setText("0801199012345")
    assert dialog.save() is False
    assert dialog.error_text("phone") == (
        "The phone is not a valid number (e.g. 9988-7766 or +504 9988-7766)."
    )
    assert dialog.error_text("id_number") == ""
    assert shown == []


def test_cancel_dialog_shows_the_english_refusal_of_the_service(
    qtbot,
    desk,
    english,  # noqa: F811
    shown,
):
    request_id, number = make_request(desk["senior"], desk["doctor"], [desk["catalog"]["HEM"]])
    move_to(request_id, "in_progress")
    dialog = CancelRequestDialog(request_id, number, "in_progress")
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.set_reason("Ya no lo necesita")  # typed data stays as typed
    dialog.ok_button.click()
    expected = (
        f"Request {number} cannot be cancelled: it is “In progress”. Only pending "
        "requests or requests with the sample collected can be cancelled."
    )
    assert [text for _kind, _title, text in shown] == [expected]
    assert dialog.error.text() == expected and dialog.result() != dialog.DialogCode.Accepted
    assert requests_service.get(request_id).status == "in_progress"


def test_cancel_without_a_reason_is_refused_in_english_by_the_service(desk, english):  # noqa: F811
    request_id, _number = make_request(desk["senior"], desk["doctor"], [desk["catalog"]["GLU"]])
    with pytest.raises(ValidationError) as refused:
        requests_service.cancel(request_id, "   ")
    assert refused.value.fields == {"reason": "Enter the reason for the cancellation."}


def test_deleting_a_referrer_type_in_use_shows_the_english_rule(
    qtbot,
    desk,
    english,  # noqa: F811
    shown,
):
    dialog = ReferrerTypesDialog()
    qtbot.addWidget(dialog)
    in_use = next(r for r in referrer_types.list_all() if r["in_use"])
    assert dialog.select_id(in_use["id"])
    assert not dialog.delete_selected()
    ((kind, _title, text),) = shown
    assert kind == "error"
    assert in_use["in_use"] == 2  # the desk's two doctors
    assert text == (
        f"The type “{in_use['name']}” cannot be deleted: 2 referrers use it. "
        "It can only be renamed (or deactivated)."
    )
    assert not spanish_words(text.replace(in_use["name"], ""))
    assert referrer_types.find_by_name(in_use["name"]) == in_use["id"]


@pytest.mark.usefixtures("no_session", "fast_hashing")
def test_login_dialog_shows_the_english_login_failure(
    qtbot,
    database,
    clock,  # noqa: F811
    english,
):  # noqa: F811
    make_user("ana", permissions.ROLE_RECEPTION)
    dialog = LoginDialog()
    qtbot.addWidget(dialog)
    dialog.show()
    for _attempt in range(4):
        dialog.username_edit.setText("ana")
        dialog.password_edit.setText("equivocada")
        dialog.login_button.click()
    assert dialog.message_text() == (
        "Wrong username or password. You have 1 attempt left before the account is locked "
        "for 5 minutes."
    )
    dialog.password_edit.setText("equivocada")
    dialog.login_button.click()
    assert dialog.message_text() == (
        "The account is locked after too many failed attempts. Try again in 5 minutes."
    )
    assert session.current() is None


# --- labels the services give the screens -------------------------------------------------


@pytest.mark.usefixtures("no_session", "fast_hashing")
def test_permission_matrix_and_denials_are_english(
    qtmodeltester,
    database,
    clock,  # noqa: F811
    english,
):  # noqa: F811
    login_as(permissions.ROLE_ADMIN)
    model = PermissionMatrixModel()
    qtmodeltester.check(model)
    row = model.row_of("exports.run")
    assert model.data(model.index(row, LABEL_COLUMN)) == "Export data to CSV"
    first = model.row_of("patients.view")
    assert model.data(model.index(first, AREA_COLUMN)) == "Patients"
    # the audit detail stays in Spanish (data), the label the screen shows is English
    assert permissions.label("exports.run", translated=False) == "Exportar datos a CSV"
    login_as(permissions.ROLE_RECEPTION)
    with pytest.raises(PermissionDenied) as denied:
        users.list_users()
    # a seeded role named in the interface language, as the window's user label names it
    assert str(denied.value) == (
        "You do not have permission to manage users, roles and permissions. Your role "
        "(Reception) does not include it; ask an administrator to grant it."
    )


def test_audit_rows_users_status_and_backup_kinds_are_english(database, english):  # noqa: F811
    make_user("beto", permissions.ROLE_RECEPTION, must_change=True)
    rows = audit.page(audit.AuditFilter(entity="user"), audit.PageRequest()).rows
    created = next(r for r in rows if r["action"] == "create")
    assert (created["action_label"], created["entity_label"]) == ("Create", "User")
    # a new record lists its values (issue 16: the audit in words)
    assert "User: beto" in created["changes_lines"] and "Active: Yes" in created["changes_lines"]
    assert "Role: Reception" in created["changes_lines"]
    status = {r["username"]: r["status"] for r in users.list_users()}
    assert status["beto"] == "Active (must change password)"
    info = backups.BackupInfo(Path("x-20260301-090000-inicio.db"), None, "inicio", 1)
    assert info.kind_label == "automatic at start-up"
    # the label dicts keep the Spanish source (the request history stores it)
    assert requests_service.STATUS_LABELS["in_progress"] == "En proceso"
    assert requests_service.status_text("in_progress") == "In progress"


def test_without_the_english_catalogue_the_messages_stay_spanish(database, qapp):
    """Spanish is the source: the CLI (no translator) and the Spanish GUI get these."""
    i18n.install_translators(qapp, "es")
    try:
        errors = customers.validate(customers.CustomerData(type="cliente", first_name="Ana"))
        assert errors["phone"] == "Escriba el teléfono (es el número de WhatsApp)."
        with pytest.raises(RuleError) as refused:
            users.delete_role(users.roles()[0]["id"])
        assert str(refused.value) == "Los roles de fábrica no se pueden eliminar."
    finally:
        i18n.remove_translators(qapp)
    errors = customers.validate(customers.CustomerData(type="empresa", name="ACME"))
    assert errors["id_number"] == "Escriba el RTN de la empresa (14 dígitos)."


# --- the catalogue --------------------------------------------------------------------------


def _marked_texts(folder: Path = SERVICES) -> set[tuple[str, str]]:
    """(context, text) of every ``translate``/``QT_TRANSLATE_NOOP`` literal under ``folder``.

    A call whose context is not a literal fails: ``pyside6-lupdate`` cannot read it, so its
    text would silently never reach the catalogue."""
    found = set()
    for path in sorted(folder.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call) or len(node.args) != 2:
                continue
            func = node.func
            name = getattr(func, "id", None) or getattr(func, "attr", None)
            if name not in ("translate", "QT_TRANSLATE_NOOP"):
                continue
            context, text = node.args
            if isinstance(text, ast.Constant):
                assert isinstance(context, ast.Constant), (
                    f"{path.name}:{node.lineno}: the context must be a literal for lupdate"
                )
            if isinstance(context, ast.Constant) and isinstance(text, ast.Constant):
                found.add((context.value, text.value))
    return found


def _update_translations_script():
    spec = importlib.util.spec_from_file_location(
        "update_translations", ROOT / "scripts" / "update_translations.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_service_text_has_a_finished_english_translation():
    ts = paths.resource("translations", "patolab_en.ts")
    script = _update_translations_script()
    assert SERVICES in script.SOURCE_DIRS  # ``make translations`` reads the services too
    assert DB in script.SOURCE_DIRS  # and the database layer's messages
    assert script.unfinished(ts) == []
    catalogue = {}
    for context in ET.parse(ts).getroot().iter("context"):
        for message in context.iter("message"):
            catalogue[(context.findtext("name"), message.findtext("source"))] = (
                message.findtext("translation") or ""
            )
    marked = _marked_texts() | _marked_texts(DB)
    assert len(marked) > 300  # every message of every service, not a handful
    missing = sorted(key for key in marked if not catalogue.get(key, "").strip())
    assert not missing, f"service texts without English: {missing[:20]}"
    placeholders = re.compile(r"\{[^}]*\}")
    for key in marked:
        source, english_text = key[1], catalogue[key]
        assert set(placeholders.findall(source)) == set(placeholders.findall(english_text)), key
        # CLI words the user types (cliente, paciente, empresa) and data are allowed
        rest = re.sub(r"\b(cliente|paciente|empresa)\b", "", english_text)
        assert not spanish_words(rest), (key, english_text)


def test_the_scan_finds_marked_texts_and_the_checker_finds_spanish(tmp_path):
    """The checks themselves work: marked literals are found (an f-string is not one), and
    Spanish words in a text are reported."""
    (tmp_path / "sample.py").write_text(
        'translate("services.x", "Hola {n}").format(n=1)\n'
        'raise RuleError(f"Adiós {n}")\n'
        'LABELS = {"a": QT_TRANSLATE_NOOP("ServiceLabels", "Pendiente")}\n',
        encoding="utf-8",
    )
    assert _marked_texts(tmp_path) == {("services.x", "Hola {n}"), ("ServiceLabels", "Pendiente")}
    assert spanish_words("El cliente debe escribir") == ["El", "cliente", "debe"]
    assert spanish_words("The customer must write «x»") == ["«", "»"]
    assert spanish_words("No customers") == []


def test_patient_import_reasons_and_labels_are_english(database, english, tmp_path):  # noqa: F811
    from patolab_desktop.services.customers import import_file
    from patolab_desktop.services.customers import importing as patient_import

    path = tmp_path / "patients.csv"
    path.write_text(
        "name,phone,email,address\n"
        "Ana Paz,9988-7766,not-an-address,Barrio Abajo\n"
        f"Luis Cruz,9911-2233,,{'x' * 501}\n",
        encoding="utf-8",
    )
    with session.acting_as(session.system_actor("test")):
        plan = patient_import.analyse(path)
    assert [row.line for row in plan.created] == []
    bad_email, long_address = (row.reason for row in plan.rejected)
    assert "e-mail" in bad_email.lower() and not spanish_words(bad_email)
    assert long_address.startswith("Address: ") and not spanish_words(long_address)

    path.write_text("name,phone\nAna Paz,9988-7766\n", encoding="utf-8")
    with session.acting_as(session.system_actor("test")):
        plan = patient_import.analyse(path)
    (row,) = plan.created
    assert row.missing == ["age", "gender", "department", "municipality"]
    assert "phone" in import_file.missing_columns_message({"name": 0})


def test_database_layer_messages_are_english(english, tmp_path):  # noqa: F811
    from patolab_desktop.db import location
    from patolab_desktop.db.database import DatabaseOpenError, make_database

    with pytest.raises(DatabaseOpenError) as info:
        make_database(str(tmp_path / "missing" / "lab.db"))
    assert str(info.value).startswith("The database folder does not exist")
    refusal = location.refusal_message("/mnt/lab.db", "network drive Z:")
    assert "network folder" in refusal and not spanish_words(refusal.replace("Z:", ""))


def test_a_remembered_text_follows_the_language_the_desk_switches_to(qapp):
    """``translate`` remembers each text it gave (an import asks the same ones 100,000
    times); installing or removing the translators forgets them."""
    spanish = "Elija el género."
    assert translate("services.customers", spanish) == spanish
    try:
        i18n.install_translators(qapp, "en")
        assert translate("services.customers", spanish) == "Choose the gender."
    finally:
        i18n.remove_translators(qapp)
    assert translate("services.customers", spanish) == spanish
    i18n.install_translators(qapp, "es")
    try:
        assert translate("services.customers", spanish) == spanish
    finally:
        i18n.remove_translators(qapp)
