"""Ayuda → Guía rápida and Atajos de teclado (issue 16): a short guide for the front desk
and every keyboard shortcut, the menu ones read from the main window itself."""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QTableWidget,
    QTableWidgetItem,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from ..i18n import translate
from .icons import icon

CONTEXT = "help_dialogs"

GUIDE = QT_TRANSLATE_NOOP(
    "help_dialogs",
    "<h2>Guía rápida de recepción</h2>"
    "<ol>"
    "<li><b>Buscar o registrar al paciente.</b> En la pestaña <i>Clientes</i> escriba el "
    "nombre, el teléfono o la identidad: la lista se filtra al escribir. Si no está, "
    "<b>Ctrl+N</b> abre el registro; <b>Intro</b> guarda y <b>Esc</b> cancela.</li>"
    "<li><b>Corregir un dato.</b> Elija al paciente con las flechas y pulse <b>Intro</b> o "
    "<b>F2</b>. Si no ve la identidad completa, déjela como está: se conserva.</li>"
    "<li><b>Nueva solicitud.</b> En la pestaña <i>Solicitudes</i>, <b>Ctrl+N</b>. Escriba el "
    "paciente, el médico y cada investigación y elija con <b>Intro</b>; un perfil agrega sus "
    "investigaciones. El total y los descuentos por edad se calculan solos. "
    "<b>Ctrl+S</b> guarda.</li>"
    "<li><b>Imprimir.</b> Tras guardar: <b>Ctrl+P</b> resumen para el paciente, <b>Ctrl+E</b> "
    "etiquetas de tubos. Desde la vista previa puede imprimir o guardar en PDF.</li>"
    "<li><b>Agregar, quitar o cancelar.</b> Abra la solicitud desde la lista (<b>Intro</b>): "
    "<i>Agregar investigación</i>, <i>Quitar investigación</i> o <i>Cancelar solicitud</i> "
    "con su motivo. Las completadas y canceladas no se modifican.</li>"
    "<li><b>Al levantarse del puesto.</b> <b>Ctrl+L</b> bloquea la pantalla; se desbloquea "
    "con su contraseña.</li>"
    "</ol>"
    "<p>Lo que su rol no puede hacer aparece desactivado o con un mensaje que lo explica. "
    "Cada acción queda en la auditoría con su nombre.</p>",
)

# keys that belong to a screen (the menu ones are read from the window)
SCREEN_KEYS = (
    ("Ctrl+F", QT_TRANSLATE_NOOP("help_dialogs", "Ir al cuadro de búsqueda")),
    (
        "Ctrl+N",
        QT_TRANSLATE_NOOP(
            "help_dialogs",
            "Nuevo en la pestaña actual: cliente, solicitud, remitente o investigación",
        ),
    ),
    ("Intro", QT_TRANSLATE_NOOP("help_dialogs", "Abrir o editar la fila elegida; elegir")),
    (
        "F2",
        QT_TRANSLATE_NOOP(
            "help_dialogs", "Editar la fila elegida; en la solicitud, paciente nuevo"
        ),
    ),
    ("F3", QT_TRANSLATE_NOOP("help_dialogs", "En la solicitud, médico o institución nuevo")),
    ("Ctrl+S", QT_TRANSLATE_NOOP("help_dialogs", "Guardar (también Ctrl+Intro)")),
    ("Esc", QT_TRANSLATE_NOOP("help_dialogs", "Cancelar o cerrar sin guardar")),
    ("Supr", QT_TRANSLATE_NOOP("help_dialogs", "Desactivar la fila elegida o quitar la línea")),
    ("Ctrl+P", QT_TRANSLATE_NOOP("help_dialogs", "Resumen de la solicitud (vista previa)")),
    ("Ctrl+E", QT_TRANSLATE_NOOP("help_dialogs", "Etiquetas de tubos de la solicitud")),
    ("F5", QT_TRANSLATE_NOOP("help_dialogs", "Volver a leer la lista")),
    (
        "Ctrl+Inicio / Ctrl+Fin",
        QT_TRANSLATE_NOOP("help_dialogs", "Primera / última fila de toda la lista"),
    ),
)
KEY_NAMES = {
    "Intro": QT_TRANSLATE_NOOP("help_dialogs", "Intro"),
    "Supr": QT_TRANSLATE_NOOP("help_dialogs", "Supr"),
    "Esc": "Esc",
}


def _key_text(keys: str) -> str:
    if keys in KEY_NAMES:
        return translate(CONTEXT, KEY_NAMES[keys])
    if keys.startswith("Ctrl+Inicio"):
        return translate("help_dialogs", "Ctrl+Inicio / Ctrl+Fin")
    return QKeySequence(keys).toString(QKeySequence.SequenceFormat.NativeText)


def menu_shortcuts(window) -> list[tuple[str, str]]:
    """(keys, menu → entry) for every visible menu entry with a shortcut."""
    rows = []
    for menu_action in window.menuBar().actions():
        menu = menu_action.menu()
        if menu is None or not menu_action.isVisible():
            continue
        for action in menu.actions():
            if action.isSeparator() or not action.isVisible():
                continue
            text, _tab, shown = action.text().partition("\t")
            keys = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText) or shown
            if keys:
                where = f"{menu_action.text().replace('&', '')} → {text.replace('&', '')}"
                rows.append((keys, where.rstrip("…")))
    return rows


def shortcut_rows(window=None) -> list[tuple[str, str]]:
    rows = [(_key_text(keys), translate(CONTEXT, what)) for keys, what in SCREEN_KEYS]
    if window is not None:
        rows += menu_shortcuts(window)
    return rows


def _dialog(parent: QWidget | None, title: str, icon_name: str) -> tuple[QDialog, QVBoxLayout]:
    dialog = QDialog(parent)
    dialog.setObjectName(icon_name + "_dialog")
    dialog.setWindowTitle(title)
    dialog.setWindowIcon(icon(icon_name))
    layout = QVBoxLayout(dialog)
    return dialog, layout


def _close_button(dialog: QDialog, layout: QVBoxLayout) -> None:
    buttons = QDialogButtonBox(dialog)
    close = buttons.addButton(
        translate("help_dialogs", "&Cerrar"), QDialogButtonBox.ButtonRole.RejectRole
    )
    close.setDefault(True)
    buttons.rejected.connect(dialog.reject)
    layout.addWidget(buttons)


def quick_guide(parent: QWidget | None = None) -> QDialog:
    dialog, layout = _dialog(parent, translate("help_dialogs", "Guía rápida"), "app")
    browser = QTextBrowser(dialog)
    browser.setObjectName("guide_text")
    browser.setHtml(translate(CONTEXT, GUIDE))
    layout.addWidget(browser)
    _close_button(dialog, layout)
    dialog.resize(640, 520)
    return dialog


def shortcuts(parent: QWidget | None = None, window=None) -> QDialog:
    dialog, layout = _dialog(parent, translate("help_dialogs", "Atajos de teclado"), "app")
    rows = shortcut_rows(window)
    table = QTableWidget(len(rows), 2, dialog)
    table.setObjectName("shortcuts_table")
    table.setHorizontalHeaderLabels(
        [translate("help_dialogs", "Teclas"), translate("help_dialogs", "Qué hace")]
    )
    for row, (keys, what) in enumerate(rows):
        for column, text in enumerate((keys, what)):
            item = QTableWidgetItem(text)
            item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
            table.setItem(row, column, item)
    table.verticalHeader().hide()
    table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
    table.horizontalHeader().setStretchLastSection(True)
    table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
    layout.addWidget(table)
    _close_button(dialog, layout)
    dialog.resize(640, 520)
    return dialog
