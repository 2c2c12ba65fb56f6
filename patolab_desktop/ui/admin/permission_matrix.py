"""Roles × permissions: a checkbox per cell, saved at once through ``users``.

The model reads the whole matrix once (a few dozen permissions, a handful of roles);
``data()`` only reads that cache. Toggling a cell calls
``users.set_role_permission``; a refusal (the last administrator would lose
``users.manage``) leaves the box as it was and emits ``error``.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QAbstractTableModel, QEvent, QModelIndex, QRect, Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QVBoxLayout,
)

from ...i18n import translate
from ...services.access import permissions, users
from ...services.access.permissions import role_label
from ...services.errors import ServiceError
from .. import prompts
from ..icons import icon
from ..widgets.forms import close_buttons
from ..widgets.screen_fit import fit_to_screen
from .common import HINT_STYLE, header

AREA_COLUMN, LABEL_COLUMN, FIRST_ROLE_COLUMN = 0, 1, 2
ROOT = QModelIndex()  # the invisible root of a flat table model


PERMISSION_KEY_ROLE = Qt.ItemDataRole.UserRole + 1


class PermissionMatrixModel(QAbstractTableModel):
    error = Signal(str)

    def __init__(self, parent=None):
        super().__init__(parent)
        self._permissions = permissions.ordered()
        self._first_of_group = {
            i
            for i, p in enumerate(self._permissions)
            if i == 0 or self._permissions[i - 1].group != p.group
        }
        self._roles: list[str] = []
        self._role_rows: dict[str, dict] = {}
        self._granted: dict[str, set[str]] = {}
        self.reload()

    def reload(self) -> None:
        self.beginResetModel()
        rows = users.roles()
        self._roles = [r["name"] for r in rows]
        self._role_rows = {r["name"]: r for r in rows}
        self._granted = users.role_permissions()
        self.endResetModel()

    @property
    def roles(self) -> list[str]:
        return list(self._roles)

    def role_row(self, name: str) -> dict:
        """The role as ``users.roles()`` read it (id, version, description, ...)."""
        return self._role_rows[name]

    def role_at(self, column: int) -> str | None:
        """The role of ``column`` (None for the area and permission columns)."""
        position = column - FIRST_ROLE_COLUMN
        return self._roles[position] if 0 <= position < len(self._roles) else None

    def permission_at(self, row: int) -> str:
        return self._permissions[row].key

    def row_of(self, key: str) -> int:
        return next(i for i, p in enumerate(self._permissions) if p.key == key)

    def column_of(self, role: str) -> int:
        return FIRST_ROLE_COLUMN + self._roles.index(role)

    def is_granted(self, role: str, key: str) -> bool:
        return key in self._granted.get(role, set())

    # --- Qt model API ---------------------------------------------------------------
    def rowCount(self, parent=ROOT) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self._permissions)

    def columnCount(self, parent=ROOT) -> int:  # noqa: N802
        return 0 if parent.isValid() else FIRST_ROLE_COLUMN + len(self._roles)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if orientation != Qt.Orientation.Horizontal or section < 0:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            if section == AREA_COLUMN:
                return translate("admin.permission_matrix", "Área")
            if section == LABEL_COLUMN:
                return translate("admin.permission_matrix", "Permiso")
            if section - FIRST_ROLE_COLUMN < len(self._roles):
                return role_label(self._roles[section - FIRST_ROLE_COLUMN])
        return None

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or index.row() >= len(self._permissions):
            return None
        spec = self._permissions[index.row()]
        column = index.column()
        if role == PERMISSION_KEY_ROLE:
            return spec.key
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{spec.label} ({spec.key})"
        if column == AREA_COLUMN:
            if role == Qt.ItemDataRole.DisplayRole:
                return spec.group_label if index.row() in self._first_of_group else ""
            if role == Qt.ItemDataRole.FontRole:
                font = QFont()
                font.setBold(True)
                return font
            return None
        if column == LABEL_COLUMN:
            return spec.label if role == Qt.ItemDataRole.DisplayRole else None
        role_index = column - FIRST_ROLE_COLUMN
        if role_index >= len(self._roles):
            return None
        granted = spec.key in self._granted.get(self._roles[role_index], set())
        if role == Qt.ItemDataRole.CheckStateRole:
            return Qt.CheckState.Checked if granted else Qt.CheckState.Unchecked
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignCenter)
        return None

    def flags(self, index):
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if index.column() >= FIRST_ROLE_COLUMN:
            base |= Qt.ItemFlag.ItemIsUserCheckable
        return base

    def setData(self, index, value, role=Qt.ItemDataRole.EditRole) -> bool:  # noqa: N802
        if (
            not index.isValid()
            or role != Qt.ItemDataRole.CheckStateRole
            or index.column() < FIRST_ROLE_COLUMN
        ):
            return False
        role_name = self._roles[index.column() - FIRST_ROLE_COLUMN]
        key = self._permissions[index.row()].key
        state = value.value if hasattr(value, "value") else value
        granted = int(state) == Qt.CheckState.Checked.value
        try:
            users.set_role_permission(role_name, key, granted)
        except ServiceError as exc:
            self.error.emit(str(exc))
            return False
        bucket = self._granted.setdefault(role_name, set())
        if granted:
            bucket.add(key)
        else:
            bucket.discard(key)
        self.dataChanged.emit(index, index, [Qt.ItemDataRole.CheckStateRole])
        return True

    def toggle(self, role: str, key: str) -> bool:
        """Flip one cell as a click would (tests, keyboard)."""
        index = self.index(self.row_of(key), self.column_of(role))
        new = Qt.CheckState.Unchecked if self.is_granted(role, key) else Qt.CheckState.Checked
        return self.setData(index, new, Qt.ItemDataRole.CheckStateRole)


class CenteredCheckDelegate(QStyledItemDelegate):
    """Draws the check box in the middle of the cell; a click anywhere in the cell or
    Space toggles it."""

    def paint(self, painter, option, index) -> None:
        if not index.flags() & Qt.ItemFlag.ItemIsUserCheckable:
            super().paint(painter, option, index)
            return
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        widget = opt.widget
        style = widget.style() if widget is not None else QApplication.style()
        checked = index.data(Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.Checked
        opt.features &= ~QStyleOptionViewItem.ViewItemFeature.HasCheckIndicator
        opt.text = ""
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, widget)
        box = QStyleOptionViewItem(opt)
        width = style.pixelMetric(QStyle.PixelMetric.PM_IndicatorWidth, opt, widget)
        height = style.pixelMetric(QStyle.PixelMetric.PM_IndicatorHeight, opt, widget)
        rect = QRect(0, 0, width, height)
        rect.moveCenter(option.rect.center())
        box.rect = rect
        box.state = (opt.state & ~(QStyle.StateFlag.State_On | QStyle.StateFlag.State_Off)) | (
            QStyle.StateFlag.State_On if checked else QStyle.StateFlag.State_Off
        )
        style.drawPrimitive(
            QStyle.PrimitiveElement.PE_IndicatorItemViewItemCheck, box, painter, widget
        )

    def editorEvent(self, event, model, option, index) -> bool:  # noqa: N802
        flags = index.flags()
        if not (flags & Qt.ItemFlag.ItemIsUserCheckable and flags & Qt.ItemFlag.ItemIsEnabled):
            return False
        kind = event.type()
        if kind in (QEvent.Type.MouseButtonPress, QEvent.Type.MouseButtonDblClick):
            return option.rect.contains(event.position().toPoint())
        if kind == QEvent.Type.MouseButtonRelease:
            if event.button() != Qt.MouseButton.LeftButton or not option.rect.contains(
                event.position().toPoint()
            ):
                return False
        elif not (
            kind == QEvent.Type.KeyPress and event.key() in (Qt.Key.Key_Space, Qt.Key.Key_Select)
        ):
            return False
        checked = index.data(Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.Checked
        new = Qt.CheckState.Unchecked if checked else Qt.CheckState.Checked
        model.setData(index, new.value, Qt.ItemDataRole.CheckStateRole)
        return True


class PermissionMatrixDialog(QDialog):
    """Administrators' window: roles × permissions, plus «Nuevo rol…» (copying the
    permissions of a role chosen, or none), «Renombrar rol…» and «Eliminar rol…» for the
    role of the column the cursor is in (the service refuses the built-in roles and a
    role that still has users; its message is shown)."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("permission_matrix")
        self.setWindowTitle(translate("admin.permission_matrix", "Permisos por rol"))
        self.setWindowIcon(icon("permissions"))
        fit_to_screen(self, 860, 720)
        layout = QVBoxLayout(self)
        layout.addWidget(
            header(
                "permissions",
                translate("admin.permission_matrix", "Permisos por rol"),
                translate(
                    "admin.permission_matrix",
                    "Marque o desmarque para conceder o retirar un permiso; el cambio se guarda al "
                    "instante y queda en la auditoría. Quien tenga la sesión abierta lo recibe en "
                    "menos de un minuto: sus menús y pestañas aparecen o se ocultan solos. Ocultar "
                    "un menú es solo cortesía: cada acción vuelve a comprobar el permiso.",
                ),
                self,
            )
        )
        self.model = PermissionMatrixModel(self)
        self.model.error.connect(
            lambda text: prompts.error(
                self, translate("admin.permission_matrix", "Permisos por rol"), text
            )
        )
        self.view = QTableView(self)
        self.view.setObjectName("matrix_view")
        self.view.setModel(self.model)
        self.view.setItemDelegate(CenteredCheckDelegate(self.view))
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setAlternatingRowColors(True)
        self.view.setWordWrap(False)
        self.view.setTabKeyNavigation(False)
        self.view.verticalHeader().hide()
        self.view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.view.verticalHeader().setDefaultSectionSize(24)
        self._size_columns()
        self.model.modelReset.connect(self._size_columns)
        layout.addWidget(self.view, 1)
        hint = QLabel(
            translate(
                "admin.permission_matrix",
                "Teclado: flechas para moverse, Espacio para marcar o desmarcar.",
            ),
            self,
        )
        hint.setStyleSheet(HINT_STYLE)
        layout.addWidget(hint)

        row = QHBoxLayout()
        self.new_role_button = QPushButton(
            icon("add"), translate("admin.permission_matrix", "&Nuevo rol…"), self
        )
        self.rename_role_button = QPushButton(
            icon("edit"), translate("admin.permission_matrix", "&Renombrar rol…"), self
        )
        self.delete_role_button = QPushButton(
            icon("delete"), translate("admin.permission_matrix", "&Eliminar rol…"), self
        )
        for button, slot in (
            (self.new_role_button, self.new_role),
            (self.rename_role_button, self.rename_role),
            (self.delete_role_button, self.delete_role),
        ):
            button.setAutoDefault(False)
            button.clicked.connect(slot)
            row.addWidget(button)
        row.addStretch(1)
        buttons = close_buttons(self)
        row.addWidget(buttons)
        layout.addLayout(row)
        self.view.selectionModel().currentChanged.connect(lambda *_: self._update_buttons())
        self.model.modelReset.connect(self._update_buttons)
        self.view.setCurrentIndex(self.model.index(0, FIRST_ROLE_COLUMN))
        self._update_buttons()
        self.view.setFocus()

    def current_role(self) -> str | None:
        """The role of the column the cursor is in (the one renamed or deleted)."""
        return self.model.role_at(self.view.currentIndex().column())

    def _update_buttons(self) -> None:
        role = self.current_role()
        for button in (self.rename_role_button, self.delete_role_button):
            button.setEnabled(role is not None)
            button.setToolTip(
                translate("admin.permission_matrix", "Rol «{name}» (la columna elegida)").format(
                    name=role_label(role)
                )
                if role
                else translate("admin.permission_matrix", "Elija una celda de la columna del rol.")
            )

    def _size_columns(self) -> None:
        head = self.view.horizontalHeader()
        head.setSectionResizeMode(AREA_COLUMN, QHeaderView.ResizeMode.ResizeToContents)
        head.setSectionResizeMode(LABEL_COLUMN, QHeaderView.ResizeMode.Stretch)
        for column in range(FIRST_ROLE_COLUMN, self.model.columnCount()):
            head.setSectionResizeMode(column, QHeaderView.ResizeMode.Fixed)
            head.resizeSection(column, 118)

    def new_role(self) -> None:
        """A name, then the role whose permissions it starts with (or none)."""
        title = translate("admin.permission_matrix", "Nuevo rol")
        label = translate("admin.permission_matrix", "Nombre del rol:")
        name = prompts.ask_text(self, title, label)
        if not name:
            return
        empty = translate("admin.permission_matrix", "Ninguno (empezar sin permisos)")
        sources = {role_label(role): role for role in self.model.roles}
        source = prompts.ask_item(
            self,
            title,
            translate("admin.permission_matrix", "Copiar los permisos de (ajústelos después):"),
            [*sources, empty],
        )
        if source is None:
            return
        copy_from = sources.get(source)
        self._change(title, lambda: users.create_role(name, copy_from=copy_from), name.strip())

    def rename_role(self) -> None:
        role = self.current_role()
        if role is None:
            return
        title = translate("admin.permission_matrix", "Renombrar rol")
        row = self.model.role_row(role)
        name = prompts.ask_text(
            self,
            title,
            translate("admin.permission_matrix", "Nuevo nombre del rol «{name}»:").format(
                name=role_label(role)
            ),
            role,
        )
        if not name or name.strip() == role:
            return
        self._change(
            title,
            lambda: users.update_role(
                row["id"], name, row["description"] or "", version=row["version"]
            ),
            name.strip(),
        )

    def delete_role(self) -> None:
        role = self.current_role()
        if role is None:
            return
        title = translate("admin.permission_matrix", "Eliminar rol")
        if not prompts.confirm(
            self,
            title,
            translate(
                "admin.permission_matrix",
                "¿Eliminar el rol «{name}» y sus permisos? Queda anotado en la auditoría.",
            ).format(name=role_label(role)),
        ):
            return
        row_id = self.model.role_row(role)["id"]
        self._change(title, lambda: users.delete_role(row_id), None)

    def _change(self, title: str, change: Callable[[], object], select: str | None) -> None:
        """A change of the roles (a users service call): its refusal shown under ``title``,
        else the matrix read again with the cursor in ``select``'s column."""
        if prompts.attempt(self, title, change) is not prompts.REFUSED:
            self._reload(select)

    def _reload(self, role: str | None) -> None:
        """Read the matrix again, the cursor in ``role``'s column when it is there."""
        self.model.reload()
        column = self.model.column_of(role) if role in self.model.roles else FIRST_ROLE_COLUMN
        self.view.setCurrentIndex(self.model.index(0, column))
