"""Issue 16: both languages are complete. Every window and dialog is opened in Spanish and
in English, with data in it (a request whose history has additions, removals and a
cancellation; exports and prints in the audit trail; genders and roles on screen), and
every visible text — table cells included — is checked against the other language's
word list. Stored Spanish phrases (history, audit details), genders and role names are
NOT accepted as "data": they must be shown in the language of the interface."""

from __future__ import annotations

import re

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QMainWindow,
    QTextBrowser,
    QWidget,
)

from patolab_desktop import i18n
from patolab_desktop.db import models
from patolab_desktop.services import requests as requests_service
from patolab_desktop.services.access import audit, permissions, session
from patolab_desktop.services.requests import reports
from patolab_desktop.ui.admin import login_flow
from patolab_desktop.ui.main_window import MainWindow
from tests.security_helpers import login_as, no_session  # noqa: F401 (fixture)

from .requests_helpers import acting, desk, make_request  # noqa: F401 (fixtures)
from .test_translations import (
    ALLOWED,
    PROPER_NOUNS,
    SPANISH_WORDS,
    WORD,
    _catalogue_sources,
    _plain,
    _texts_of,
    _windows,
    untranslated,
)

ENGLISH_WORDS = {
    "the",
    "and",
    "of",
    "with",
    "without",
    "for",
    "from",
    "to",
    "new",
    "save",
    "cancel",
    "close",
    "search",
    "request",
    "requests",
    "patient",
    "patients",
    "customer",
    "customers",
    "name",
    "phone",
    "date",
    "status",
    "price",
    "notes",
    "referrer",
    "referrers",
    "test",
    "tests",
    "branch",
    "branches",
    "add",
    "remove",
    "edit",
    "deactivate",
    "user",
    "users",
    "password",
    "file",
    "help",
    "export",
    "import",
    "refresh",
    "show",
    "include",
    "summary",
    "labels",
    "preview",
    "doctor",
    "age",
    "years",
    "female",
    "male",
    "other",
    "reception",
    "administrator",
    "discount",
    "reason",
    "net",
    "yes",
    "all",
    "pending",
    "cancelled",
    "completed",
    "login",
    "printed",
    "saved",
    "rows",
    "unknown",
    "settings",
    "ok",
}
# (words both languages share — "no", "total", "error" — are not in the list)
# Spanish texts that keep English on purpose
ALLOWED_ES = {"Idioma / Language…", "Idioma / Language", "English", "Email", "PATH_OR_URL"}
# stored Spanish values that have a translation (genders, seeded roles)
SEEDED_SPANISH = {"mujer", "hombre", "otro", "administrador", "recepción", "sistema"}
# data shown as typed in the test (names of people, places, tests, reasons)
NOT_DATA = {models.Gender, models.Role, models.AuditLog, models.RequestEvent, models.Setting}


def _data_texts() -> list[str]:
    values = set()
    for model in models.ALL_MODELS:
        if model in NOT_DATA:
            continue
        fields = [f for f in model._meta.sorted_fields if f.field_type in ("VARCHAR", "TEXT")]
        if not fields:
            continue
        for row in model.select(*fields).tuples().iterator():
            values.update(v.strip() for v in row if isinstance(v, str) and len(v.strip()) > 2)
    return sorted(values, key=len, reverse=True)


def _cell_texts(widget: QWidget, rows: int = 40):
    for browser in widget.findChildren(QTextBrowser):  # the quick guide
        for paragraph in browser.toPlainText().splitlines():
            yield "QTextBrowser", paragraph
    for view in [widget, *widget.findChildren(QAbstractItemView)]:
        if not isinstance(view, QAbstractItemView) or view.model() is None:
            continue
        if isinstance(view, QHeaderView) or not view.isVisibleTo(widget):
            continue
        model = view.model()
        for row in range(min(model.rowCount(), rows)):
            for column in range(model.columnCount()):
                value = model.data(model.index(row, column), Qt.ItemDataRole.DisplayRole)
                if isinstance(value, str):
                    yield f"{type(view).__name__} cell", value


def _history(desk) -> dict:  # noqa: F811
    """A request with additions, removals and a status change; another cancelled; prints
    and an export in the audit trail."""
    ids = desk["catalog"]
    request_id, number = make_request(desk["senior"], desk["doctor"], [ids["LIP"], ids["GLU"]])
    requests_service.add_investigation(request_id, ids["EGO"], by="tests")
    requests_service.remove_investigation(request_id, ids["GLU"], by="tests")
    requests_service.advance(request_id, by="tests")
    other, _ = make_request(desk["young"], desk["doctor"], [ids["HEM"]])
    requests_service.cancel(other, "Duplicada", by="tests")
    reports.record_print("lab_request", request_id, f"Vista previa del resumen {number}")
    reports.record_print("lab_request", request_id, f"Etiquetas {number} guardadas en PDF")
    audit._write("export", "customer", None, detail="Exportación de clientes a c.csv: 3 filas.")
    return {"request": request_id, "number": number}


def english_left(widget: QWidget, data: list[str]) -> list[str]:
    problems = []
    texts = list(_texts_of(widget)) + list(_cell_texts(widget))
    for where, raw in texts:
        text = _plain(raw)
        if not text or text in ALLOWED_ES or text in PROPER_NOUNS or text in data:
            continue
        rest = re.sub(r"\w+_\w+", " ", text)  # internal names are the audit viewer's matter
        for value in data:
            if value in rest:
                rest = rest.replace(value, " ")
        for noun in PROPER_NOUNS | ALLOWED_ES:
            rest = rest.replace(noun, " ")
        words = [w.lower() for w in WORD.findall(rest)]
        found = sorted({w for w in words if w in ENGLISH_WORDS})
        if found:
            problems.append(f"{where}: {text!r} ({', '.join(found)})")
    return sorted(set(problems))


def spanish_left(widget: QWidget, data: list[str], sources: set[str]) -> list[str]:
    cells = QWidget()
    problems = untranslated(widget, data, sources)
    for where, raw in _cell_texts(widget):
        text = _plain(raw)
        if not text or text in data or text in ALLOWED:
            continue
        rest = text
        for value in data:
            rest = rest.replace(value, " ")
        for noun in PROPER_NOUNS:
            rest = rest.replace(noun, " ")
        words = WORD.findall(rest)
        if any(w.lower() in SEEDED_SPANISH for w in words):
            problems.append(f"{where}: {text!r}")
            continue
        if (
            re.search(r"[áéíóúñ¿¡]", rest)
            or any(w.lower() in SPANISH_WORDS for w in words if len(w) > 3)
            or any(w in SPANISH_WORDS for w in words)
        ):
            problems.append(f"{where}: {text!r}")
    cells.deleteLater()
    return sorted(set(problems))


def _main_window(qtbot, role):
    actor = login_as(role)
    window = MainWindow(db_label="prueba.db")
    qtbot.addWidget(window)
    login_flow.install_admin(window, actor, lock_minutes=0)
    window.apply_permissions(session.has)
    window.show()
    for index in range(window.tabs.count()):
        window.tabs.setCurrentIndex(index)
    window.tab("requests").show_list()
    return window


def _open_everything(qtbot, desk, check, monkeypatch):  # noqa: F811
    from patolab_desktop.ui import prompts

    for name in ("info", "error"):
        monkeypatch.setattr(prompts, name, lambda *a, **k: None)
    monkeypatch.setattr(prompts, "confirm", lambda *a, **k: False)
    history = _history(desk)
    report = []
    windows = dict(_windows(desk))
    from patolab_desktop.ui.requests.request_detail import RequestDetailDialog

    windows["request detail (history)"] = lambda: RequestDetailDialog(history["request"])
    from patolab_desktop.ui import help_dialogs

    windows["quick guide"] = help_dialogs.quick_guide
    windows["keyboard shortcuts"] = help_dialogs.shortcuts
    data = _data_texts()
    for title, build in windows.items():
        widget = build()
        qtbot.addWidget(widget)
        widget.show()
        if isinstance(widget, QMainWindow):
            for index in range(widget.tabs.count()):
                widget.tabs.setCurrentIndex(index)
        report += [f"{title}: {p}" for p in check(widget, data)]
        widget.close()
    with session.acting_as(None):
        for role in (permissions.ROLE_RECEPTION, permissions.ROLE_ADMIN):
            window = _main_window(qtbot, role)
            report += [f"main window as {role}: {p}" for p in check(window, data)]
            window.close()
    return report


def test_spanish_shows_no_english(qtbot, qapp, desk, monkeypatch, fast_hashing):  # noqa: F811
    assert i18n.install_translators(qapp, "es") == "es"  # Qt's own buttons in Spanish too
    try:
        report = _open_everything(qtbot, desk, english_left, monkeypatch)
    finally:
        i18n.remove_translators(qapp)
    assert not report, "English left in the Spanish interface:\n" + "\n".join(report)


def test_english_shows_no_spanish(qtbot, qapp, desk, monkeypatch, fast_hashing):  # noqa: F811
    sources = _catalogue_sources()
    assert i18n.install_translators(qapp, "en") == "en"
    try:
        report = _open_everything(
            qtbot, desk, lambda widget, data: spanish_left(widget, data, sources), monkeypatch
        )
    finally:
        i18n.remove_translators(qapp)
    assert not report, "Spanish left in the English interface:\n" + "\n".join(report)


def test_english_translates_stored_values(qtbot, qapp, desk, monkeypatch, fast_hashing):  # noqa: F811
    """The checker's blind spots made explicit: genders, roles, history and audit details."""
    from patolab_desktop.services import customers
    from patolab_desktop.services.paging import PageRequest
    from patolab_desktop.ui.requests.request_detail import RequestDetailDialog

    history = _history(desk)
    assert i18n.install_translators(qapp, "en") == "en"
    try:
        genders = {
            name
            for _id, name in __import__(
                "patolab_desktop.services.reference", fromlist=["genders"]
            ).genders()
        }
        assert genders == {"Female", "Male", "Other"}
        rows = customers.page(customers.CustomerFilter(), PageRequest(limit=10)).rows
        assert {row["gender"] for row in rows} <= {"Female", "Male"}
        assert permissions.role_label("Recepción") == "Reception"
        assert permissions.role_label("Caja") == "Caja"  # a role someone named stays
        dialog = RequestDetailDialog(history["request"])
        qtbot.addWidget(dialog)
        details = [row["detail"] for row in dialog.events_model.rows()]
        assert any(d.startswith(f"Request {history['number']}: ") for d in details), details
        assert any("Sample collected" in d for d in details), details
        assert any(". Net: L" in d for d in details), details
        detail_rows = audit.page(audit.AuditFilter(action="export"), PageRequest(limit=5)).rows
        assert detail_rows[0]["detail"] == "Customers exported to c.csv: 3 rows."
        with session.acting_as(None):
            window = _main_window(qtbot, permissions.ROLE_RECEPTION)
            user = window.findChild(QWidget, "session_user").text()
            assert user.endswith("· Reception"), user
            window.close()
    finally:
        i18n.remove_translators(qapp)
    assert permissions.role_label("Recepción") == "Recepción"  # Spanish again


def test_export_messages_are_english(qtbot, qapp, desk, tmp_path, fast_hashing, monkeypatch):  # noqa: F811
    """The export's closing message used to say "clientes" in the English interface."""
    from patolab_desktop.ui import prompts
    from patolab_desktop.ui.customers import area as customers_area
    from patolab_desktop.ui.customers import import_area

    said = []
    monkeypatch.setattr(prompts, "info", lambda parent, title, text: said.append(text))
    monkeypatch.setattr(prompts, "error", lambda parent, title, text: said.append(text))
    answers = iter([str(tmp_path / "c.csv"), str(tmp_path / "p.csv")])
    monkeypatch.setattr(prompts, "save_file", lambda *a, **k: next(answers))
    assert i18n.install_translators(qapp, "en") == "en"
    try:
        with session.acting_as(None):
            window = _main_window(qtbot, permissions.ROLE_ADMIN)
            customers_area.export_customers(window)
            import_area.export_patients(window)
            window.close()
    finally:
        i18n.remove_translators(qapp)
    assert len(said) == 2, said
    assert "customers" in said[0] and "clientes" not in said[0]
    assert "patients" in said[1] and "pacientes" not in said[1].replace("pacientes.csv", "")
