"""The identity-number key for people (issue 15, point 13).

``RecoveryKeyDialog``: an administrator sees what losing both the key and the recovery key
means, then the 56-character recovery key, prints it or saves it to a file, and confirms
it is kept away from this computer. Shown at set-up (the first administrator's first
sign-in, before any identity number is saved), to the next administrator while nobody
confirmed it, and from Archivo → Clave de recuperación.

``UnlockDialog``: a new workstation, or a restore on another PC, asks for the recovery key.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QGuiApplication
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ...i18n import translate
from ...services import identity_keys
from ...services.errors import ServiceError, ValidationError
from .. import prompts
from .common import fit_height, header, message_label, show_message


def _key_font() -> QFont:
    font = QFont("monospace")
    font.setStyleHint(QFont.StyleHint.Monospace)
    font.setPointSize(max(font.pointSize(), 13))
    return font


def key_dialog(dialog: QDialog, name: str, width: int, heading: str, text: str) -> QVBoxLayout:
    """The frame of both recovery key dialogs: «Clave de recuperación», the key icon and
    ``heading`` (``text`` under it); returns the dialog's layout."""
    dialog.setObjectName(name)
    dialog.setWindowTitle(translate("admin.identity_key_dialogs", "Clave de recuperación"))
    dialog.setMinimumWidth(width)
    layout = QVBoxLayout(dialog)
    layout.addWidget(header("password", heading, text, dialog))
    return layout


class RecoveryKeyDialog(QDialog):
    """Shows the recovery key; ``Listo`` needs the "kept away from this computer" box."""

    def __init__(self, parent: QWidget | None = None, first_time: bool = False):
        super().__init__(parent)
        layout = key_dialog(
            self,
            "recovery_key_dialog",
            620,
            translate(
                "admin.identity_key_dialogs", "Clave de recuperación de los números de identidad"
            ),
            translate(
                "admin.identity_key_dialogs",
                "Imprímala o guárdela ahora: una computadora nueva, o una copia de "
                "seguridad restaurada en otra computadora, la pedirá.",
            )
            if first_time
            else "",
        )
        self.warning = QLabel(identity_keys.loss_warning(), self)
        self.warning.setObjectName("loss_warning")
        self.warning.setWordWrap(True)
        self.warning.setStyleSheet(
            "QLabel { background: #fff4e5; border: 1px solid #e0a030; padding: 8px; }"
        )
        layout.addWidget(self.warning)
        self.key_text = identity_keys.recovery_key()
        groups = self.key_text.split("-")
        half = (len(groups) + 1) // 2
        self.key_label = QLabel(
            "-".join(groups[:half]) + "-\n" + "-".join(groups[half:]), self
        )  # two lines, so every character is on screen (and on paper) at a readable size
        self.key_label.setObjectName("recovery_key")
        self.key_label.setFont(_key_font())
        self.key_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.key_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.key_label.setStyleSheet("QLabel { border: 1px solid #999; padding: 8px; }")
        layout.addWidget(self.key_label)
        buttons = QHBoxLayout()
        self.print_button = QPushButton(translate("admin.identity_key_dialogs", "&Imprimir…"), self)
        self.print_button.clicked.connect(self.print_key)
        self.save_button = QPushButton(
            translate("admin.identity_key_dialogs", "&Guardar en un archivo…"), self
        )
        self.save_button.clicked.connect(self.save_key)
        self.copy_button = QPushButton(translate("admin.identity_key_dialogs", "&Copiar"), self)
        self.copy_button.clicked.connect(self.copy_key)
        for button in (self.print_button, self.save_button, self.copy_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        self.kept_box = QCheckBox(
            translate(
                "admin.identity_key_dialogs",
                "&Imprimí o guardé la clave de recuperación y la guardo fuera de esta computadora.",
            ),
            self,
        )
        self.kept_box.setObjectName("kept_box")
        layout.addWidget(self.kept_box)
        self.message = message_label(self)
        layout.addWidget(self.message)
        self.box = QDialogButtonBox(self)
        self.done_button = self.box.addButton(
            translate("admin.identity_key_dialogs", "&Listo"),
            QDialogButtonBox.ButtonRole.AcceptRole,
        )
        self.later_button = self.box.addButton(
            translate("admin.identity_key_dialogs", "Más &tarde")
            if first_time
            else translate("admin.identity_key_dialogs", "Cerrar"),
            QDialogButtonBox.ButtonRole.RejectRole,
        )
        self.done_button.setEnabled(False)
        self.kept_box.toggled.connect(self.done_button.setEnabled)
        self.done_button.clicked.connect(self.confirm)
        self.later_button.clicked.connect(self.reject)
        layout.addWidget(self.box)

    def showEvent(self, event) -> None:  # noqa: N802 - Qt's name
        super().showEvent(event)
        fit_height(self)

    def copy_key(self) -> None:
        QGuiApplication.clipboard().setText(self.key_text)
        show_message(
            self.message, translate("admin.identity_key_dialogs", "Copiada al portapapeles.")
        )

    def document_text(self) -> str:
        return (
            translate(
                "admin.identity_key_dialogs",
                "PatoLab Desktop — clave de recuperación de los números de identidad",
            )
            + "\n\n"
            + self.key_text
            + "\n\n"
            + identity_keys.loss_warning()
            + "\n"
        )

    def save_key(self) -> None:
        path = prompts.save_file(  # the guarded prompt: never over a database or a backup
            self,
            translate("admin.identity_key_dialogs", "Guardar la clave de recuperación"),
            "clave-recuperacion-patolab.txt",
            translate("admin.identity_key_dialogs", "Texto (*.txt)"),
        )
        if path:
            self.save_to(path)

    def save_to(self, path: str) -> bool:
        try:
            written = identity_keys.save_recovery_key(path, self.document_text())
        except (ServiceError, OSError) as exc:
            show_message(self.message, str(exc))
            return False
        show_message(
            self.message,
            translate(
                "admin.identity_key_dialogs",
                "Guardada en {path}. Llévela fuera de esta computadora (USB, caja fuerte).",
            ).format(path=written),
        )
        return True

    def print_key(self) -> None:
        from PySide6.QtGui import QTextDocument
        from PySide6.QtPrintSupport import QPrintDialog, QPrinter

        printer = QPrinter()
        if QPrintDialog(printer, self).exec() != QDialog.DialogCode.Accepted:
            return
        document = QTextDocument()
        document.setPlainText(self.document_text())
        document.setDefaultFont(_key_font())
        document.print_(printer)

    def confirm(self) -> None:
        if not self.kept_box.isChecked():
            return
        try:
            identity_keys.confirm_recovery_saved()
        except ServiceError as exc:
            show_message(self.message, str(exc))
            return
        self.accept()


class UnlockDialog(QDialog):
    """Asks for the recovery key on a workstation without the key (Accepted once stored)."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        layout = key_dialog(
            self,
            "unlock_identity_dialog",
            600,
            translate(
                "admin.identity_key_dialogs",
                "Esta computadora no tiene la clave de las identidades",
            ),
            "",
        )
        explanation = QLabel(
            translate(
                "admin.identity_key_dialogs",
                "Es una computadora nueva para esta base de datos, o se restauró una copia "
                "hecha en otra. Escriba la clave de recuperación de 56 caracteres que el "
                "administrador imprimió o guardó. Sin ella se puede trabajar, pero los "
                "números de identidad no se pueden ver, buscar ni guardar aquí.",
            ),
            self,
        )
        explanation.setWordWrap(True)
        layout.addWidget(explanation)
        self.key_edit = QLineEdit(self)
        self.key_edit.setObjectName("recovery_key")
        self.key_edit.setFont(_key_font())
        self.key_edit.setPlaceholderText("XXXX-XXXX-XXXX-…")
        layout.addWidget(self.key_edit)
        self.message = message_label(self)
        layout.addWidget(self.message)
        box = QDialogButtonBox(self)
        self.unlock_button = box.addButton(
            translate("admin.identity_key_dialogs", "&Usar esta clave"),
            QDialogButtonBox.ButtonRole.AcceptRole,
        )
        later = box.addButton(
            translate("admin.identity_key_dialogs", "Ahora &no"),
            QDialogButtonBox.ButtonRole.RejectRole,
        )
        self.unlock_button.clicked.connect(self.try_unlock)
        later.clicked.connect(self.reject)
        layout.addWidget(box)
        self.key_edit.setFocus()

    def showEvent(self, event) -> None:  # noqa: N802 - Qt's name
        super().showEvent(event)
        fit_height(self)  # the wrapped explanation at the dialog's real width

    def try_unlock(self) -> bool:
        try:
            identity_keys.unlock(self.key_edit.text())
        except ValidationError as exc:
            show_message(self.message, exc.fields.get("recovery_key", str(exc)))
            self.resize(self.width(), self.layout().totalHeightForWidth(self.width()))
            return False
        self.accept()
        return True


def after_sign_in(parent: QWidget | None, actor) -> None:
    """The key steps after a sign-in: a workstation without the key asks for the recovery
    key; an administrator is shown the recovery key while nobody confirmed it was kept
    (at set-up: before any identity number can be saved)."""
    if identity_keys.status() == "missing":
        UnlockDialog(parent).exec()
        return
    if actor is not None and actor.has(identity_keys.PERMISSION):
        try:
            pending = identity_keys.recovery_pending()
        except ServiceError:  # no credential store on this computer: told when saving
            return
        if pending:
            RecoveryKeyDialog(parent, first_time=True).exec()
