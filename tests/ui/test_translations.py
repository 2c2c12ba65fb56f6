"""Issue 10 item 4: every visible text goes through the translation catalogue.

With English active every window and dialog is opened and all its visible texts are
collected (labels, buttons, group boxes, placeholders, menu and widget actions, tab texts,
table headers, combo items, window titles, tooltips). A text still in Spanish fails the
test, listed with the widget it was found on. Data from the database (names, places, test
names…) and proper nouns are allowed. Also: Spanish is the default language and Qt's own
texts (standard dialog buttons) come out in Spanish with it.
"""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as ET

import pytest
from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QComboBox,
    QDialogButtonBox,
    QGroupBox,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMenu,
    QMessageBox,
    QPlainTextEdit,
    QTabWidget,
    QTextEdit,
    QWidget,
)

from patolab_desktop import i18n, local_settings, paths
from patolab_desktop.db import models
from patolab_desktop.services import catalog as catalog_service
from patolab_desktop.services import requests as requests_service
from patolab_desktop.ui import prompts

from .requests_helpers import acting, desk, make_request  # noqa: F401  (fixtures)

PROPER_NOUNS = {
    "PatoLab",
    "PatoLab Desktop",
    "Honduras",
    "WhatsApp",
    "RTN",
    "DNI",
    "CSV",
    "PDF",
    "SQLite",
    "PostgreSQL",
    "Code",
    "EDTA",
    "Letter",
    "A4",
    "URL",
    "STAT",
    "Español",
}
SPANISH_WORDS = {
    "de",
    "del",
    "la",
    "las",
    "el",
    "los",
    "por",
    "para",
    "con",
    "sin",
    "una",
    "uno",
    "que",
    "es",
    "se",
    "su",
    "sus",
    "al",
    "y",
    "o",
    "en",
    "nuevo",
    "nueva",
    "buscar",
    "guardar",
    "cancelar",
    "cerrar",
    "solicitud",
    "solicitudes",
    "paciente",
    "pacientes",
    "nombre",
    "teléfono",
    "correo",
    "fecha",
    "todos",
    "todas",
    "estado",
    "precio",
    "notas",
    "remitente",
    "investigación",
    "investigaciones",
    "sucursal",
    "cliente",
    "clientes",
    "agregar",
    "quitar",
    "editar",
    "desactivar",
    "aceptar",
    "sí",
    "tipo",
    "motivo",
    "descuento",
    "neto",
    "usuario",
    "contraseña",
    "archivo",
    "ayuda",
    "exportar",
    "importar",
    "actualizar",
    "desde",
    "hasta",
    "mostrar",
    "incluir",
    "resumen",
    "etiquetas",
    "vista",
    "previa",
    "médico",
    "edad",
    "años",
}
# English texts that keep Spanish on purpose: the import reads Spanish column headers.
ALLOWED = {
    "Accepted columns (Spanish headers; case and accents do not matter): nombre, teléfono "
    "(required), correo, identidad/DNI/RTN, tipo, género, edad, fecha de nacimiento, "
    "departamento, municipio, dirección, notas. 5 MB at most.",
}
SPANISH_CHARS = re.compile(r"[áéíóúñÁÉÍÓÚÑ¿¡«»]")
WORD = re.compile(r"[A-Za-zÁÉÍÓÚÑáéíóúñü]+")


def _plain(text: str) -> str:
    text = re.sub(r"<[^>]+>", " ", text or "")
    text = html.unescape(text).replace("&&", "\0").replace("&", "").replace("\0", "&")
    return text.split("\t")[0].strip()


def _catalogue_sources() -> set[str]:
    """Spanish sources the English catalogue translates differently (a sure sign if seen)."""
    ts = paths.resource("translations", "patolab_en.ts")
    found = set()
    for message in ET.parse(ts).getroot().iter("message"):
        source = _plain(message.findtext("source") or "")
        target = _plain(message.findtext("translation") or "")
        if source and source != target and "{" not in source:
            found.add(source)
    return found


def _database_texts() -> list[str]:
    """Every text value stored in the test database: data is shown as it is."""
    values = set()
    for model in models.ALL_MODELS:
        text_fields = [
            f for f in model._meta.sorted_fields if f.field_type in ("VARCHAR", "TEXT", "CHAR")
        ]
        if not text_fields:
            continue
        for row in model.select(*text_fields).tuples().iterator():
            values.update(v.strip() for v in row if isinstance(v, str) and len(v.strip()) > 2)
    return sorted(values, key=len, reverse=True)


def _texts_of(widget: QWidget):
    """(where, text) for every visible text of ``widget`` and its children."""
    widgets = [widget, *widget.findChildren(QWidget)]
    for w in widgets:
        name = type(w).__name__
        if w.isWindow() and w.windowTitle():
            yield f"{name}.windowTitle", w.windowTitle()
        if w.toolTip():
            yield f"{name}.toolTip", w.toolTip()
        if isinstance(w, QLabel):
            yield "QLabel", w.text()
        elif isinstance(w, QAbstractButton):
            yield f"{name}.text", w.text()
        elif isinstance(w, QGroupBox):
            yield "QGroupBox.title", w.title()
        if isinstance(w, QLineEdit):
            yield "QLineEdit.placeholder", w.placeholderText()
        if isinstance(w, (QPlainTextEdit, QTextEdit)):
            yield f"{name}.placeholder", w.placeholderText()
        if isinstance(w, QComboBox):
            for i in range(w.count()):
                yield "QComboBox.item", w.itemText(i)
        if isinstance(w, QTabWidget):
            for i in range(w.count()):
                yield "QTabWidget.tabText", w.tabText(i)
                yield "QTabWidget.tabToolTip", w.tabToolTip(i)
        if isinstance(w, QAbstractItemView) and w.model() is not None:
            model = w.model()
            for section in range(model.columnCount()):
                yield "header", str(model.headerData(section, Qt.Orientation.Horizontal) or "")
        for action in w.actions():
            yield "QAction.text", action.text()
            yield (
                "QAction.toolTip",
                action.toolTip() if action.toolTip() != action.text().replace("&", "") else "",
            )
            yield "QAction.statusTip", action.statusTip()
        if isinstance(w, QMenu):
            for action in w.actions():
                yield "QMenu.action", action.text()
    if isinstance(widget, QMainWindow):
        for action in widget.menuBar().actions():
            yield "menu", action.text()
            menu = action.menu()
            if menu is not None:
                for item in menu.actions():
                    yield "menu item", item.text()


def untranslated(widget: QWidget, data: list[str], sources: set[str]) -> list[str]:
    problems = []
    for where, raw in _texts_of(widget):
        text = _plain(raw)
        if not text or not WORD.search(text) or text in PROPER_NOUNS:
            continue
        if text in data or text in ALLOWED:
            continue
        if text in sources:
            problems.append(f"{where}: {text!r}")
            continue
        rest = text
        for value in data:
            if value in rest:
                rest = rest.replace(value, " ")
        for noun in PROPER_NOUNS:
            rest = rest.replace(noun, " ")
        words = WORD.findall(rest)
        if SPANISH_CHARS.search(rest) or any(
            w in SPANISH_WORDS or (len(w) > 3 and w.lower() in SPANISH_WORDS) for w in words
        ):
            problems.append(f"{where}: {text!r}")
    return sorted(set(problems))


@pytest.fixture
def english(qapp):
    assert i18n.install_translators(qapp, "en") == "en"
    yield
    i18n.remove_translators(qapp)


@pytest.fixture
def no_prompts(monkeypatch):
    for name in ("info", "error"):
        monkeypatch.setattr(prompts, name, lambda *args, **kwargs: None)
    monkeypatch.setattr(prompts, "confirm", lambda *args, **kwargs: False)


def _windows(desk):  # noqa: F811
    """Every main window and dialog, built on the test data (constructed lazily)."""
    from patolab_desktop.ui.admin.audit_viewer import AuditViewer
    from patolab_desktop.ui.admin.change_password_dialog import ChangePasswordDialog
    from patolab_desktop.ui.admin.first_admin_dialog import FirstAdminDialog
    from patolab_desktop.ui.admin.language_dialog import LanguageDialog
    from patolab_desktop.ui.admin.login_dialog import LoginDialog
    from patolab_desktop.ui.admin.permission_matrix import PermissionMatrixDialog
    from patolab_desktop.ui.admin.users_window import UserDialog, UsersWindow
    from patolab_desktop.ui.catalog.branches_dialog import BranchDialog, BranchesDialog
    from patolab_desktop.ui.catalog.investigation_dialog import InvestigationDialog
    from patolab_desktop.ui.catalog.price_history import PriceHistoryDialog
    from patolab_desktop.ui.customers.customer_dialog import CustomerDialog
    from patolab_desktop.ui.customers.import_dialog import ImportDialog
    from patolab_desktop.ui.main_window import MainWindow
    from patolab_desktop.ui.printing.lab_header_dialog import LabHeaderDialog
    from patolab_desktop.ui.printing.period_dialog import PeriodReportDialog
    from patolab_desktop.ui.referrers.referrer_dialog import ReferrerDialog
    from patolab_desktop.ui.referrers.types_dialog import ReferrerTypesDialog
    from patolab_desktop.ui.requests.add_investigation_dialog import AddInvestigationDialog
    from patolab_desktop.ui.requests.cancel_dialog import CancelRequestDialog
    from patolab_desktop.ui.requests.remove_investigation_dialog import RemoveInvestigationDialog
    from patolab_desktop.ui.requests.request_detail import RequestDetailDialog
    from patolab_desktop.ui.requests.request_entry import RequestEntry

    ids = desk["catalog"]
    request_id, number = make_request(desk["senior"], desk["doctor"], [ids["LIP"], ids["GLU"]])
    panel = catalog_service.get(ids["LIP"]).id
    return {
        "main window": lambda: MainWindow(db_label="prueba.db"),
        "customer dialog (new)": lambda: CustomerDialog(),
        "customer dialog (edit)": lambda: CustomerDialog(customer_id=desk["senior"]),
        "referrer dialog (new)": lambda: ReferrerDialog(),
        "referrer dialog (edit)": lambda: ReferrerDialog(referrer_id=desk["doctor"]),
        "referrer types": lambda: ReferrerTypesDialog(),
        "investigation dialog (new)": lambda: InvestigationDialog(),
        "investigation dialog (panel)": lambda: InvestigationDialog(panel),
        "price history": lambda: PriceHistoryDialog(ids["GLU"]),
        "branches": lambda: BranchesDialog(),
        "branch dialog": lambda: BranchDialog(),
        "request entry": lambda: RequestEntry(),
        "request detail": lambda: RequestDetailDialog(request_id),
        "cancel request": lambda: CancelRequestDialog(request_id, number, "pending"),
        "add investigation": lambda: AddInvestigationDialog(request_id),
        "remove investigation": lambda: RemoveInvestigationDialog(request_id),
        "import dialog": lambda: ImportDialog(),
        "period report": lambda: PeriodReportDialog(),
        "lab header": lambda: LabHeaderDialog(),
        "login": lambda: LoginDialog(),
        "first administrator": lambda: FirstAdminDialog(),
        "change password": lambda: ChangePasswordDialog(),
        "users": lambda: UsersWindow(),
        "user dialog": lambda: UserDialog(),
        "permissions": lambda: PermissionMatrixDialog(),
        "audit log": lambda: AuditViewer(),
        "language": lambda: LanguageDialog("en"),
    }


def test_every_visible_text_is_translated_in_english(qtbot, desk, english, no_prompts):  # noqa: F811
    sources = _catalogue_sources()
    data = _database_texts()
    report = []
    for title, build in _windows(desk).items():
        widget = build()
        qtbot.addWidget(widget)
        widget.show()
        if isinstance(widget, QMainWindow):
            for index in range(widget.tabs.count()):  # every tab builds its contents
                widget.tabs.setCurrentIndex(index)
        report += [f"{title}: {problem}" for problem in untranslated(widget, data, sources)]
        widget.close()
    assert not report, "Texts not translated to English:\n" + "\n".join(report)


def test_the_checker_finds_a_spanish_text(qtbot, english):
    """The check itself works: an untranslated Spanish label is reported."""
    widget = QWidget()
    qtbot.addWidget(widget)
    QLabel("Guardar la solicitud", widget)
    QLabel(QCoreApplication.translate("prompts", "Aceptar"), widget)  # translated: "OK"
    assert untranslated(widget, [], _catalogue_sources()) == ["QLabel: 'Guardar la solicitud'"]


def test_spanish_is_the_default_and_saved_in_local_settings(qapp):
    assert local_settings.load().language == "es"
    assert i18n.saved_language() == "es"
    assert i18n.install_translators(qapp) == "es"
    try:
        assert QCoreApplication.translate("prompts", "Aceptar") == "Aceptar"
        assert i18n.save_language("en") == "en"
        assert i18n.saved_language() == "en"
        assert local_settings.load().language == "en"
        assert i18n.save_language("fr") == "es"  # unknown languages fall back to Spanish
    finally:
        i18n.remove_translators(qapp)


def test_qt_standard_buttons_are_spanish_with_spanish_and_english_with_english(qtbot, qapp):
    def texts():
        box = QMessageBox(
            QMessageBox.Icon.Question,
            "t",
            "x",
            QMessageBox.StandardButton.Ok | QMessageBox.StandardButton.Cancel,
        )
        qtbot.addWidget(box)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Close
        )
        qtbot.addWidget(buttons)
        return (
            _plain(box.button(QMessageBox.StandardButton.Ok).text()),
            _plain(box.button(QMessageBox.StandardButton.Cancel).text()),
            _plain(buttons.button(QDialogButtonBox.StandardButton.Close).text()),
        )

    try:
        i18n.install_translators(qapp, "es")
        assert texts() == ("Aceptar", "Cancelar", "Cerrar")
        i18n.install_translators(qapp, "en")
        assert texts() == ("OK", "Cancel", "Close")
        assert (
            QCoreApplication.translate("requests.request_entry", "Nueva solicitud") == "New request"
        )
        assert requests_service.STATUS_LABELS["pending"] == "Pendiente"  # services stay Spanish
    finally:
        i18n.remove_translators(qapp)


def test_catalogue_is_complete():
    """Every text in patolab_en.ts has a finished English translation."""
    root = ET.parse(paths.resource("translations", "patolab_en.ts")).getroot()
    unfinished = [
        m.findtext("source")
        for m in root.iter("message")
        if m.find("translation").get("type") == "unfinished"
        or not (m.findtext("translation") or "").strip()
    ]
    assert not unfinished
    assert paths.resource("translations", "patolab_en.qm").stat().st_size > 0
