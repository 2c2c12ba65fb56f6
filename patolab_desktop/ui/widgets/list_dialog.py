"""A small modal list of reference data (branches, referrer types, users).

The table with its buttons beside it (or in a row under it), a grey hint and
«Cerrar»; Enter or a double click on a row runs ``activate_selected`` (edit, by
default) and never closes the list. What it does with the rows (new/edit/deactivate,
actions by permission, selection-keeping reload) comes from ``ListEditor``; a list of
a ``RowsTableModel`` reads its rows from ``rows()``.
"""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, QAbstractItemModel, QEvent, Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLayout,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ...i18n import translate
from ..icons import icon
from .forms import close_buttons, hint_label, snake_name
from .list_editor import ListEditor
from .screen_fit import fit_to_screen
from .table import make_table_view

ENTER_KEYS = (Qt.Key.Key_Return, Qt.Key.Key_Enter)


class ListDialog(ListEditor, QDialog):
    deactivate_button_text = QT_TRANSLATE_NOOP("widgets.list_dialog", "&Desactivar")
    reactivate_button_text = QT_TRANSLATE_NOOP("widgets.list_dialog", "Re&activar")

    def __init__(
        self,
        model: QAbstractItemModel,
        parent,
        title: str,
        icon_name: str,
        size: tuple[int, int],
        sortable: bool = False,
    ):
        super().__init__(parent)
        self.setObjectName(snake_name(self))  # "BranchesDialog" → "branches_dialog"
        self.setWindowTitle(title)
        self.setWindowIcon(icon(icon_name))
        fit_to_screen(self, *size)
        self.new_button: QPushButton | None = None
        self.edit_button: QPushButton | None = None
        self.toggle_button: QPushButton | None = None
        self.setModal(True)
        self.model = model
        model.setParent(self)
        self.view = make_table_view(self)
        self.view.setSortingEnabled(sortable)
        self.view.setModel(model)
        self.view.doubleClicked.connect(lambda _index: self.activate_selected())
        self.view.installEventFilter(self)
        self.view.selectionModel().currentRowChanged.connect(lambda *_: self.update_actions())
        self.model.modelReset.connect(self.update_actions)

    # --- construction ------------------------------------------------------------------
    def push_button(self, icon_name: str, text: str, slot, shortcut=None) -> QPushButton:
        button = QPushButton(icon(icon_name), text, self)
        button.setAutoDefault(False)  # Enter belongs to the table, not to a button
        if shortcut is not None:
            button.setShortcut(QKeySequence(shortcut))
        button.clicked.connect(lambda _checked=False: slot())
        return button

    def record_buttons(self, new: bool = True, edit_text: str = "") -> list[QPushButton]:
        """«Nuevo…» (Ctrl+N), «Editar…» (F2) and «Desactivar»/«Reactivar»."""
        if new:
            self.new_button = self.push_button(
                self.new_icon,
                translate("widgets.list_dialog", "&Nueva…")
                if self.feminine
                else translate("widgets.list_dialog", "&Nuevo…"),
                self.new_item,
                "Ctrl+N",
            )
        self.edit_button = self.push_button(
            "edit",
            edit_text or translate("widgets.list_dialog", "&Editar…"),
            self.edit_selected,
            "F2",
        )
        self.toggle_button = self.push_button(
            "deactivate",
            translate("widgets.list_dialog", self.deactivate_button_text),
            self.toggle_selected,
        )
        return [b for b in (self.new_button, self.edit_button, self.toggle_button) if b]

    def build_layout(
        self,
        buttons: list[QPushButton],
        hint: str = "",
        top: tuple[QLayout | QWidget, ...] = (),
        side: bool = True,
    ) -> QVBoxLayout:
        """``top`` rows, the table with ``buttons`` beside it (``side``) or under it,
        the hint and «Cerrar»."""
        layout = QVBoxLayout(self)
        for item in top:
            if isinstance(item, QLayout):
                layout.addLayout(item)
            else:
                layout.addWidget(item)
        close = close_buttons(self)
        row = QVBoxLayout() if side else QHBoxLayout()
        for button in buttons:
            row.addWidget(button)
        row.addStretch(1)
        if side:
            middle = QHBoxLayout()
            middle.addWidget(self.view, 1)
            middle.addLayout(row)
            layout.addLayout(middle, 1)
        else:
            layout.addWidget(self.view, 1)
            row.addWidget(close)
            layout.addLayout(row)
        if hint:
            layout.addWidget(hint_label(hint, self))
        if side:
            layout.addWidget(close)
        return layout

    # --- the rows ----------------------------------------------------------------------
    def rows(self) -> list[dict]:  # pragma: no cover - abstract (RowsTableModel lists)
        raise NotImplementedError

    def refresh(self) -> bool:
        self.model.set_rows(self.rows())
        return True

    def update_actions(self) -> None:
        """Enable the record buttons for the selected row (subclasses add theirs)."""
        row = self.selected_row()
        if self.new_button is not None:
            self.new_button.setEnabled(self.can_create())
        if self.edit_button is not None:
            self.edit_button.setEnabled(self.can_edit(row))
        if self.toggle_button is not None:
            texts = (
                translate("widgets.list_dialog", self.deactivate_button_text),
                translate("widgets.list_dialog", self.reactivate_button_text),
            )
            self.set_toggle(self.toggle_button, row, texts)

    # --- keyboard ----------------------------------------------------------------------
    def activate_selected(self) -> bool:
        """Enter or a double click on a row."""
        return self.edit_selected()

    def eventFilter(self, watched, event):
        if (
            watched is self.view
            and event.type() == QEvent.Type.KeyPress
            and event.key() in ENTER_KEYS
        ):
            self.activate_selected()
            return True
        return super().eventFilter(watched, event)

    def keyPressEvent(self, event):
        if event.key() in ENTER_KEYS:
            return  # Enter edits (on the table); it never closes the list
        super().keyPressEvent(event)
