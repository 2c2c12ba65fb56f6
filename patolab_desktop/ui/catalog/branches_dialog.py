"""Branches (lab locations): list, create, edit, deactivate, choose the default one."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
)

from ...i18n import translate
from ...services import reference
from ...services.catalog import branches
from ...services.errors import ServiceError, ValidationError
from .. import prompts
from ..icons import icon
from ..models.paged_table import Column
from ..models.row_table import RowsTableModel
from ..widgets.searchable_combo import SearchableCombo
from ..widgets.table import RowSelectionMixin, make_table_view
from .forms import CENTER, HINT_STYLE, INACTIVE_COLOR, FieldErrors, dialog_buttons, make_form


def _inactive(row: dict):
    return None if row.get("active", True) else INACTIVE_COLOR


def _default_icon(row: dict):
    return icon("default") if row.get("is_default") else None


def branch_columns() -> list[Column]:
    return [
        Column(
            "code",
            translate("catalog.branches_dialog", "Código"),
            decoration=_default_icon,
            foreground=_inactive,
            tooltip=lambda r: (
                translate("catalog.branches_dialog", "Sucursal predeterminada")
                if r.get("is_default")
                else ""
            ),
        ),
        Column("name", translate("catalog.branches_dialog", "Nombre"), foreground=_inactive),
        Column("phone", translate("catalog.branches_dialog", "Teléfono"), foreground=_inactive),
        Column(
            "is_default",
            translate("catalog.branches_dialog", "Predeterminada"),
            align=CENTER,
            format=lambda v: translate("catalog.branches_dialog", "Sí") if v else "",
            foreground=_inactive,
        ),
        Column(
            "active",
            translate("catalog.branches_dialog", "Estado"),
            align=CENTER,
            format=lambda v: (
                translate("catalog.branches_dialog", "Activa")
                if v
                else translate("catalog.branches_dialog", "Inactiva")
            ),
            foreground=_inactive,
        ),
        Column("address", translate("catalog.branches_dialog", "Dirección"), foreground=_inactive),
    ]


class BranchDialog(QDialog):
    """Create (``branch_id=None``) or edit one branch; ``saved_id`` after Accepted."""

    def __init__(self, branch_id: int | None = None, parent=None):
        super().__init__(parent)
        self.setObjectName("branch_dialog")
        self.saved_id: int | None = None
        self._data = branches.get(branch_id) if branch_id is not None else branches.BranchData()
        self.setWindowTitle(
            translate("catalog.branches_dialog", "Editar sucursal")
            if branch_id
            else translate("catalog.branches_dialog", "Nueva sucursal")
        )
        self.setWindowIcon(icon("edit" if branch_id else "branch_new"))
        self.setModal(True)
        self.setMinimumWidth(460)
        self.errors = FieldErrors(self)
        form = make_form()
        self.name_edit = QLineEdit(self._data.name, self)
        self.name_edit.setMaxLength(branches.NAME_MAX)
        self.name_edit.setPlaceholderText(translate("catalog.branches_dialog", "San Pedro Sula"))
        self.errors.add(
            form, "name", translate("catalog.branches_dialog", "&Nombre:"), self.name_edit
        )
        self.code_edit = QLineEdit(self._data.code, self)
        self.code_edit.setMaxLength(10)
        self.code_edit.setMaximumWidth(140)
        self.code_edit.setPlaceholderText(translate("catalog.branches_dialog", "SPS"))
        self.errors.add(
            form,
            "code",
            translate("catalog.branches_dialog", "&Código:"),
            self.code_edit,
            translate(
                "catalog.branches_dialog",
                "De 2 a 10 letras o números; encabeza los números de solicitud (SPS-2026-000123).",
            ),
        )
        self.phone_edit = QLineEdit(branches.format_phone(self._data.phone), self)
        self.phone_edit.setPlaceholderText("2552-4410")
        self.errors.add(
            form, "phone", translate("catalog.branches_dialog", "&Teléfono:"), self.phone_edit
        )
        self.address_edit = QPlainTextEdit(self._data.address, self)
        self.address_edit.setTabChangesFocus(True)
        self.address_edit.setFixedHeight(56)
        self.errors.add(
            form, "address", translate("catalog.branches_dialog", "&Dirección:"), self.address_edit
        )
        self._add_place(form)
        self.active_check = QCheckBox(translate("catalog.branches_dialog", "&Activa"), self)
        self.active_check.setChecked(self._data.active)
        self.active_check.setVisible(branch_id is not None)
        if self._data.is_default:
            self.active_check.setEnabled(False)
            self.active_check.setToolTip(
                translate(
                    "catalog.branches_dialog", "La sucursal predeterminada no se puede desactivar."
                )
            )
        form.addRow("", self.active_check)
        hint = QLabel(
            translate(
                "catalog.branches_dialog",
                "El código aparece en los números de solicitud (p. ej. SPS-2026-000123).",
            ),
            self,
        )
        hint.setWordWrap(True)
        hint.setStyleSheet(HINT_STYLE)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(hint)
        layout.addWidget(self.errors.general)
        self.buttons = dialog_buttons(self)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        for key in ("Ctrl+Return", "Ctrl+Enter", "Ctrl+S"):
            QShortcut(QKeySequence(key), self, activated=self.save)
        self.name_edit.setFocus()

    def _add_place(self, form) -> None:
        """Department and municipality of the branch: new patients registered here get
        them by default (issue 16 C)."""
        self.department_combo = SearchableCombo(self)
        self.department_combo.set_items(
            reference.departments(),
            translate("catalog.branches_dialog", "— Sin indicar —"),
            self._data.department_id,
        )
        self.errors.add(
            form,
            "department_id",
            translate("catalog.branches_dialog", "Departa&mento:"),
            self.department_combo,
        )
        self.municipality_combo = SearchableCombo(self)
        self.errors.add(
            form,
            "municipality_id",
            translate("catalog.branches_dialog", "M&unicipio:"),
            self.municipality_combo,
            translate(
                "catalog.branches_dialog",
                "Los pacientes registrados en esta sucursal lo reciben de forma predeterminada.",
            ),
        )
        self._reload_municipalities(self._data.municipality_id)
        self.department_combo.currentIndexChanged.connect(
            lambda *_: self._reload_municipalities(self.municipality_combo.currentData())
        )

    def _reload_municipalities(self, current=None) -> None:
        department = self.department_combo.currentData()
        self.municipality_combo.set_items(
            reference.municipalities(department) if department else [],
            translate("catalog.branches_dialog", "— Sin indicar —"),
            current,
        )

    def data(self) -> branches.BranchData:
        return branches.BranchData(
            id=self._data.id,
            name=self.name_edit.text(),
            code=self.code_edit.text(),
            phone=self.phone_edit.text(),
            address=self.address_edit.toPlainText(),
            active=self.active_check.isChecked(),
            department_id=self.department_combo.currentData(),
            municipality_id=self.municipality_combo.currentData(),
        )

    def save(self) -> bool:
        data = self.data()
        errors = branches.validate(data)
        if errors:
            self.errors.show(errors)
            return False
        try:
            if data.id is None:
                self.saved_id = branches.create(data)
            else:
                branches.update(data)
                self.saved_id = data.id
        except ValidationError as exc:
            self.errors.show(exc.fields)
            return False
        except ServiceError as exc:
            self.errors.show({"__all__": str(exc)})
            return False
        self.accept()
        return True


class BranchesDialog(RowSelectionMixin, QDialog):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("branches_dialog")
        self.setWindowTitle(translate("catalog.branches_dialog", "Sucursales"))
        self.setWindowIcon(icon("branches"))
        self.setModal(True)
        self.resize(980, 380)
        self.model = RowsTableModel(branch_columns(), parent=self)
        self.view = make_table_view(self)
        self.view.setObjectName("branches_table")
        self.view.setSortingEnabled(False)
        self.view.setModel(self.model)
        for number, width in enumerate((90, 150, 125, 120, 80)):
            self.view.horizontalHeader().resizeSection(number, width)
        self.new_button = QPushButton(
            icon("branch_new"), translate("catalog.branches_dialog", "&Nueva…"), self
        )
        self.new_button.setShortcut(QKeySequence("Ctrl+N"))
        self.edit_button = QPushButton(
            icon("edit"), translate("catalog.branches_dialog", "&Editar…"), self
        )
        self.edit_button.setShortcut(QKeySequence("F2"))
        self.default_button = QPushButton(
            icon("default"), translate("catalog.branches_dialog", "&Predeterminada"), self
        )
        self.toggle_button = QPushButton(
            icon("deactivate"), translate("catalog.branches_dialog", "&Desactivar"), self
        )
        side = QVBoxLayout()
        for button in (self.new_button, self.edit_button, self.default_button, self.toggle_button):
            button.setAutoDefault(False)
            side.addWidget(button)
        side.addStretch(1)
        middle = QHBoxLayout()
        middle.addWidget(self.view, 1)
        middle.addLayout(side)
        hint = QLabel(
            translate(
                "catalog.branches_dialog",
                "★ La sucursal predeterminada se usa en las solicitudes nuevas y no se "
                "puede desactivar. Intro: editar · Ctrl+N: nueva.",
            ),
            self,
        )
        hint.setWordWrap(True)
        hint.setStyleSheet(HINT_STYLE)
        buttons = QDialogButtonBox(self)
        close = buttons.addButton(
            translate("catalog.branches_dialog", "&Cerrar"), QDialogButtonBox.ButtonRole.RejectRole
        )
        close.setAutoDefault(False)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(middle, 1)
        layout.addWidget(hint)
        layout.addWidget(buttons)

        self.new_button.clicked.connect(self.new_branch)
        self.edit_button.clicked.connect(self.edit_selected)
        self.default_button.clicked.connect(self.make_default)
        self.toggle_button.clicked.connect(self.toggle_selected)
        self.view.doubleClicked.connect(lambda _index: self.edit_selected())
        self.view.installEventFilter(self)
        self.view.selectionModel().currentRowChanged.connect(lambda *_: self._update_buttons())
        self.model.modelReset.connect(self._update_buttons)
        self.reload()
        if self.model.rowCount():
            self.select_id(self.model.row_id(0))
        self.view.setFocus()

    def reload(self, keep_id: int | None = None) -> None:
        self.set_rows_keeping(branches.list_all(), keep_id)

    def _update_buttons(self) -> None:
        row = self.selected_row()
        self.edit_button.setEnabled(row is not None)
        self.default_button.setEnabled(bool(row and row["active"] and not row["is_default"]))
        active = row is None or row["active"]
        self.toggle_button.setText(
            translate("catalog.branches_dialog", "&Desactivar")
            if active
            else translate("catalog.branches_dialog", "&Reactivar")
        )
        self.toggle_button.setIcon(icon("deactivate" if active else "reactivate"))
        self.toggle_button.setEnabled(bool(row) and not (row and row["is_default"]))

    def new_branch(self) -> int | None:
        dialog = BranchDialog(parent=self)
        if dialog.exec() and dialog.saved_id is not None:
            self.reload(keep_id=dialog.saved_id)
            return dialog.saved_id
        return None

    def edit_selected(self) -> bool:
        row = self.selected_row()
        if row is None:
            return False
        dialog = BranchDialog(row["id"], parent=self)
        if dialog.exec():
            self.reload(keep_id=row["id"])
            return True
        return False

    def make_default(self) -> bool:
        row = self.selected_row()
        if row is None:
            return False
        try:
            branches.set_default(row["id"])
        except ServiceError as exc:
            prompts.error(
                self, translate("catalog.branches_dialog", "No se pudo cambiar"), str(exc)
            )
            return False
        self.reload(keep_id=row["id"])
        return True

    def toggle_selected(self) -> bool:
        row = self.selected_row()
        if row is None:
            return False
        try:
            if row["active"]:
                if not prompts.confirm(
                    self,
                    translate("catalog.branches_dialog", "Desactivar sucursal"),
                    translate(
                        "catalog.branches_dialog",
                        "¿Desactivar la sucursal «{name}»? Sus solicitudes se conservan.",
                    ).format(name=row["name"]),
                ):
                    return False
                branches.deactivate(row["id"])
            else:
                branches.reactivate(row["id"])
        except ServiceError as exc:
            prompts.error(
                self, translate("catalog.branches_dialog", "No se pudo cambiar"), str(exc)
            )
            return False
        self.reload(keep_id=row["id"])
        return True

    def eventFilter(self, watched, event):  # noqa: N802
        if (
            watched is self.view
            and event.type() == QEvent.Type.KeyPress
            and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
        ):
            self.edit_selected()
            return True
        return super().eventFilter(watched, event)

    def keyPressEvent(self, event):  # noqa: N802
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            return  # Enter edits (on the table); it never closes the list
        super().keyPressEvent(event)


def open_branches(parent) -> bool:
    """The branches list; a role without ``branches.manage`` gets a message, not the crash
    dialog (issue 16)."""
    try:
        dialog = BranchesDialog(parent)
    except ServiceError as exc:  # PermissionDenied: the list needs branches.manage
        prompts.error(parent, translate("catalog.branches_dialog", "Sucursales"), str(exc))
        return False
    dialog.exec()
    return True
