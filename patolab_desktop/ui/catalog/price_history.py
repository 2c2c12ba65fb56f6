"""The price history of one investigation (newest first, read-only)."""

from __future__ import annotations

from decimal import Decimal

from PySide6.QtGui import QColor
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QVBoxLayout

from ...i18n import translate
from ...services import catalog
from ...util.money import format_lempiras
from ..icons import icon
from ..models.paged_table import Column
from ..models.row_table import RowsTableModel
from ..widgets.forms import HINT_STYLE, RIGHT
from ..widgets.screen_fit import fit_to_screen
from ..widgets.table import fixed_table

UP_COLOR = QColor("#c62828")
DOWN_COLOR = QColor("#2e7d32")


def _money(value) -> str:
    return "—" if value is None else format_lempiras(value)


def _change(row: dict) -> str:
    if row.get("old_price") is None:
        return translate("catalog.price_history", "precio inicial")
    delta = row["new_price"] - row["old_price"]
    sign = "+" if delta > 0 else ""
    text = f"{sign}{format_lempiras(delta)}"
    if row["old_price"]:
        percent = (delta * 100 / row["old_price"]).quantize(Decimal("0.1"))
        text += f" ({sign}{percent} %)"
    return text


def _change_color(row: dict):
    if row.get("old_price") is None:
        return None
    if row["new_price"] > row["old_price"]:
        return UP_COLOR
    if row["new_price"] < row["old_price"]:
        return DOWN_COLOR
    return None


def history_columns() -> list[Column]:
    return [
        Column(
            "changed_at",
            translate("catalog.price_history", "Fecha"),
            format=lambda v: v.strftime("%d/%m/%Y %H:%M") if v else "",
        ),
        Column(
            "old_price",
            translate("catalog.price_history", "Precio anterior"),
            format=_money,
            align=RIGHT,
        ),
        Column(
            "new_price",
            translate("catalog.price_history", "Precio nuevo"),
            format=_money,
            align=RIGHT,
        ),
        Column(
            "change",
            translate("catalog.price_history", "Cambio"),
            align=RIGHT,
            foreground=_change_color,
        ),
        Column(
            "changed_by",
            translate("catalog.price_history", "Cambiado por"),
            format=lambda v: v or "—",
        ),
    ]


def history_rows(investigation_id: int) -> list[dict]:
    rows = catalog.price_history(investigation_id)
    for row in rows:
        row["change"] = _change(row)
    return rows


class PriceHistoryDialog(QDialog):
    def __init__(self, investigation_id: int, parent=None):
        super().__init__(parent)
        self.setObjectName("price_history_dialog")
        data = catalog.get(investigation_id)
        self.setWindowTitle(
            translate("catalog.price_history", "Historial de precios — {code}").format(
                code=data.code
            )
        )
        self.setWindowIcon(icon("price_history"))
        fit_to_screen(self, 720, 360)
        title = QLabel(
            translate(
                "catalog.price_history",
                "<b>{code}</b> — {name}<br>Precio actual: <b>{format_lempiras}</b>",
            ).format(code=data.code, name=data.name, format_lempiras=format_lempiras(data.price)),
            self,
        )
        self.model = RowsTableModel(history_columns(), history_rows(investigation_id), self)
        self.view = fixed_table(self, self.model, enumerate((130, 130, 130, 150)))
        hint = QLabel(
            translate(
                "catalog.price_history",
                "Las solicitudes guardan el precio del día en que se crearon: un cambio "
                "aquí no las modifica.",
            ),
            self,
        )
        hint.setWordWrap(True)
        hint.setStyleSheet(HINT_STYLE)
        buttons = QDialogButtonBox(self)
        close = buttons.addButton(
            translate("catalog.price_history", "&Cerrar"), QDialogButtonBox.ButtonRole.RejectRole
        )
        close.setDefault(True)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(self.view, 1)
        layout.addWidget(hint)
        layout.addWidget(buttons)
        self.view.setFocus()
