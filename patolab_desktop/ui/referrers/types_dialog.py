"""Referrer types: add, rename, activate/deactivate, delete (only when no referrer uses it)."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
)

from ...i18n import translate
from ...services.catalog import referrer_types
from ...services.errors import ServiceError, ValidationError
from .. import prompts
from ..catalog.forms import CENTER, ERROR_STYLE, HINT_STYLE, INACTIVE_COLOR, RIGHT
from ..icons import icon
from ..models.paged_table import Column
from ..models.row_table import RowsTableModel
from ..widgets.table import RowSelectionMixin, make_table_view


def _inactive(row: dict):
    return None if row.get("active", True) else INACTIVE_COLOR


def type_columns() -> list[Column]:
    return [
        Column("name", translate("referrers.types_dialog", "Tipo"), foreground=_inactive),
        Column(
            "in_use",
            translate("referrers.types_dialog", "Remitentes"),
            align=RIGHT,
            format=lambda v: f"{int(v or 0):,}",
            foreground=_inactive,
        ),
        Column(
            "active",
            translate("referrers.types_dialog", "Estado"),
            align=CENTER,
            format=lambda v: (
                translate("referrers.types_dialog", "Activo")
                if v
                else translate("referrers.types_dialog", "Inactivo")
            ),
            foreground=_inactive,
        ),
    ]


class ReferrerTypesDialog(RowSelectionMixin, QDialog):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("referrer_types_dialog")
        self.setWindowTitle(translate("referrers.types_dialog", "Tipos de remitente"))
        self.setWindowIcon(icon("referrer_types"))
        self.setModal(True)
        self.resize(520, 420)
        self.model = RowsTableModel(type_columns(), parent=self)
        self.view = make_table_view(self)
        self.view.setSortingEnabled(False)
        self.view.setObjectName("types_table")
        self.view.setModel(self.model)
        header = self.view.horizontalHeader()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.resizeSection(1, 100)
        header.resizeSection(2, 80)

        self.name_edit = QLineEdit(self)
        self.name_edit.setObjectName("new_type_name")
        self.name_edit.setPlaceholderText(
            translate(
                "referrers.types_dialog", "Nombre del tipo nuevo (p. ej. Laboratorio externo)"
            )
        )
        self.name_edit.setMaxLength(referrer_types.NAME_MAX)
        self.add_button = QPushButton(
            icon("add"), translate("referrers.types_dialog", "&Agregar"), self
        )
        self.add_button.setAutoDefault(False)
        self.error_label = QLabel(self)
        self.error_label.setObjectName("error_name")
        self.error_label.setStyleSheet(ERROR_STYLE)
        self.error_label.setWordWrap(True)
        self.error_label.hide()

        self.rename_button = QPushButton(
            icon("edit"), translate("referrers.types_dialog", "&Renombrar…"), self
        )
        self.rename_button.setShortcut(QKeySequence("F2"))
        self.toggle_button = QPushButton(
            icon("deactivate"), translate("referrers.types_dialog", "&Desactivar"), self
        )
        self.delete_button = QPushButton(
            icon("delete"), translate("referrers.types_dialog", "&Eliminar"), self
        )
        self.delete_button.setShortcut(QKeySequence(QKeySequence.StandardKey.Delete))
        for button in (self.rename_button, self.toggle_button, self.delete_button):
            button.setAutoDefault(False)

        add_row = QHBoxLayout()
        new_label = QLabel(translate("referrers.types_dialog", "&Nuevo tipo:"), self)
        new_label.setBuddy(self.name_edit)
        add_row.addWidget(new_label)
        add_row.addWidget(self.name_edit, 1)
        add_row.addWidget(self.add_button)
        side = QVBoxLayout()
        for button in (self.rename_button, self.toggle_button, self.delete_button):
            side.addWidget(button)
        side.addStretch(1)
        middle = QHBoxLayout()
        middle.addWidget(self.view, 1)
        middle.addLayout(side)
        hint = QLabel(
            translate(
                "referrers.types_dialog",
                "Un tipo que usan remitentes no se puede eliminar: solo renombrar o "
                "desactivar (deja de ofrecerse para remitentes nuevos).",
            ),
            self,
        )
        hint.setWordWrap(True)
        hint.setStyleSheet(HINT_STYLE)
        buttons = QDialogButtonBox(self)
        close = buttons.addButton(
            translate("referrers.types_dialog", "&Cerrar"), QDialogButtonBox.ButtonRole.RejectRole
        )
        close.setAutoDefault(False)
        buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addLayout(add_row)
        layout.addWidget(self.error_label)
        layout.addLayout(middle, 1)
        layout.addWidget(hint)
        layout.addWidget(buttons)

        self.add_button.clicked.connect(self.add_type)
        self.rename_button.clicked.connect(self.rename_selected)
        self.toggle_button.clicked.connect(self.toggle_selected)
        self.delete_button.clicked.connect(self.delete_selected)
        self.view.doubleClicked.connect(lambda _index: self.rename_selected())
        self.name_edit.installEventFilter(self)
        self.view.installEventFilter(self)
        self.view.selectionModel().currentRowChanged.connect(lambda *_: self._update_buttons())
        self.model.modelReset.connect(self._update_buttons)
        self.reload()
        self.name_edit.setFocus()

    # --- data --------------------------------------------------------------------------
    def reload(self, keep_id: int | None = None) -> None:
        self.set_rows_keeping(referrer_types.list_all(), keep_id)

    def _update_buttons(self) -> None:
        row = self.selected_row()
        self.rename_button.setEnabled(row is not None)
        self.toggle_button.setEnabled(row is not None)
        self.delete_button.setEnabled(row is not None)
        active = row is None or row["active"]
        self.toggle_button.setText(
            translate("referrers.types_dialog", "&Desactivar")
            if active
            else translate("referrers.types_dialog", "R&eactivar")
        )
        self.toggle_button.setIcon(icon("deactivate" if active else "reactivate"))
        if row is not None and row["in_use"]:
            self.delete_button.setToolTip(
                translate(
                    "referrers.types_dialog",
                    "Lo usan {in_use:,} remitentes: no se puede eliminar, solo renombrar.",
                ).format(in_use=row["in_use"])
            )
        else:
            self.delete_button.setToolTip(
                translate("referrers.types_dialog", "Eliminar el tipo seleccionado (Supr)")
            )

    # --- actions -----------------------------------------------------------------------
    def _show_error(self, message: str) -> None:
        self.error_label.setText(message)
        self.error_label.setVisible(bool(message))

    def add_type(self) -> int | None:
        try:
            type_id = referrer_types.create(self.name_edit.text())
        except ValidationError as exc:
            self._show_error(str(exc))
            self.name_edit.setFocus()
            return None
        self._show_error("")
        self.name_edit.clear()
        self.reload(keep_id=type_id)
        return type_id

    def rename_selected(self) -> bool:
        row = self.selected_row()
        if row is None:
            return False
        name = prompts.ask_text(
            self,
            translate("referrers.types_dialog", "Renombrar tipo de remitente"),
            translate("referrers.types_dialog", "Nuevo nombre:"),
            row["name"],
        )
        if name is None:
            return False
        try:
            referrer_types.rename(row["id"], name, row["version"])
        except ServiceError as exc:
            prompts.error(
                self, translate("referrers.types_dialog", "No se pudo renombrar"), str(exc)
            )
            return False
        self.reload(keep_id=row["id"])
        return True

    def toggle_selected(self) -> bool:
        row = self.selected_row()
        if row is None:
            return False
        referrer_types.set_active(row["id"], not row["active"])
        self.reload(keep_id=row["id"])
        return True

    def delete_selected(self) -> bool:
        row = self.selected_row()
        if row is None:
            return False
        problem = referrer_types.why_not_deletable(row["id"])
        if problem:
            prompts.error(
                self, translate("referrers.types_dialog", "No se puede eliminar"), problem
            )
            self.reload(keep_id=row["id"])
            return False
        if not prompts.confirm(
            self,
            translate("referrers.types_dialog", "Eliminar tipo de remitente"),
            translate("referrers.types_dialog", "¿Eliminar el tipo «{name}»?").format(
                name=row["name"]
            ),
        ):
            return False
        try:
            referrer_types.delete(row["id"])
        except ServiceError as exc:
            prompts.error(
                self, translate("referrers.types_dialog", "No se puede eliminar"), str(exc)
            )
            self.reload()
            return False
        self.reload()
        return True

    def eventFilter(self, watched, event):  # noqa: N802
        # Enter in the new-name box adds the type, Enter on the table renames
        if event.type() == QEvent.Type.KeyPress and event.key() in (
            Qt.Key.Key_Return,
            Qt.Key.Key_Enter,
        ):
            if watched is self.name_edit:
                self.add_type()
                return True
            if watched is self.view:
                self.rename_selected()
                return True
        return super().eventFilter(watched, event)

    def keyPressEvent(self, event):  # noqa: N802
        # Enter never closes this dialog (there is nothing to "accept"); Esc does
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            return
        super().keyPressEvent(event)
