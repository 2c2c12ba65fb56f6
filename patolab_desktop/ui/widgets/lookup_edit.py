"""A line edit that searches a service as you type and lists the matches under itself.

``LookupEdit`` is for lists that live in the database and may be long (patients,
doctors, investigations): ``search(text)`` is a service function (accent- and
case-insensitive there, best matches first). Short fixed lists use ``SearchableCombo``
(``searchable_combo.py``).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QPoint, QRect, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QLineEdit, QListWidget, QListWidgetItem, QWidget

from ...i18n import translate
from ...services.errors import ServiceError
from ..icons import icon


class LookupEdit(QLineEdit):
    """A line edit that shows a list of matches under itself while the user types.

    ``search(text) -> list[dict]`` runs after a short pause (or at once on Enter/↓);
    ↑/↓ move in the list, Enter picks (the first match by default), Esc closes the list.
    ``chosen(dict)`` is emitted with the picked row. The list is an overlay child of the
    window, so the focus never leaves the field.
    """

    chosen = Signal(dict)

    def __init__(
        self,
        search: Callable[[str], list[dict]],
        describe: Callable[[dict], str],
        placeholder: str = "",
        parent: QWidget | None = None,
        *,
        display: Callable[[dict], str] | None = None,
        clear_on_choose: bool = False,
        debounce_ms: int = 150,
        min_chars: int = 1,
        max_rows: int = 10,
    ):
        super().__init__(parent)
        self._search = search
        self._describe = describe
        self._display = display or describe
        self._clear_on_choose = clear_on_choose
        self._min_chars = min_chars
        self._max_rows = max_rows
        self._matches: list[dict] = []
        self._pending = False
        self._chosen_text: str | None = None
        self.setPlaceholderText(placeholder)
        self.setClearButtonEnabled(True)
        self.addAction(icon("search"), QLineEdit.ActionPosition.LeadingPosition)
        self._list = QListWidget()
        self._list.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self._list.setUniformItemSizes(True)
        self._list.setStyleSheet(
            "QListWidget { border: 1px solid #90a4ae; background: white; }"
            "QListWidget::item { padding: 3px 4px; }"
            "QListWidget::item:selected { background: #1976d2; color: white; }"
        )
        self._list.itemClicked.connect(lambda item: self.choose(self._list.row(item)))
        self._list.hide()
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(debounce_ms)
        self._timer.timeout.connect(self.refresh_now)
        self.textEdited.connect(self._on_edited)
        self.destroyed.connect(self._list.deleteLater)

    # --- API --------------------------------------------------------------------------
    def matches(self) -> list[dict]:
        return list(self._matches)

    def popup_visible(self) -> bool:
        return self._list.isVisible()

    def popup(self) -> QListWidget:
        return self._list

    def current_row(self) -> int:
        return self._list.currentRow()

    def refresh_now(self) -> None:
        """Run the search for the current text at once."""
        self._timer.stop()
        self._pending = False
        text = self.text().strip()
        if len(text) < self._min_chars:
            self._matches = []
            self.hide_popup()
            return
        try:
            self._matches = list(self._search(text))
        except ServiceError as exc:  # e.g. the role may not see these records
            # said under the field, where the person typed: an exception out of a key
            # event would reach the crash dialog
            self._matches = []
            self._show_message(str(exc), refusal=True)
            return
        self._list.clear()
        if self._matches:
            self._list.setWordWrap(False)
            for match in self._matches:
                self._list.addItem(QListWidgetItem(self._describe(match)))
            self._list.setCurrentRow(0)
            self._show_popup()
        else:
            self._show_message(translate("requests.common", "Sin resultados"))

    def choose(self, row: int | None = None) -> bool:
        """Pick match ``row`` (the highlighted one by default). False when nothing to pick."""
        if self._pending:
            self.refresh_now()
        row = self._list.currentRow() if row is None else row
        if not (0 <= row < len(self._matches)):
            return False
        item = self._matches[row]
        self.hide_popup()
        self.setText("" if self._clear_on_choose else self._display(item))
        self._chosen_text = None if self._clear_on_choose else self.text()
        self._matches = []
        self.chosen.emit(item)
        return True

    def hide_popup(self) -> None:
        self._list.hide()

    def show_chosen(self, text: str) -> None:
        """Show the text of a row picked elsewhere (Enter on it then does not search again)."""
        self._timer.stop()
        self._pending = False
        self.hide_popup()
        self.setText(text)
        self._chosen_text = text

    # --- internals --------------------------------------------------------------------
    def _on_edited(self, _text: str) -> None:
        self._chosen_text = None
        self._pending = True
        self._timer.start()

    def _show_message(self, text: str, refusal: bool = False) -> None:
        """The list holds one line that cannot be picked: no match (grey), or a refusal
        (in red, wrapped to the list's width: it is a sentence or two)."""
        self._list.clear()
        self._list.setWordWrap(refusal)
        item = QListWidgetItem(text)
        item.setFlags(Qt.ItemFlag.ItemIsEnabled if refusal else Qt.ItemFlag.NoItemFlags)
        if refusal:
            item.setForeground(QColor("#c62828"))
            inner = self._popup_width() - 2 * self._list.frameWidth() - 12
            lines = self.fontMetrics().boundingRect(
                QRect(0, 0, inner, 10_000), Qt.TextFlag.TextWordWrap, text
            )
            item.setSizeHint(QSize(inner, lines.height() + 8))
        self._list.addItem(item)
        self._show_popup()

    def _popup_width(self) -> int:
        return max(self.width(), 460)

    def _show_popup(self) -> None:
        window = self.window()
        if self._list.parent() is not window:
            self._list.setParent(window)
        rows = max(1, min(self._list.count(), self._max_rows))
        row_height = max(self._list.sizeHintForRow(0), self.fontMetrics().height())
        height = rows * row_height + 2 * self._list.frameWidth()
        width = self._popup_width()
        below = self.mapTo(window, QPoint(0, self.height()))
        x = min(below.x(), max(0, window.width() - width))
        y = below.y()
        if y + height > window.height() and below.y() - self.height() - height >= 0:
            y = below.y() - self.height() - height
        self._list.setGeometry(x, y, width, min(height, max(60, window.height() - y)))
        self._list.show()
        self._list.raise_()

    def _move(self, step: int) -> None:
        if not self._list.isVisible():
            self.refresh_now()
            return
        if not self._matches:
            return
        row = max(0, min(len(self._matches) - 1, self._list.currentRow() + step))
        self._list.setCurrentRow(row)

    _NAV_KEYS = (
        Qt.Key.Key_Up,
        Qt.Key.Key_Down,
        Qt.Key.Key_PageUp,
        Qt.Key.Key_PageDown,
        Qt.Key.Key_Return,
        Qt.Key.Key_Enter,
        Qt.Key.Key_Escape,
    )

    def event(self, e):
        # While the list is open its keys belong to this field, not to window shortcuts.
        if (
            e.type() == QEvent.Type.ShortcutOverride
            and self._list.isVisible()
            and e.key() in self._NAV_KEYS
            and not e.modifiers() & Qt.KeyboardModifier.ControlModifier
        ):
            e.accept()
            return True
        return super().event(e)

    def keyPressEvent(self, e):  # noqa: N802
        key = e.key()
        plain = not e.modifiers() & (
            Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier
        )
        if plain and key in (Qt.Key.Key_Down, Qt.Key.Key_Up):
            self._move(1 if key == Qt.Key.Key_Down else -1)
            return
        if plain and key in (Qt.Key.Key_PageDown, Qt.Key.Key_PageUp) and self._list.isVisible():
            self._move(5 if key == Qt.Key.Key_PageDown else -5)
            return
        if (
            plain
            and key in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
            and self.text().strip()
            and (self._pending or self.text() != self._chosen_text)
        ):
            if self._pending or not self._list.isVisible():
                self.refresh_now()
            if not self.choose():
                e.accept()  # "Sin resultados" is on screen; Enter must not do anything else
            return
        if key == Qt.Key.Key_Escape and self._list.isVisible():
            self.hide_popup()
            return
        super().keyPressEvent(e)

    def focusOutEvent(self, e):  # noqa: N802
        # A click on the list does not take the focus (NoFocus), so this is a real leave.
        self.hide_popup()
        super().focusOutEvent(e)

    def hideEvent(self, e):  # noqa: N802
        self.hide_popup()
        super().hideEvent(e)
