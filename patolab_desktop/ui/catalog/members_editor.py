"""The panel members editor of the investigation dialog.

Type a code or part of a name, pick from the results (Down, Enter) and the
investigation joins the panel; Supr removes a member, Alt+Arriba/Alt+Abajo reorder.
Every addition is checked with ``catalog.check_members`` (itself, cycles, inactive),
so a refused member never gets into the list.
"""

from __future__ import annotations

from decimal import Decimal

from PySide6.QtCore import QEvent, QItemSelectionModel, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from ...i18n import translate
from ...services import catalog
from ...util.money import format_lempiras
from ..icons import icon
from ..models.paged_table import Column
from ..models.row_table import RowsTableModel
from ..widgets.forms import (
    ERROR_STYLE,
    HINT_STYLE,
    RIGHT,
    labelled_row,
    push_button,
    push_buttons,
)
from ..widgets.table import SearchBox, fixed_table

PICK_LIMIT = 20


def _panel_icon(row: dict):
    return icon("panel") if row.get("is_panel") else None


def member_columns(with_sample: bool = True) -> list[Column]:
    """The panel's members: code, name, sample type (``with_sample``) and price."""
    columns = [
        Column("code", translate("catalog.members_editor", "Código"), decoration=_panel_icon),
        Column("name", translate("catalog.members_editor", "Nombre")),
        Column("sample_type", translate("catalog.members_editor", "Muestra")),
        Column(
            "price",
            translate("catalog.members_editor", "Precio"),
            format=format_lempiras,
            align=RIGHT,
        ),
    ]
    return columns if with_sample else [c for c in columns if c.key != "sample_type"]


def pick_columns() -> list[Column]:
    """The investigations found to add: code, name and price."""
    return member_columns(with_sample=False)


def _stretch_name_column(view, widths) -> None:
    """Fixed widths for the short columns; the name (``None``) takes the rest."""
    header = view.horizontalHeader()
    header.setStretchLastSection(False)
    for number, width in enumerate(widths):
        if width is None:
            header.setSectionResizeMode(number, QHeaderView.ResizeMode.Stretch)
        else:
            header.resizeSection(number, width)


class PanelMembersEditor(QWidget):
    changed = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("members_editor")
        self._panel_id: int | None = None
        self._panel_code = ""

        self.picker = SearchBox(
            translate("catalog.members_editor", "Código o nombre de la investigación a agregar…"),
            self,
        )
        self.picker.setObjectName("member_picker")
        self.results_model = RowsTableModel(pick_columns(), parent=self)
        self.results = fixed_table(self, self.results_model)
        self.results.setObjectName("member_results")
        self.results.setMaximumHeight(130)
        self.add_button = push_button(
            translate("catalog.members_editor", "Agr&egar"), "add", self._add_current, parent=self
        )

        self.members_model = RowsTableModel(member_columns(), parent=self)
        self.members = fixed_table(self, self.members_model)
        self.members.setObjectName("member_table")
        side_buttons = push_buttons(
            (translate("catalog.members_editor", "&Quitar"), "remove", self.remove_selected),
            (
                translate("catalog.members_editor", "S&ubir"),
                "move_up",
                lambda: self.move_selected(-1),
            ),
            (
                translate("catalog.members_editor", "Ba&jar"),
                "move_down",
                lambda: self.move_selected(+1),
            ),
        )
        self.remove_button, self.up_button, self.down_button = side_buttons
        for button in (self.add_button, *side_buttons):
            button.setAutoDefault(False)
        self.error_label = QLabel(self)
        self.error_label.setObjectName("member_error")
        self.error_label.setStyleSheet(ERROR_STYLE)
        self.error_label.setWordWrap(True)
        self.error_label.hide()
        self.total_label = QLabel(self)
        self.total_label.setObjectName("members_total")
        self.total_label.setStyleSheet(HINT_STYLE)

        pick_row = labelled_row(
            translate("catalog.members_editor", "Agregar:"), self.picker, self.add_button
        )
        side = QVBoxLayout()
        for button in side_buttons:
            side.addWidget(button)
        side.addStretch(1)
        member_row = QHBoxLayout()
        member_row.addWidget(self.members, 1)
        member_row.addLayout(side)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(pick_row)
        layout.addWidget(self.results)
        layout.addWidget(self.error_label)
        members_caption = QLabel(
            translate("catalog.members_editor", "&Incluye (en este orden):"), self
        )
        members_caption.setBuddy(self.members)
        layout.addWidget(members_caption)
        layout.addLayout(member_row, 1)
        layout.addWidget(self.total_label)

        self.picker.search_changed.connect(self.search)
        self.picker.installEventFilter(self)
        self.results.installEventFilter(self)
        self.members.installEventFilter(self)
        self.results.activated.connect(lambda index: self.add_result(index.row()))
        QShortcut(
            QKeySequence("Alt+Up"),
            self.members,
            activated=lambda: self.move_selected(-1),
            context=Qt.ShortcutContext.WidgetShortcut,
        )
        QShortcut(
            QKeySequence("Alt+Down"),
            self.members,
            activated=lambda: self.move_selected(+1),
            context=Qt.ShortcutContext.WidgetShortcut,
        )
        _stretch_name_column(self.results, (90, None, 110))
        _stretch_name_column(self.members, (90, None, 150, 110))
        self.members_model.rowsInserted.connect(lambda *_: self._members_changed())
        self.members_model.rowsRemoved.connect(lambda *_: self._members_changed())
        self.members_model.rowsMoved.connect(lambda *_: self._members_changed())
        self.members_model.modelReset.connect(self._members_changed)
        self.members.selectionModel().currentRowChanged.connect(lambda *_: self._update_buttons())
        self._members_changed()

    # --- state -------------------------------------------------------------------------
    def set_panel(self, panel_id: int | None, code: str) -> None:
        self._panel_id, self._panel_code = panel_id, code

    def set_code(self, code: str) -> None:
        self._panel_code = code

    def set_members(self, rows: list[dict]) -> None:
        self.members_model.set_rows(rows)
        self.search(self.picker.text())

    def member_ids(self) -> list[int]:
        return [row["id"] for row in self.members_model.rows()]

    def members_total(self) -> Decimal:
        return sum((row["price"] for row in self.members_model.rows()), Decimal("0.000"))

    def show_error(self, message: str) -> None:
        self.error_label.setText(message)
        self.error_label.setVisible(bool(message))

    def _members_changed(self) -> None:
        count = self.members_model.rowCount()
        if count:
            noun = (
                translate("catalog.members_editor", "investigación")
                if count == 1
                else translate("catalog.members_editor", "investigaciones")
            )
            self.total_label.setText(
                translate(
                    "catalog.members_editor",
                    "{count} {noun}; suma de sus precios por separado: {format_lempiras}",
                ).format(
                    count=count, noun=noun, format_lempiras=format_lempiras(self.members_total())
                )
            )
        else:
            self.total_label.setText(
                translate("catalog.members_editor", "El perfil aún no tiene investigaciones.")
            )
        self._update_buttons()
        self.changed.emit()

    def _update_buttons(self) -> None:
        row = self.members.currentIndex().row() if self.members.currentIndex().isValid() else -1
        count = self.members_model.rowCount()
        self.remove_button.setEnabled(row >= 0)
        self.up_button.setEnabled(row > 0)
        self.down_button.setEnabled(0 <= row < count - 1)

    # --- picking -----------------------------------------------------------------------
    def search(self, text: str) -> None:
        taken = set(self.member_ids())
        if self._panel_id is not None:
            taken.add(self._panel_id)
        rows = [
            r for r in catalog.search(text, limit=PICK_LIMIT + len(taken)) if r["id"] not in taken
        ][:PICK_LIMIT]
        self.results_model.set_rows(rows)
        if rows:
            self.results.selectionModel().setCurrentIndex(
                self.results_model.index(0, 0),
                QItemSelectionModel.SelectionFlag.ClearAndSelect
                | QItemSelectionModel.SelectionFlag.Rows,
            )

    def _add_current(self) -> None:
        index = self.results.currentIndex()
        self.add_result(index.row() if index.isValid() else 0)

    def add_result(self, number: int) -> bool:
        if not 0 <= number < self.results_model.rowCount():
            return False
        return self.add_member(self.results_model.row_dict(number))

    def add_member(self, row: dict) -> bool:
        """Add ``row`` (a ``catalog.search`` row) unless the service refuses it."""
        wanted = self.member_ids() + [row["id"]]
        problem = catalog.check_members(
            self._panel_id,
            self._panel_code or translate("catalog.members_editor", "este perfil"),
            wanted,
        )
        if problem:
            self.show_error(problem)
            return False
        self.show_error("")
        self.members_model.append_row(dict(row))
        self.picker.clear()
        self.search("")
        self.picker.setFocus()
        return True

    def remove_selected(self) -> bool:
        index = self.members.currentIndex()
        if not index.isValid():
            return False
        number = index.row()
        self.members_model.remove_row(number)
        if self.members_model.rowCount():
            self._select_member(min(number, self.members_model.rowCount() - 1))
        self.search(self.picker.text())
        return True

    def move_selected(self, delta: int) -> None:
        index = self.members.currentIndex()
        if not index.isValid():
            return
        self._select_member(self.members_model.move_row(index.row(), delta))

    def _select_member(self, number: int) -> None:
        self.members.selectionModel().setCurrentIndex(
            self.members_model.index(number, 0),
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows,
        )

    # --- keyboard ----------------------------------------------------------------------
    def eventFilter(self, watched, event):
        if event.type() != QEvent.Type.KeyPress:
            return super().eventFilter(watched, event)
        key = event.key()
        if watched is self.picker:
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self.picker.flush()
                self._add_current()
                return True  # Enter here adds a member; it must not save the dialog
            if key == Qt.Key.Key_Down and self.results_model.rowCount():
                self.results.setFocus()
                return True
        elif watched is self.results and key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self._add_current()
            return True
        elif watched is self.members and key in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace):
            self.remove_selected()
            return True
        return super().eventFilter(watched, event)
