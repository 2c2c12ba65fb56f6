"""Every question or message box goes through here, so tests patch one place."""

from __future__ import annotations

from PySide6.QtWidgets import QInputDialog, QMessageBox, QWidget

from ..i18n import translate


def confirm(parent: QWidget | None, title: str, text: str) -> bool:
    box = QMessageBox(QMessageBox.Icon.Question, title, text, parent=parent)
    yes = box.addButton(translate("prompts", "Sí"), QMessageBox.ButtonRole.YesRole)
    no = box.addButton(translate("prompts", "No"), QMessageBox.ButtonRole.NoRole)
    box.setDefaultButton(no)
    box.setEscapeButton(no)
    box.exec()
    return box.clickedButton() is yes


def info(parent: QWidget | None, title: str, text: str) -> None:
    box = QMessageBox(QMessageBox.Icon.Information, title, text, parent=parent)
    box.addButton(translate("prompts", "Aceptar"), QMessageBox.ButtonRole.AcceptRole)
    box.exec()


def error(parent: QWidget | None, title: str, text: str) -> None:
    box = QMessageBox(QMessageBox.Icon.Warning, title, text, parent=parent)
    box.addButton(translate("prompts", "Aceptar"), QMessageBox.ButtonRole.AcceptRole)
    box.exec()


def ask_text(parent: QWidget | None, title: str, label: str, text: str = "") -> str | None:
    value, ok = QInputDialog.getText(parent, title, label, text=text)
    return value if ok else None


def save_file(parent: QWidget | None, title: str, suggested: str, filter_: str) -> str | None:
    """Ask where to save; a database, a backup or a folder is refused with a message and
    the dialog comes back (``services.safety.outputs.check_output``, the same guard the
    writers apply again when they write)."""
    from PySide6.QtWidgets import QFileDialog

    from ..services.safety import outputs

    while True:
        path, _ = QFileDialog.getSaveFileName(parent, title, suggested, filter_)
        if not path:
            return None
        try:
            outputs.check_output(path)
        except outputs.OutputRefused as exc:
            error(parent, title, str(exc))
            suggested = path
            continue
        return path


def save_database_file(parent: QWidget | None, title: str, suggested: str, filter_: str):
    """Choose a database file (Archivo → Conexión a base de datos…): an existing SQLite
    file is what is wanted here, so only a folder is refused."""
    from PySide6.QtWidgets import QFileDialog

    while True:
        path, _ = QFileDialog.getSaveFileName(
            parent, title, suggested, filter_, options=QFileDialog.Option.DontConfirmOverwrite
        )
        if not path:
            return None
        from pathlib import Path

        if Path(path).is_dir():
            error(parent, title, translate("prompts", "{path} es una carpeta.").format(path=path))
            suggested = path
            continue
        return path


def open_file(parent: QWidget | None, title: str, filter_: str) -> str | None:
    from PySide6.QtWidgets import QFileDialog

    path, _ = QFileDialog.getOpenFileName(parent, title, "", filter_)
    return path or None
