"""The two shapes of every billing screen, built once.

``BillingDialog``: a titled dialog with a column layout, the red error line where a
service's refusal is shown (``attempt``) and a row of buttons at its foot (an action and
«Cancelar»/«Volver» in ``finish``, or any buttons before a stretch and after it with
``widgets.forms.button_row``).

``BillingTableWindow``: a ``BillingDialog`` around a read-only table of dict rows (fiscal
documents, authorisations, cash sessions, overdue accounts): the rows come from ``rows()``
(a service call; a refusal is shown in the error line and leaves the table empty), the
columns take the width of what they show and the first row is selected after a reload,
``current()`` is the row under the cursor and its buttons sit on a row that ends with
«Cerrar».
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from PySide6.QtWidgets import QDialog, QPushButton, QVBoxLayout, QWidget

from ...i18n import translate
from ...services.errors import ServiceError
from ..icons import icon
from ..models.row_table import Column
from ..prompts import REFUSED
from ..widgets.forms import button_row, push_button
from ..widgets.screen_fit import fit_to_screen
from ..widgets.table import STRETCH_ROOM
from .common import error_label, show_error, table

MAX_COLUMN = 320  # px: a long text (a buyer, a note) is not given the whole window


class BillingDialog(QDialog):
    def __init__(
        self,
        parent,
        title: str,
        icon_name: str,
        size: tuple[int, int] | None = None,
        min_width: int = 0,
    ):
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setWindowIcon(icon(icon_name))
        if size is not None:
            fit_to_screen(self, *size)
        if min_width:
            self.setMinimumWidth(min_width)
        self.column = QVBoxLayout(self)
        self.error = error_label()

    def attempt(self, call: Callable[[], Any], where=None) -> Any:
        """``call()``'s result (a service call), or ``REFUSED`` after showing why in
        ``where`` (the dialog's error line by default)."""
        try:
            return call()
        except ServiceError as exc:
            show_error(self.error if where is None else where, str(exc))
            return REFUSED

    def finish(
        self,
        text: str,
        slot: Callable,
        icon_name: str = "status_completed",
        cancel_text: str | None = None,
        stretch: bool = False,
        default: bool = False,
    ) -> QPushButton:
        """The error line, a stretch when ``stretch``, and «text» / «Cancelar» at the
        right; «text» runs ``slot``, the other rejects. Returns the «text» button."""
        self.column.addWidget(self.error)
        if stretch:
            self.column.addStretch(1)
        button = push_button(text, icon_name, slot)
        button.setDefault(default)
        if cancel_text is None:
            cancel_text = translate("billing.base", "&Cancelar")
        button_row(self.column, right=(button, push_button(cancel_text, "", self.reject)))
        return button


class BillingTableWindow(BillingDialog):
    def __init__(
        self,
        parent,
        title: str,
        icon_name: str,
        size: tuple[int, int],
        columns: list[Column],
        widths: Iterable[tuple[int, int]] = (),
    ):
        super().__init__(parent, title, icon_name, size)
        self.widths = dict(widths)  # the least each column gets (``size_columns``)
        self.view, self.model = table(columns, self, self.widths.items())
        self.view.cut_widest_first = True  # codes and dates stay whole, long texts narrow

    def finish_table(
        self, buttons: Iterable[QWidget] = (), close_text: str | None = None
    ) -> QPushButton:
        """The table, the error line and ``buttons`` … «Cerrar» under it."""
        self.column.addWidget(self.view, 1)
        self.column.addWidget(self.error)
        if close_text is None:
            close_text = translate("billing.base", "C&errar")
        close = push_button(close_text, "", self.accept)
        button_row(self.column, buttons, (close,))
        return close

    # --- the rows ----------------------------------------------------------------------
    def rows(self) -> list[dict]:  # pragma: no cover - abstract
        raise NotImplementedError

    def reload(self, *_args) -> None:
        rows = self.attempt(self.rows)
        self.show_rows([] if rows is REFUSED else rows)

    def show_rows(self, rows: list[dict]) -> None:
        self.model.set_rows(rows)
        self.size_columns()
        if rows:
            self.view.selectRow(0)

    def size_columns(self) -> None:
        """Each column as wide as its heading and its widest cell (at least the width the
        window asked for, at most ``MAX_COLUMN``), and the last one, which takes the rest,
        keeps only the room it needs: on a 1024 px screen the view then narrows the
        widest texts and leaves a point, a date or a count whole. Without this, columns
        given no width took Qt's 100 px, an empty last column kept 140 px, and everything
        was cut in proportion (the CAI window showed «000-00…» under «unto y tip»)."""
        view, header = self.view, self.view.horizontalHeader()
        last = self.model.columnCount() - 1
        for number in range(last + 1):
            need = max(header.sectionSizeHint(number), view.sizeHintForColumn(number))
            if number == last:  # it stretches over the rest, never narrower than this
                view.stretch_room = min(need, STRETCH_ROOM)
                header.resizeSection(number, view.stretch_room)
            else:
                header.resizeSection(number, max(self.widths.get(number, 0), min(need, MAX_COLUMN)))
        if view.isVisible():  # else showing it fits them
            view.fit_columns()

    def select_id(self, row_id: int) -> bool:
        number = self.model.row_of_id(row_id)
        if number >= 0:
            self.view.selectRow(number)
        return number >= 0

    def current(self) -> dict | None:
        index = self.view.currentIndex()
        return self.model.row_dict(index.row()) if index.isValid() else None
