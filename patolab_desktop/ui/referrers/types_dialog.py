"""Referrer types: add, rename, activate/deactivate, delete (only when no referrer uses it)."""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, QEvent
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QHeaderView, QLabel, QLineEdit

from ...i18n import translate
from ...services.catalog import referrer_types
from ...services.errors import ValidationError
from .. import prompts
from ..models.paged_table import Column
from ..models.row_table import RowsTableModel
from ..widgets.forms import RIGHT, error_label, labelled_row, reference_column, status_column
from ..widgets.list_dialog import ENTER_KEYS, ListDialog


def type_columns() -> list[Column]:
    return [
        reference_column("name", translate("referrers.types_dialog", "Tipo")),
        reference_column(
            "in_use",
            translate("referrers.types_dialog", "Remitentes"),
            align=RIGHT,
            format=lambda v: f"{int(v or 0):,}",
        ),
        status_column(),
    ]


class ReferrerTypesDialog(ListDialog):
    noun_one = QT_TRANSLATE_NOOP("nouns", "tipo de remitente")
    noun_many = QT_TRANSLATE_NOOP("nouns", "tipos de remitente")
    create_permission = edit_permission = deactivate_permission = "referrers.edit"
    reactivate_button_text = QT_TRANSLATE_NOOP("widgets.list_dialog", "R&eactivar")  # A: Agregar

    def __init__(self, parent=None):
        title = translate("referrers.types_dialog", "Tipos de remitente")
        super().__init__(
            RowsTableModel(type_columns()), parent, title, "referrer_types", (520, 420)
        )
        self.view.setObjectName("types_table")
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
        self.add_button = self.push_button(
            "add", translate("referrers.types_dialog", "&Agregar"), self.add_type
        )
        self.error_label = error_label(QLabel(self), "name")
        buttons = self.record_buttons(
            new=False, edit_text=translate("referrers.types_dialog", "&Renombrar…")
        )
        self.rename_button = self.edit_button
        self.delete_button = self.push_button(
            "delete",
            translate("referrers.types_dialog", "&Eliminar"),
            self.delete_selected,
            QKeySequence.StandardKey.Delete,
        )
        add_row = labelled_row(
            translate("referrers.types_dialog", "&Nuevo tipo:"), self.name_edit, self.add_button
        )
        self.build_layout(
            [*buttons, self.delete_button],
            translate(
                "referrers.types_dialog",
                "Un tipo que usan remitentes no se puede eliminar: solo renombrar o "
                "desactivar (deja de ofrecerse para remitentes nuevos).",
            ),
            top=(add_row, self.error_label),
        )
        self.name_edit.installEventFilter(self)
        self.reload()
        self.name_edit.setFocus()

    # --- data --------------------------------------------------------------------------
    def rows(self) -> list[dict]:
        return referrer_types.list_all()

    def update_actions(self) -> None:
        super().update_actions()
        row = self.selected_row()
        self.delete_button.setEnabled(row is not None and self.allowed("referrers.delete"))
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
    def edit_selected(self) -> bool:
        return self.rename_selected()

    def do_deactivate(self, row_id: int) -> None:
        referrer_types.set_active(row_id, False)

    def do_reactivate(self, row_id: int) -> None:
        referrer_types.set_active(row_id, True)

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
        if not self.can_edit(row):
            return False
        name = prompts.ask_text(
            self,
            translate("referrers.types_dialog", "Renombrar tipo de remitente"),
            translate("referrers.types_dialog", "Nuevo nombre:"),
            row["name"],
        )
        failed = translate("referrers.types_dialog", "No se pudo renombrar")
        return name is not None and self.change_row(
            row, lambda: referrer_types.rename(row["id"], name, row["version"]), failed
        )

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
        outcome = prompts.attempt(
            self,
            translate("referrers.types_dialog", "No se puede eliminar"),
            lambda: referrer_types.delete(row["id"]),
        )
        self.reload()
        return outcome is not prompts.REFUSED

    def eventFilter(self, watched, event):
        # Enter in the new-name box adds the type (Enter on the table renames: the base)
        if (
            event.type() == QEvent.Type.KeyPress
            and event.key() in ENTER_KEYS
            and watched is self.name_edit
        ):
            self.add_type()
            return True
        return super().eventFilter(watched, event)
