"""Company credit (issue 17, point 4): the credit limit and days to pay (administrators),
the statement of account with its CSV, an abono at the desk, and the overdue list
(supervisors). Money rules live in ``services.billing.statements``."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
)

from ...i18n import translate
from ...services import csvio
from ...services.access import session
from ...services.billing import statements
from ...services.errors import ServiceError
from ...util.money import amount_text
from .. import prompts
from ..icons import icon
from ..models.row_table import Column
from ..widgets.csv_export import suggested_path
from .common import RIGHT, day_text, error_label, money, money_column, show_error, table
from .payment_dialog import ZERO, PaymentRow


def statement_columns() -> list[Column]:
    return [
        Column("number", translate("billing.credit_dialogs", "Factura")),
        Column("issued_at", translate("billing.credit_dialogs", "Fecha"), format=day_text),
        Column("due_date", translate("billing.credit_dialogs", "Vence"), format=day_text),
        money_column("total", translate("billing.credit_dialogs", "Total")),
        money_column("credited", translate("billing.credit_dialogs", "Notas de crédito")),
        money_column("paid", translate("billing.credit_dialogs", "Pagado")),
        money_column("balance", translate("billing.credit_dialogs", "Saldo")),
        Column("days_overdue", translate("billing.credit_dialogs", "Días vencida"), align=RIGHT),
    ]


class CompanyCreditDialog(QDialog):
    """One company: its terms, its statement and an abono."""

    def __init__(self, customer_id: int, parent=None):
        super().__init__(parent)
        self.customer_id = customer_id
        self.setWindowTitle(translate("billing.credit_dialogs", "Crédito de la empresa"))
        self.setWindowIcon(icon("customers"))
        self.resize(900, 620)
        layout = QVBoxLayout(self)
        self.title = QLabel()
        self.title.setStyleSheet("font-size: 13pt; font-weight: 700;")
        layout.addWidget(self.title)
        terms = QGroupBox(translate("billing.credit_dialogs", "Condiciones de crédito"))
        form = QHBoxLayout(terms)
        self.limit_edit = QLineEdit()
        self.limit_edit.setAlignment(RIGHT)
        self.days_spin = QSpinBox()
        self.days_spin.setRange(0, 365)
        self.active_check = QCheckBox(translate("billing.credit_dialogs", "Crédito &activo"))
        self.save_terms_button = QPushButton(
            translate("billing.credit_dialogs", "&Guardar condiciones")
        )
        form.addWidget(QLabel(translate("billing.credit_dialogs", "Límite (L)")))
        form.addWidget(self.limit_edit)
        form.addWidget(QLabel(translate("billing.credit_dialogs", "Días para pagar")))
        form.addWidget(self.days_spin)
        form.addWidget(self.active_check)
        form.addStretch(1)
        form.addWidget(self.save_terms_button)
        layout.addWidget(terms)
        can_set = session.has("billing.authorisations")
        for widget in (self.limit_edit, self.days_spin, self.active_check):
            widget.setEnabled(can_set)
        self.save_terms_button.setVisible(can_set)
        self.summary = QLabel()
        self.summary.setStyleSheet("font-weight: 600;")
        layout.addWidget(self.summary)
        self.view, self.model = table(statement_columns(), self)
        layout.addWidget(self.view, 1)
        abono = QGroupBox(translate("billing.credit_dialogs", "Abono"))
        abono_layout = QVBoxLayout(abono)
        self.abono_row = PaymentRow(amount=ZERO)
        self.abono_row.remove_button.hide()
        self.abono_button = QPushButton(
            icon("add"), translate("billing.credit_dialogs", "Registrar a&bono")
        )
        row = QHBoxLayout()
        row.addWidget(self.abono_row, 1)
        row.addWidget(self.abono_button)
        abono_layout.addLayout(row)
        abono_layout.addWidget(self.abono_row.error)
        abono.setVisible(session.has("billing.cash"))
        layout.addWidget(abono)
        self.error = error_label()
        layout.addWidget(self.error)
        buttons = QHBoxLayout()
        self.csv_button = QPushButton(
            icon("export"), translate("billing.credit_dialogs", "Estado de cuenta &CSV…")
        )
        self.pdf_button = QPushButton(
            icon("pdf"), translate("billing.credit_dialogs", "Estado de cuenta &PDF…")
        )
        close = QPushButton(translate("billing.credit_dialogs", "C&errar"))
        buttons.addWidget(self.csv_button)
        buttons.addWidget(self.pdf_button)
        buttons.addStretch(1)
        buttons.addWidget(close)
        layout.addLayout(buttons)
        self.save_terms_button.clicked.connect(self.save_terms)
        self.abono_button.clicked.connect(self.record_abono)
        self.csv_button.clicked.connect(self.save_csv)
        self.pdf_button.clicked.connect(self.save_pdf)
        close.clicked.connect(self.accept)
        self.reload()

    def reload(self) -> None:
        try:
            account = statements.get_account(self.customer_id)
            data = statements.statement(self.customer_id)
        except ServiceError as exc:
            show_error(self.error, str(exc))
            return
        self.account = account
        self.data = data
        self.title.setText(data["customer_name"])
        self.limit_edit.setText(amount_text(account["credit_limit"]))
        self.days_spin.setValue(int(account["days"]))
        self.active_check.setChecked(bool(account["active"]))
        self.summary.setText(
            translate(
                "billing.credit_dialogs",
                "Debe {balance} · vencido {overdue} · límite {limit} · disponible {available}",
            ).format(
                balance=money(data["balance"]),
                overdue=money(data["overdue"]),
                limit=money(data["credit_limit"]),
                available=money(data["available"]),
            )
        )
        self.model.set_rows(data["rows"])

    def save_terms(self) -> bool:
        try:
            statements.set_account(
                self.customer_id,
                self.limit_edit.text(),
                self.days_spin.value(),
                self.active_check.isChecked(),
                expected_version=self.account["version"] or None,
            )
        except ServiceError as exc:
            show_error(self.error, str(exc))
            return False
        show_error(self.error, "")
        self.reload()
        return True

    def record_abono(self) -> list[int] | None:
        show_error(self.abono_row.error, "")
        try:
            touched = statements.record_abono(self.customer_id, [self.abono_row.payment()])
        except ServiceError as exc:
            show_error(self.abono_row.error, str(exc))
            return None
        self.abono_row.amount_edit.setText("0.00")
        self.reload()
        return touched

    def save_csv(self) -> Path | None:
        title = translate("billing.credit_dialogs", "Estado de cuenta (CSV)")
        path = prompts.save_file(
            self,
            title,
            suggested_path(f"estado-de-cuenta-{self.customer_id}.csv"),
            translate("billing.credit_dialogs", "Archivos CSV (*.csv)"),
        )
        if not path:
            return None
        path = Path(path if path.lower().endswith(".csv") else path + ".csv")
        try:
            rows = statements.statement_rows(self.customer_id)
            csvio.write_csv(path, rows[0], rows[1:])
        except (ServiceError, OSError) as exc:
            prompts.error(self, title, str(exc))
            return None
        return path

    def save_pdf(self) -> Path | None:
        """The printed statement of account (documents/account_statement.py)."""
        from ...documents.account_statement import write_statement_pdf
        from ...services import settings

        title = translate("billing.credit_dialogs", "Estado de cuenta (PDF)")
        path = prompts.save_file(
            self,
            title,
            suggested_path(f"estado-de-cuenta-{self.customer_id}.pdf"),
            translate("billing.credit_dialogs", "Documentos PDF (*.pdf)"),
        )
        if not path:
            return None
        path = Path(path if path.lower().endswith(".pdf") else path + ".pdf")
        try:
            data = statements.statement(self.customer_id)
            paper = str(settings.get("paper_size") or "Letter")
            write_statement_pdf(
                path,
                data,
                paper if paper in ("Letter", "A4") else "Letter",
                lab_name=str(settings.get("lab_name") or ""),
            )
        except (ServiceError, OSError) as exc:
            prompts.error(self, title, str(exc))
            return None
        prompts.info(
            self, title, translate("billing.credit_dialogs", "Guardado en {path}").format(path=path)
        )
        return path


def overdue_columns() -> list[Column]:
    return [
        Column("buyer_name", translate("billing.credit_dialogs", "Empresa")),
        Column("number", translate("billing.credit_dialogs", "Factura")),
        Column("due_date", translate("billing.credit_dialogs", "Venció"), format=day_text),
        money_column("balance", translate("billing.credit_dialogs", "Saldo")),
        Column("days_overdue", translate("billing.credit_dialogs", "Días vencida"), align=RIGHT),
    ]


class OverdueDialog(QDialog):
    """Credit invoices past their due date with a balance (supervisors)."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setWindowTitle(translate("billing.credit_dialogs", "Cuentas vencidas"))
        self.setWindowIcon(icon("customers"))
        self.resize(800, 480)
        layout = QVBoxLayout(self)
        self.view, self.model = table(overdue_columns(), self)
        layout.addWidget(self.view, 1)
        self.error = error_label()
        layout.addWidget(self.error)
        buttons = QHBoxLayout()
        self.open_button = QPushButton(
            icon("customers"), translate("billing.credit_dialogs", "&Ver estado de cuenta…")
        )
        close = QPushButton(translate("billing.credit_dialogs", "C&errar"))
        buttons.addWidget(self.open_button)
        buttons.addStretch(1)
        buttons.addWidget(close)
        layout.addLayout(buttons)
        self.open_button.clicked.connect(self.open_current)
        close.clicked.connect(self.accept)
        try:
            self.model.set_rows(statements.overdue())
        except ServiceError as exc:
            show_error(self.error, str(exc))

    def open_current(self):
        index = self.view.currentIndex()
        if not index.isValid():
            return None
        row = self.model.row_dict(index.row())
        dialog = CompanyCreditDialog(row["customer_id"], self)
        dialog.exec()
        return dialog


def overdue(window) -> OverdueDialog:
    dialog = OverdueDialog(window)
    dialog.exec()
    return dialog


def company_credit(window):
    """Facturación → Crédito de empresas…: ask the company's name, open its credit."""
    from ...services import customers
    from ...services.paging import PageRequest

    title = translate("billing.credit_dialogs", "Crédito de empresas")
    text = prompts.ask_text(
        window, title, translate("billing.credit_dialogs", "Empresa (nombre o RTN):")
    )
    if not text:
        return None
    try:
        page = customers.page(
            customers.CustomerFilter(search=text, type="empresa"), PageRequest(limit=5)
        )
    except ServiceError as exc:
        prompts.error(window, title, str(exc))
        return None
    if not page.rows:
        prompts.error(
            window, title, translate("billing.credit_dialogs", "No hay una empresa con ese nombre.")
        )
        return None
    row = page.rows[0]
    dialog = CompanyCreditDialog(row["id"] if isinstance(row, dict) else row.id, window)
    dialog.exec()
    return dialog
