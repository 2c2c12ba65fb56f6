"""Caja: open with a starting float, close counting each denomination, and the
supervisor's list of closed sessions to confirm and print (issue 17, point 6).

The status-bar indicator says «Caja abierta» / «Caja cerrada» to roles with billing.cash.
"""

from __future__ import annotations

from decimal import Decimal

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
)

from ...i18n import translate
from ...services.access import session
from ...services.billing import cash, listing
from ...services.billing.types import CASH, DENOMINATIONS, METHOD_LABELS, label
from ...services.errors import ServiceError, ValidationError
from .. import prompts
from ..models.row_table import Column
from ..widgets.forms import button_row, push_buttons
from . import printing
from .base import REFUSED, BillingDialog, BillingTableWindow
from .common import RIGHT, day_text, money, money_column, money_edit, show_error
from .common import typed_amount as _typed

CTX = "billing.cash_dialogs"
ZERO = Decimal("0.00")


class CashOpenDialog(BillingDialog):
    def __init__(self, parent=None):
        super().__init__(parent, translate("billing.cash_dialogs", "Abrir caja"), "add")
        self.session_id: int | None = None
        self.column.addWidget(
            QLabel(
                translate(
                    "billing.cash_dialogs", "Cuente el fondo con que empieza el día (cambio)."
                )
            )
        )
        form = QFormLayout()
        self.float_edit = money_edit("0.00")
        form.addRow(translate("billing.cash_dialogs", "Fondo inicial (L)"), self.float_edit)
        self.column.addLayout(form)
        self.open_button = self.finish(
            translate("billing.cash_dialogs", "&Abrir caja"), self.open_session, default=True
        )

    def open_session(self) -> int | None:
        session_id = self.attempt(lambda: cash.open_session(self.float_edit.text()))
        if session_id is REFUSED:
            return None
        self.session_id = session_id
        self.accept()
        return self.session_id


class CashCloseDialog(BillingDialog):
    """The cuadre: cash per denomination (live total), the other methods counted, the
    expected amounts and the difference; a note when they differ (the service says so).
    The saldo a favor applied is shown under them without a count: nothing of it is in
    the drawer (``cash.COUNTED``)."""

    def __init__(self, parent=None):
        super().__init__(
            parent,
            translate("billing.cash_dialogs", "Cerrar caja (cuadre)"),
            "cancel",
            size=(760, 640),
        )
        self.session_id: int | None = None
        self.closed = False
        current = cash.current()
        if current is None:
            raise ValidationError(translate("billing.cash_dialogs", "No tiene una caja abierta."))
        self.session_id = current["id"]
        report = cash.report(self.session_id)
        names = {m: label(METHOD_LABELS, m) for m in cash.COUNTED}
        # the report (a Spanish document) names the methods in Spanish
        self.expected = {m: report.expected.get(METHOD_LABELS[m], ZERO) for m in cash.COUNTED}
        self.not_counted = {
            translate("ServiceLabels", name): amount for name, amount in report.not_counted.items()
        }
        self.column.addWidget(
            QLabel(
                translate(
                    "billing.cash_dialogs", "Caja #{id} de {user}, abierta {at}, fondo {float}."
                ).format(
                    id=current["id"],
                    user=current["username"],
                    at=day_text(current["opened_at"]),
                    float=money(current["opening_float"]),
                )
            )
        )
        self.missing_label = self._missing_notes()
        self.column.addWidget(self.missing_label)
        body = QHBoxLayout()
        body.addWidget(self._cash_box(), 3)
        body.addWidget(self._other_box(names), 2)
        self.column.addLayout(body)
        self.column.addWidget(
            QLabel(
                translate("billing.cash_dialogs", "Nota (obligatoria si lo contado no coincide)")
            )
        )
        self.note_edit = QPlainTextEdit()
        self.note_edit.setMaximumHeight(70)
        self.column.addWidget(self.note_edit)
        self.close_button = self.finish(
            translate("billing.cash_dialogs", "Ce&rrar caja"), self.close_session, stretch=True
        )
        self._live()

    def _missing_notes(self) -> QLabel:
        """The facturas of this drawer whose request was cancelled and that still owe their
        credit note (hidden when none): their money is still counted here."""
        assert self.session_id is not None
        numbers = listing.missing_notes(self.session_id)
        warning = QLabel(
            translate(
                "billing.cash_dialogs",
                "Facturas de esta caja cuya solicitud se canceló y aún no tienen nota de "
                "crédito: {numbers}. Lo cobrado sigue en esta caja hasta que un supervisor "
                "emita la nota (Facturación → Documentos fiscales, «Canceladas sin nota de "
                "crédito»).",
            ).format(numbers=", ".join(numbers))
        )
        warning.setWordWrap(True)
        warning.setStyleSheet("color: #e65100;")
        warning.setVisible(bool(numbers))
        return warning

    def _cash_box(self) -> QGroupBox:
        """A count per denomination with its subtotal, and the cash total."""
        cash_box = QGroupBox(translate("billing.cash_dialogs", "Efectivo por denominación"))
        grid = QGridLayout(cash_box)
        grid.setHorizontalSpacing(10)
        grid.setColumnMinimumWidth(3, 70)
        self.counts: dict[Decimal, QSpinBox] = {}
        self.subtotals: dict[Decimal, QLabel] = {}
        # the notes in the first column, the coins (down to 1 centavo) in the second
        notes = [face for face in DENOMINATIONS if face >= 1]
        coins = [face for face in DENOMINATIONS if face < 1]
        for face in DENOMINATIONS:
            spin = QSpinBox()
            spin.setRange(0, 100000)
            spin.setAlignment(RIGHT)
            sub = QLabel(money(0))
            sub.setAlignment(RIGHT)
            row, col = (notes.index(face), 0) if face >= 1 else (coins.index(face), 4)
            grid.addWidget(QLabel(money(face)), row, col)
            grid.addWidget(spin, row, col + 1)
            grid.addWidget(sub, row, col + 2)
            self.counts[face] = spin
            self.subtotals[face] = sub
            spin.valueChanged.connect(self._live)
        self.cash_total = QLabel()
        self.cash_total.setStyleSheet("font-weight: 700;")
        below = max(len(notes), len(coins))
        grid.addWidget(QLabel(translate("billing.cash_dialogs", "Total efectivo")), below, 0, 1, 2)
        grid.addWidget(self.cash_total, below, 2, 1, 4)
        return cash_box

    def _other_box(self, names: dict[str, str]) -> QGroupBox:
        """Expected and counted per method (cash counted above), and the difference."""
        other_box = QGroupBox(translate("billing.cash_dialogs", "Esperado y contado"))
        other = QGridLayout(other_box)
        other.addWidget(QLabel(translate("billing.cash_dialogs", "Forma de pago")), 0, 0)
        other.addWidget(QLabel(translate("billing.cash_dialogs", "Esperado")), 0, 1)
        other.addWidget(QLabel(translate("billing.cash_dialogs", "Contado")), 0, 2)
        self.other_edits: dict[str, QLineEdit] = {}
        self.counted_labels: dict[str, QLabel] = {}
        for row, method in enumerate(cash.COUNTED, start=1):
            other.addWidget(QLabel(names[method]), row, 0)
            expected = QLabel(money(self.expected[method]))
            expected.setAlignment(RIGHT)
            other.addWidget(expected, row, 1)
            if method == CASH:
                counted = QLabel()
                counted.setAlignment(RIGHT)
                self.counted_labels[method] = counted
                other.addWidget(counted, row, 2)
            else:
                edit = money_edit("0.00", 110)
                edit.textChanged.connect(self._live)
                self.other_edits[method] = edit
                other.addWidget(edit, row, 2)
        below = len(cash.COUNTED) + 1
        self.difference_label = QLabel()
        self.difference_label.setStyleSheet("font-size: 12pt; font-weight: 700;")
        other.addWidget(QLabel(translate("billing.cash_dialogs", "Diferencia")), below, 0)
        other.addWidget(self.difference_label, below, 1, 1, 2)
        for row, (name, amount) in enumerate(self.not_counted.items(), start=below + 1):
            info = QLabel(
                translate(
                    "billing.cash_dialogs", "{method}: {amount} (no entra en caja, no se cuenta)"
                ).format(method=name, amount=money(amount))
            )
            info.setWordWrap(True)
            info.setStyleSheet("color: #555;")
            other.addWidget(info, row, 0, 1, 3)
        return other_box

    def set_count(self, face, count: int) -> None:
        self.counts[Decimal(str(face))].setValue(count)

    def counted_cash(self) -> Decimal:
        return sum((face * spin.value() for face, spin in self.counts.items()), ZERO)

    def difference(self) -> Decimal:
        counted = self.counted_cash() + sum(
            (_typed(edit.text()) or ZERO for edit in self.other_edits.values()), ZERO
        )
        return counted - sum(self.expected.values(), ZERO)

    def _live(self, *_args) -> None:
        for face, spin in self.counts.items():
            self.subtotals[face].setText(money(face * spin.value()))
        self.cash_total.setText(money(self.counted_cash()))
        self.counted_labels[CASH].setText(money(self.counted_cash()))
        difference = self.difference()
        self.difference_label.setText(money(difference))
        self.difference_label.setStyleSheet(
            "font-size: 12pt; font-weight: 700; color: %s;"
            % ("#2e7d32" if difference == 0 else "#c62828")
        )

    def close_session(self) -> int | None:
        counts = {str(face): spin.value() for face, spin in self.counts.items() if spin.value()}
        other = {m: edit.text() for m, edit in self.other_edits.items()}
        if self.attempt(lambda: cash.close(counts, other, self.note_edit.toPlainText())) is REFUSED:
            return None
        self.closed = True
        self.accept()
        return self.session_id


def session_columns() -> list[Column]:
    return [
        Column("id", "#", align=RIGHT),
        Column("username", translate("billing.cash_dialogs", "Usuario")),
        Column("opened_at", translate("billing.cash_dialogs", "Abierta"), format=day_text),
        Column("closed_at", translate("billing.cash_dialogs", "Cerrada"), format=day_text),
        money_column("opening_float", translate("billing.cash_dialogs", "Fondo")),
        money_column("difference", translate("billing.cash_dialogs", "Diferencia")),
        Column("status_label", translate("billing.cash_dialogs", "Estado")),
        Column("confirmed_by", translate("billing.cash_dialogs", "Confirmada por")),
        Column("note", translate("billing.cash_dialogs", "Nota")),
    ]


class CashSessionsDialog(BillingTableWindow):
    """Cash sessions (a supervisor sees all and confirms the closed ones)."""

    changed = Signal()

    def __init__(self, parent=None):
        super().__init__(
            parent,
            translate("billing.cash_dialogs", "Cierres de caja"),
            "print",
            (980, 520),
            session_columns(),
            ((0, 40), (1, 110), (2, 130), (3, 130), (6, 95), (7, 120)),
        )
        self.status_combo = QComboBox()
        for key, text in (
            ("closed", translate("billing.cash_dialogs", "Cerradas por confirmar")),
            ("", translate("billing.cash_dialogs", "Todas")),
            ("confirmed", translate("billing.cash_dialogs", "Confirmadas")),
            ("open", translate("billing.cash_dialogs", "Abiertas")),
        ):
            self.status_combo.addItem(text, key)
        button_row(
            self.column, (QLabel(translate("billing.cash_dialogs", "Mostrar:")), self.status_combo)
        )
        buttons = push_buttons(
            (
                translate("billing.cash_dialogs", "&Confirmar cierre"),
                "status_completed",
                self.confirm_selected,
            ),
            (translate("billing.cash_dialogs", "&Imprimir reporte…"), "print", self.print_selected),
        )
        self.confirm_button, self.print_button = buttons
        self.finish_table(buttons)
        self.confirm_button.setVisible(session.has("billing.reports"))
        self.status_combo.currentIndexChanged.connect(self.reload)
        self.reload()

    def rows(self) -> list[dict]:
        return cash.list_sessions(self.status_combo.currentData() or None)

    def select_session(self, session_id: int) -> bool:
        return self.select_id(session_id)

    def confirm_selected(self) -> bool:
        row = self.current()
        if row is None:
            return False
        if self.attempt(lambda: cash.confirm(row["id"], row["version"])) is REFUSED:
            return False
        show_error(self.error, "")
        self.reload()
        self.changed.emit()
        return True

    def print_selected(self):
        row = self.current()
        if row is not None:
            return printing.preview_cash_report(self, row["id"])
        return None


class CashIndicator(QLabel):
    """«Caja abierta» / «Caja cerrada» in the status bar (roles with billing.cash)."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("cash_status")
        self.hide()

    def refresh(self) -> None:
        if session.current() is None or not session.has("billing.cash"):
            self.hide()
            return
        try:
            current = cash.current()
        except ServiceError:
            self.hide()
            return
        if current is None:
            self.setText(translate("billing.cash_dialogs", "Caja cerrada"))
            self.setStyleSheet("color: #c62828; font-weight: 600; padding: 0 6px;")
        else:
            self.setText(translate("billing.cash_dialogs", "Caja abierta"))
            self.setStyleSheet("color: #2e7d32; font-weight: 600; padding: 0 6px;")
        self.show()


# --- what the menu calls -----------------------------------------------------------------
def open_cash(window) -> int | None:
    dialog = CashOpenDialog(window)
    dialog.exec()
    _refresh(window)
    return dialog.session_id


def close_cash(window) -> int | None:
    try:
        dialog = CashCloseDialog(window)
    except ServiceError as exc:
        prompts.error(window, translate("billing.cash_dialogs", "Cerrar caja"), str(exc))
        return None
    dialog.exec()
    _refresh(window)
    if not dialog.closed:
        return None
    if prompts.confirm(
        window,
        translate("billing.cash_dialogs", "Caja cerrada"),
        translate(
            "billing.cash_dialogs", "La caja quedó cerrada. ¿Imprimir el reporte del cierre?"
        ),
    ):
        printing.preview_cash_report(window, dialog.session_id)
    return dialog.session_id


def cash_sessions(window) -> CashSessionsDialog:
    dialog = CashSessionsDialog(window)
    dialog.exec()
    return dialog


def _refresh(window) -> None:
    indicator = getattr(window, "cash_indicator", None)
    if indicator is not None:
        indicator.refresh()
