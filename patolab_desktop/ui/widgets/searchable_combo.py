"""A combo box you type into: its list narrows as you type, accent- and case-insensitive.

``SearchableCombo`` is for short, fixed lists shown whole (departments, municipalities,
branches, genders, document types). Lists that live in the database and may be long
(patients, doctors, investigations) use ``LookupEdit`` (``lookup_edit.py``), which asks a
service for the matches instead.

Typing "tegu" offers "Tegucigalpa D.C.", "cabanas" finds "Cabañas", "san p" finds "San
Pedro Sula"; Enter (or Tab) takes the best match (the same name, else the first that
starts so, else the first that contains it) or the row picked with ↑/↓; Esc puts back
the item that was chosen. The combo never keeps free text: what it
holds is always one of its items (``currentData()``), and ``committed`` is emitted when
the user has picked one by keyboard (the form then moves on).
"""

from __future__ import annotations

from PySide6.QtCore import QIdentityProxyModel, QModelIndex, Qt, QTimer, Signal
from PySide6.QtWidgets import QApplication, QComboBox, QCompleter, QWidget

from ...util.text import fold

FOLD_ROLE = Qt.ItemDataRole.UserRole + 77


def replace_items(combo: QComboBox, items, empty_text: str | None = None) -> None:
    """Replace the items of ``combo`` with ``(data, text)`` pairs (``empty_text`` first,
    its data None), without emitting its signals."""
    combo.blockSignals(True)
    try:
        combo.clear()
        if empty_text is not None:
            combo.addItem(empty_text, None)
        for data, text in items:
            combo.addItem(text, data)
    finally:
        combo.blockSignals(False)


def refill_combo(combo: QComboBox, items, empty_text: str | None, current=None) -> None:
    """``replace_items`` keeping ``current`` chosen (else the first item), silently."""
    replace_items(combo, items, empty_text)
    index = combo.findData(current) if current is not None else -1
    combo.blockSignals(True)
    combo.setCurrentIndex(index if index >= 0 else 0)
    combo.blockSignals(False)


class _FoldedModel(QIdentityProxyModel):
    """The combo's items, with their folded text under ``FOLD_ROLE``."""

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if role == FOLD_ROLE:
            return fold(str(super().data(index, Qt.ItemDataRole.DisplayRole) or ""))
        return super().data(index, role)


class _FoldingCompleter(QCompleter):
    """Matches the folded typed text anywhere in the folded item text; inserts the item's
    own text."""

    def splitPath(self, path: str) -> list[str]:  # noqa: N802 (Qt override)
        return [fold(path)]

    def pathFromIndex(self, index: QModelIndex) -> str:  # noqa: N802 (Qt override)
        return str(index.data(Qt.ItemDataRole.DisplayRole) or "")


class SearchableCombo(QComboBox):
    """``set_items([(data, text), ...], empty_text=None)``; ``currentData()`` as usual."""

    committed = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setEditable(True)
        self.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.setMaxVisibleItems(15)
        self._proxy = _FoldedModel(self)
        self._proxy.setSourceModel(self.model())
        completer = _FoldingCompleter(self)
        completer.setModel(self._proxy)
        completer.setCompletionRole(FOLD_ROLE)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        completer.setMaxVisibleItems(12)
        self.setCompleter(completer)
        # the default completer re-targets the model: ours keeps the folded proxy
        completer.setModel(self._proxy)
        completer.activated[QModelIndex].connect(self._completer_chose)
        self.lineEdit().returnPressed.connect(self._commit_typed)
        self.lineEdit().editingFinished.connect(self._settle)
        self.currentIndexChanged.connect(lambda *_: self._show_current())
        self._just_chose = False
        # a bound method of a QObject: Qt disconnects it when the combo is deleted
        QApplication.instance().focusChanged.connect(self._focus_changed)

    # --- items --------------------------------------------------------------------------
    def set_items(self, items, empty_text: str | None = None, current=None) -> None:
        """Replace the items with ``(data, text)`` pairs (``empty_text`` first, data None)."""
        replace_items(self, items, empty_text)
        self.set_current_data(current)

    def set_current_data(self, value) -> None:
        index = self.findData(value) if value is not None else -1
        self.setCurrentIndex(index if index >= 0 else 0 if self.count() else -1)
        self._show_current()

    def matches(self, text: str) -> list[str]:
        """The item texts that ``text`` finds, in list order (what the popup offers)."""
        wanted = fold(text)
        return [self.itemText(i) for i in range(self.count()) if wanted in fold(self.itemText(i))]

    # --- typing -------------------------------------------------------------------------
    def _completer_chose(self, index: QModelIndex) -> None:
        if self._just_chose:
            return  # the popup's Enter and the field's Enter: one choice
        self._just_chose = True
        QTimer.singleShot(0, self._chosen_done)
        source = self._proxy.mapToSource(completer_source(self.completer(), index))
        if source.isValid():
            self.setCurrentIndex(source.row())
        self._show_current()
        self.committed.emit()

    def _chosen_done(self) -> None:
        self._just_chose = False

    def _first_match_row(self, text: str) -> int:
        wanted = fold(text)
        if not wanted:
            return -1
        exact = [i for i in range(self.count()) if fold(self.itemText(i)) == wanted]
        if exact:
            return exact[0]
        starts = [i for i in range(self.count()) if fold(self.itemText(i)).startswith(wanted)]
        if starts:
            return starts[0]
        contains = [i for i in range(self.count()) if wanted in fold(self.itemText(i))]
        return contains[0] if contains else -1

    def _popup_choice(self) -> QModelIndex | None:
        """The popup's highlighted row (the first when none), when the popup is open."""
        completer = self.completer()
        popup = completer.popup()
        if not popup.isVisible():
            return None
        index = popup.currentIndex()
        if not index.isValid() and completer.completionCount():
            index = completer.completionModel().index(0, 0)
        popup.hide()
        return index if index.isValid() else None

    def _commit_typed(self) -> None:
        if self._just_chose:
            return
        choice = self._popup_choice()
        if choice is not None:
            self._completer_chose(choice)
            return
        row = self._first_match_row(self.lineEdit().text())
        if row >= 0:
            self.setCurrentIndex(row)
        self._show_current()
        self.committed.emit()

    def _settle(self) -> None:
        """Leaving the field: take the first match of what was typed, else put back the
        chosen item's text (never free text)."""
        text = self.lineEdit().text()
        if text and text != self.itemText(self.currentIndex()):
            row = self._first_match_row(text)
            if row >= 0:
                self.setCurrentIndex(row)
        self._show_current()

    def _show_current(self) -> None:
        """The chosen item's text; the "— Seleccione —" item shows as an empty field with
        that text as its placeholder, so typing starts on a clean field."""
        index = self.currentIndex()
        empty = index < 0 or self.itemData(index) is None
        text = "" if empty else self.itemText(index)
        if empty and index >= 0:
            self.lineEdit().setPlaceholderText(self.itemText(index))
        if self.lineEdit().text() != text:
            self.lineEdit().setText(text)

    def keyPressEvent(self, event):  # noqa: N802
        if event.key() == Qt.Key.Key_Escape and self.lineEdit().text() != (
            self.itemText(self.currentIndex()) if self.currentData() is not None else ""
        ):
            self._show_current()
            event.accept()
            return
        super().keyPressEvent(event)

    def _focus_changed(self, old, new) -> None:
        """Leaving the combo (Tab, a click elsewhere): settle on an item."""
        mine = (self, self.lineEdit())
        if old in mine and new not in mine and new is not self.completer().popup():
            choice = self._popup_choice()
            if choice is not None:
                source = self._proxy.mapToSource(completer_source(self.completer(), choice))
                if source.isValid():
                    self.setCurrentIndex(source.row())
            self._settle()

    def focusInEvent(self, event):  # noqa: N802
        super().focusInEvent(event)
        self.lineEdit().selectAll()  # typing replaces the shown item


def completer_source(completer: QCompleter, index: QModelIndex) -> QModelIndex:
    """The index in the completer's model of an index of its completion (filtered) model."""
    model = completer.completionModel()
    if index.model() is model and hasattr(model, "mapToSource"):
        return model.mapToSource(index)
    return index
