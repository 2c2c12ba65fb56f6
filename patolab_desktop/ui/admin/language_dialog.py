"""Archivo → Idioma / Language…: choose the interface language of this computer.

The choice is saved in the local settings (``i18n.save_language``) and applied at the next
start; after a change the dialog offers to close the program now.
"""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QDialog, QDialogButtonBox, QFormLayout, QLabel, QVBoxLayout

from ... import i18n
from ...i18n import translate
from .. import prompts

CONTEXT = "admin.language_dialog"


class LanguageDialog(QDialog):
    """Accepted with ``chosen()`` the selected code; the caller saves it."""

    def __init__(self, current: str, parent=None):
        super().__init__(parent)
        self.setWindowTitle(translate("admin.language_dialog", "Idioma / Language…").rstrip("…"))
        self.combo = QComboBox(self)
        for code, name in i18n.available_languages().items():
            self.combo.addItem(name, code)
        index = self.combo.findData(i18n.normalise(current))
        self.combo.setCurrentIndex(max(index, 0))
        form = QFormLayout()
        label = QLabel(translate("admin.language_dialog", "&Idioma de la interfaz:"), self)
        label.setBuddy(self.combo)
        form.addRow(label, self.combo)
        note = QLabel(
            translate(
                "admin.language_dialog", "El idioma se aplica al volver a abrir el programa."
            ),
            self,
        )
        note.setWordWrap(True)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(note)
        layout.addWidget(buttons)

    def chosen(self) -> str:
        return self.combo.currentData()


def choose_language(window) -> str | None:
    """Show the chooser; save a changed language and offer to close now. Returns the new code."""
    current = i18n.saved_language()
    dialog = LanguageDialog(current, window)
    if dialog.exec() != QDialog.DialogCode.Accepted or dialog.chosen() == current:
        return None
    code = i18n.save_language(dialog.chosen())
    if prompts.confirm(
        window,
        translate("admin.language_dialog", "Idioma cambiado"),
        translate(
            "admin.language_dialog",
            "El idioma cambió. ¿Cerrar PatoLab Desktop ahora para "
            "abrirlo en el nuevo idioma? Guarde antes lo que tenga "
            "abierto.",
        ),
    ):
        window.close()
    else:
        prompts.info(
            window,
            translate("admin.language_dialog", "Idioma cambiado"),
            translate(
                "admin.language_dialog",
                "El nuevo idioma se aplicará la próxima vez que abra el programa.",
            ),
        )
    return code


def install(window) -> None:
    """Archivo → Idioma / Language… (every user may choose it: it is a setting of this PC)."""
    window.add_action(
        "file",
        translate("admin.language_dialog", "&Idioma / Language…"),
        lambda: choose_language(window),
        "language",
    )
