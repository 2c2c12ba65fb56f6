"""The two shapes of every billing screen, built once.

``BillingDialog``: a titled dialog with a column layout, the red error line where a
service's refusal is shown (``attempt``) and a row of buttons at its foot (an action and
«Cancelar»/«Volver» in ``finish``, or any buttons before a stretch and after it with
``widgets.forms.button_row``).

``BillingTableWindow``: a ``BillingDialog`` around a read-only table of dict rows (fiscal
documents, authorisations, cash sessions, overdue accounts): the rows come from ``rows()``
(a service call; a refusal is shown in the error line and leaves the table empty), the
first row is selected after a reload, ``current()`` is the row under the cursor and its
buttons sit on a row that ends with «Cerrar».
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
from .common import error_label, show_error, table


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
        self.view, self.model = table(columns, self, widths)

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
        if rows:
            self.view.selectRow(0)

    def select_id(self, row_id: int) -> bool:
        number = self.model.row_of_id(row_id)
        if number >= 0:
            self.view.selectRow(number)
        return number >= 0

    def current(self) -> dict | None:
        index = self.view.currentIndex()
        return self.model.row_dict(index.row()) if index.isValid() else None
