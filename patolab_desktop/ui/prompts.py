"""Every question or message box goes through here, so tests patch one place."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QInputDialog, QMessageBox, QWidget

from ..i18n import translate

LAST_FOLDER_KEY = "dialogs/last_folder"


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


def refuse(parent: QWidget | None, title: str, *needed: str) -> None:
    """Say why the acting user may not do what needs ``needed`` (``session.refusal``): an
    action reached by a shortcut or a menu the screen did not turn off yet is refused in
    a message, never by doing nothing."""
    from ..services.access import session

    error(parent, title, session.refusal(*needed))


REFUSED = object()  # what ``attempt`` returns when the service refused


def attempt(parent: QWidget | None, title: str, call):
    """``call()``'s result (a service call), or ``REFUSED`` after showing the service's
    refusal in a message under ``title``."""
    from ..services.errors import ServiceError

    try:
        return call()
    except ServiceError as exc:
        error(parent, title, str(exc))
        return REFUSED


def ask_text(parent: QWidget | None, title: str, label: str, text: str = "") -> str | None:
    value, ok = QInputDialog.getText(parent, title, label, text=text)
    return value if ok else None


def ask_item(parent: QWidget | None, title: str, label: str, items: list[str]) -> str | None:
    """One of ``items`` (the first one offered), or None when cancelled."""
    value, ok = QInputDialog.getItem(parent, title, label, items, 0, False)
    return value if ok else None


def documents_folder() -> Path:
    """The user's Documents folder (the home folder when there is none)."""
    from PySide6.QtCore import QStandardPaths

    folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    return Path(folder) if folder and Path(folder).is_dir() else Path.home()


def _ui_state():
    """Remembered screen state of this computer (QSettings in the profile's config folder,
    so each test and each portable profile has its own)."""
    from PySide6.QtCore import QSettings

    from ..paths import config_dir

    return QSettings(str(config_dir() / "ui_state.ini"), QSettings.Format.IniFormat)


def last_folder() -> Path:
    """Where the last file dialog ended, else Documents."""
    value = _ui_state().value(LAST_FOLDER_KEY, "", type=str)
    folder = Path(value) if value else None
    return folder if folder is not None and folder.is_dir() else documents_folder()


def remember_folder(path: str | Path) -> None:
    state = _ui_state()
    state.setValue(LAST_FOLDER_KEY, str(Path(path).parent))
    state.sync()


def start_path(suggested: str = "") -> str:
    """Where a file dialog opens: a suggestion with its own folder (other than Documents)
    is kept; a bare name or one in Documents goes to the last folder used."""
    if not suggested:
        return str(last_folder())
    path = Path(suggested)
    if path.is_absolute() and path.parent != documents_folder() and path.parent.is_dir():
        return str(path)
    return str(last_folder() / path.name)


def save_file(parent: QWidget | None, title: str, suggested: str, filter_: str) -> str | None:
    """Ask where to save (the platform's dialog, opened in the last folder used or
    Documents; the folder chosen is remembered). A database, a backup or a folder is
    refused with a message and the dialog comes back (``services.safety.outputs.
    check_output``, the same guard the writers apply again when they write)."""
    from PySide6.QtWidgets import QFileDialog

    from ..services.safety import outputs

    suggested = start_path(suggested)
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
        remember_folder(path)
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

    path, _ = QFileDialog.getOpenFileName(parent, title, start_path(), filter_)
    if path:
        remember_folder(path)
    return path or None
