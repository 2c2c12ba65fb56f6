"""Archivo → Conexión a base de datos…: an SQLite file on this computer or a PostgreSQL
server, with a connection test, plus where the backups of this computer go.

Saved in the local settings file of this computer (``local_settings``); the new database
is used the next time the program starts.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from ... import local_settings
from ...i18n import translate
from ...paths import default_db_path
from ...services.bootstrap import DatabaseOpenError, is_postgres_url
from ...services.errors import ServiceError
from ...services.safety import transfer
from .. import prompts


class DatabaseDialog(QDialog):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(translate("admin.database_dialog", "Conexión a base de datos"))
        self.setMinimumWidth(560)
        self._settings = local_settings.load()
        current = self._settings.database

        self.sqlite_radio = QRadioButton(
            translate(
                "admin.database_dialog", "Archivo SQLite en esta computadora (una sola computadora)"
            )
        )
        self.pg_radio = QRadioButton(
            translate("admin.database_dialog", "Servidor PostgreSQL (varias computadoras)")
        )
        group = QButtonGroup(self)
        group.addButton(self.sqlite_radio)
        group.addButton(self.pg_radio)

        self.path_edit = QLineEdit(
            current if current and not is_postgres_url(current) else str(default_db_path())
        )
        self.browse_button = QPushButton(translate("admin.database_dialog", "Examinar…"))
        self.browse_button.clicked.connect(self._browse)
        path_row = QHBoxLayout()
        path_row.addWidget(self.path_edit, 1)
        path_row.addWidget(self.browse_button)

        self.url_edit = QLineEdit(current if is_postgres_url(current) else "")
        self.url_edit.setPlaceholderText(
            translate("admin.database_dialog", "postgresql://usuario:clave@servidor:5432/patolab")
        )

        self.backup_folder_edit = QLineEdit(str(self._settings.resolved_backup_folder()))
        self.keep_days_spin = QSpinBox()
        self.keep_days_spin.setRange(1, 3650)
        self.keep_days_spin.setValue(self._settings.backup_keep_days)
        self.keep_days_spin.setSuffix(translate("admin.database_dialog", " días"))

        self.test_button = QPushButton(translate("admin.database_dialog", "&Probar conexión"))
        self.test_button.clicked.connect(self.test_connection)
        self.status_label = QLabel("")
        self.status_label.setWordWrap(True)
        self.error_label = QLabel("")
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet("color: #b00020;")

        form = QFormLayout()
        form.addRow(self.sqlite_radio)
        form.addRow(translate("admin.database_dialog", "Archivo:"), path_row)
        form.addRow(self.pg_radio)
        form.addRow(translate("admin.database_dialog", "URL:"), self.url_edit)
        form.addRow(
            QLabel(
                translate("admin.database_dialog", "<b>Copias de seguridad de esta computadora</b>")
            )
        )
        form.addRow(translate("admin.database_dialog", "Carpeta:"), self.backup_folder_edit)
        form.addRow(translate("admin.database_dialog", "Conservar:"), self.keep_days_spin)

        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Save).setText(
            translate("admin.database_dialog", "&Guardar")
        )
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(
            translate("admin.database_dialog", "Cancelar")
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        test_row = QHBoxLayout()
        test_row.addWidget(self.test_button)
        test_row.addWidget(self.status_label, 1)
        layout.addLayout(test_row)
        layout.addWidget(self.error_label)
        layout.addWidget(
            QLabel(
                translate(
                    "admin.database_dialog",
                    "El cambio de base de datos se aplica al volver a abrir el programa.",
                )
            )
        )
        layout.addWidget(buttons)

        (self.pg_radio if is_postgres_url(current) else self.sqlite_radio).setChecked(True)
        self.sqlite_radio.toggled.connect(self._sync)
        self._sync()

    def _sync(self, *_args) -> None:
        sqlite = self.sqlite_radio.isChecked()
        self.path_edit.setEnabled(sqlite)
        self.browse_button.setEnabled(sqlite)
        self.url_edit.setEnabled(not sqlite)
        (self.path_edit if sqlite else self.url_edit).setFocus()

    def _browse(self) -> None:
        path = prompts.save_file(
            self,
            translate("admin.database_dialog", "Archivo de base de datos"),
            self.path_edit.text(),
            translate(
                "admin.database_dialog", "Base de datos SQLite (*.db);;Todos los archivos (*)"
            ),
        )
        if path:
            self.path_edit.setText(path)

    def target(self) -> str:
        return (
            self.path_edit.text() if self.sqlite_radio.isChecked() else self.url_edit.text()
        ).strip()

    def test_connection(self) -> bool:
        self.error_label.clear()
        self.status_label.clear()
        try:
            self.status_label.setText(transfer.check_connection(self.target()))
        except (DatabaseOpenError, ServiceError) as exc:
            self.error_label.setText(str(exc))
            return False
        return True

    def accept(self) -> None:  # noqa: D401 - Qt slot
        target = self.target()
        if self.pg_radio.isChecked() and not is_postgres_url(target):
            self.error_label.setText(
                translate("admin.database_dialog", "La URL debe empezar con postgresql://")
            )
            self.url_edit.setFocus()
            return
        if not self.test_connection():
            return
        folder = self.backup_folder_edit.text().strip()
        default_folder = str(local_settings.LocalSettings().resolved_backup_folder())
        local_settings.update(
            database="" if target == str(default_db_path()) else target,
            backup_folder="" if folder == default_folder else folder,
            backup_keep_days=int(self.keep_days_spin.value()),
        )
        super().accept()
