"""Company credit (issue 17, point 4): the credit limit and days to pay (administrators),
the statement of account with its CSV, an abono at the desk, and the overdue list
(supervisors). Money rules live in ``services.billing.statements``."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QCheckBox,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QSpinBox,
    QVBoxLayout,
)

from ...i18n import translate
from ...services import csvio
from ...services.access import session
from ...services.billing import statements
from ...util.money import amount_text
from .. import prompts
from ..models.row_table import Column
from ..widgets.forms import button_row, push_button
from .base import REFUSED, BillingTableWindow
from .common import RIGHT, day_text, heading, money, money_column, money_edit, save_file, show_error
from .payment_row import ZERO, PaymentRow


def inactive_name(name: str) -> str:
    """A deactivated company's name as the credit screens show it: its debt is still
    collected."""
    return translate("billing.credit_dialogs", "{name} (inactiva)").format(name=name)


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


class CompanyCreditDialog(BillingTableWindow):
    """One company: its terms, its statement and an abono."""

    def __init__(self, customer_id: int, parent=None):
        super().__init__(
            parent,
            translate("billing.credit_dialogs", "Crédito de la empresa"),
            "customers",
            (900, 620),
            statement_columns(),
        )
        self.customer_id = customer_id
        self.title = heading("")
        self.column.addWidget(self.title)
        self.column.addWidget(self._terms_box())
        self.summary = QLabel()
        self.summary.setStyleSheet("font-weight: 600;")
        self.column.addWidget(self.summary)
        self.column.addWidget(self.view, 1)
        self.column.addWidget(self._abono_box())
        self.csv_button = push_button(
            translate("billing.credit_dialogs", "Estado de cuenta &CSV…"), "export", self.save_csv
        )
        self.pdf_button = push_button(
            translate("billing.credit_dialogs", "Estado de cuenta &PDF…"), "pdf", self.save_pdf
        )
        self.column.addWidget(self.error)
        button_row(
            self.column,
            (self.csv_button, self.pdf_button),
            (push_button(translate("billing.credit_dialogs", "C&errar"), "", self.accept),),
        )
        self.reload()

    def _terms_box(self) -> QGroupBox:
        """The credit limit, the days to pay and «active» (administrators change them)."""
        terms = QGroupBox(translate("billing.credit_dialogs", "Condiciones de crédito"))
        form = QHBoxLayout(terms)
        self.limit_edit = money_edit()
        self.days_spin = QSpinBox()
        self.days_spin.setRange(0, 365)
        self.active_check = QCheckBox(translate("billing.credit_dialogs", "Crédito &activo"))
        self.save_terms_button = push_button(
            translate("billing.credit_dialogs", "&Guardar condiciones"), "", self.save_terms
        )
        form.addWidget(QLabel(translate("billing.credit_dialogs", "Límite (L)")))
        form.addWidget(self.limit_edit)
        form.addWidget(QLabel(translate("billing.credit_dialogs", "Días para pagar")))
        form.addWidget(self.days_spin)
        form.addWidget(self.active_check)
        form.addStretch(1)
        form.addWidget(self.save_terms_button)
        can_set = session.has("billing.authorisations")
        for widget in (self.limit_edit, self.days_spin, self.active_check):
            widget.setEnabled(can_set)
        self.save_terms_button.setVisible(can_set)
        return terms

    def _abono_box(self) -> QGroupBox:
        """One payment towards the statement (roles with billing.cash)."""
        abono = QGroupBox(translate("billing.credit_dialogs", "Abono"))
        abono_layout = QVBoxLayout(abono)
        self.abono_row = PaymentRow(amount=ZERO)
        self.abono_row.remove_button.hide()
        self.abono_button = push_button(
            translate("billing.credit_dialogs", "Registrar a&bono"), "add", self.record_abono
        )
        row = QHBoxLayout()
        row.addWidget(self.abono_row, 1)
        row.addWidget(self.abono_button)
        abono_layout.addLayout(row)
        abono_layout.addWidget(self.abono_row.error)
        abono.setVisible(session.has("billing.cash"))
        return abono

    def reload(self, *_args) -> None:
        found = self.attempt(
            lambda: (
                statements.get_account(self.customer_id),
                statements.statement(self.customer_id),
            )
        )
        if found is REFUSED:
            return
        self.account, self.data = account, data = found
        name = data["customer_name"]
        self.title.setText(name if data["customer_active"] else inactive_name(name))
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
        self.abono_row.balance_label.setText(
            translate("billing.credit_dialogs", "Saldo a favor: {amount}").format(
                amount=money(data["credit_balance"])
            )
        )
        self.show_rows(data["rows"])

    def save_terms(self) -> bool:
        if (
            self.attempt(
                lambda: statements.set_account(
                    self.customer_id,
                    self.limit_edit.text(),
                    self.days_spin.value(),
                    self.active_check.isChecked(),
                    expected_version=self.account["version"] or None,
                )
            )
            is REFUSED
        ):
            return False
        show_error(self.error, "")
        self.reload()
        return True

    def record_abono(self) -> list[int] | None:
        """Record the abono and say what it did (the invoices it paid; what it brought
        beyond the debt stays as the company's saldo a favor). Returns the invoices' ids."""
        show_error(self.abono_row.error, "")
        abono = self.attempt(
            lambda: statements.record_abono(self.customer_id, [self.abono_row.payment()]),
            self.abono_row.error,
        )
        if abono is REFUSED:
            return None
        self.abono_row.amount_edit.setText("0.00")
        self.reload()
        text = translate("billing.credit_dialogs", "Abono registrado.")
        if abono.kept > 0:
            text += " " + translate(
                "billing.credit_dialogs", "{amount} quedan como saldo a favor."
            ).format(amount=money(abono.kept))
        prompts.info(self, translate("billing.credit_dialogs", "Abono"), text)
        return abono.invoice_ids

    def save_csv(self) -> Path | None:
        def write(path: Path) -> None:
            rows = statements.statement_rows(self.customer_id)
            csvio.write_csv(path, rows[0], rows[1:])

        return save_file(
            self,
            translate("billing.credit_dialogs", "Estado de cuenta (CSV)"),
            f"estado-de-cuenta-{self.customer_id}.csv",
            translate("billing.credit_dialogs", "Archivos CSV (*.csv)"),
            write,
        )

    def save_pdf(self) -> Path | None:
        """The printed statement of account (documents/account_statement.py)."""
        from ...documents.account_statement import write_statement_pdf
        from ...services import settings

        def write(path: Path) -> None:
            paper = str(settings.get("paper_size") or "Letter")
            write_statement_pdf(
                path,
                statements.statement(self.customer_id),
                paper if paper in ("Letter", "A4") else "Letter",
                lab_name=str(settings.get("lab_name") or ""),
            )

        return save_file(
            self,
            translate("billing.credit_dialogs", "Estado de cuenta (PDF)"),
            f"estado-de-cuenta-{self.customer_id}.pdf",
            translate("billing.credit_dialogs", "Documentos PDF (*.pdf)"),
            write,
            lambda path, _none: translate("billing.credit_dialogs", "Guardado en {path}").format(
                path=path
            ),
        )


def overdue_columns() -> list[Column]:
    return [
        Column("buyer_name", translate("billing.credit_dialogs", "Empresa")),
        Column("number", translate("billing.credit_dialogs", "Factura")),
        Column("due_date", translate("billing.credit_dialogs", "Venció"), format=day_text),
        money_column("balance", translate("billing.credit_dialogs", "Saldo")),
        Column("days_overdue", translate("billing.credit_dialogs", "Días vencida"), align=RIGHT),
    ]


class OverdueDialog(BillingTableWindow):
    """Credit invoices past their due date with a balance (supervisors)."""

    def __init__(self, parent=None):
        super().__init__(
            parent,
            translate("billing.credit_dialogs", "Cuentas vencidas"),
            "customers",
            (800, 480),
            overdue_columns(),
        )
        self.open_button = push_button(
            translate("billing.credit_dialogs", "&Ver estado de cuenta…"),
            "customers",
            self.open_current,
        )
        self.finish_table((self.open_button,))
        rows = self.attempt(statements.overdue)
        if rows is not REFUSED:
            self.show_rows(rows)

    def open_current(self):
        row = self.current()
        if row is None:
            return None
        dialog = CompanyCreditDialog(row["customer_id"], self)
        dialog.exec()
        return dialog


def overdue(window) -> OverdueDialog:
    dialog = OverdueDialog(window)
    dialog.exec()
    return dialog


#: the companies offered to choose from when the typed text matches several
COMPANY_CHOICES = 20


def company_credit(window):
    """Facturación → Crédito de empresas…: ask the company's name or RTN and open its
    credit; when several companies match, the person chooses one by name and RTN (an
    abono must go to the right company, not to the first that matches)."""
    from ...services import customers
    from ...services.paging import PageRequest

    title = translate("billing.credit_dialogs", "Crédito de empresas")
    text = prompts.ask_text(
        window, title, translate("billing.credit_dialogs", "Empresa (nombre o RTN):")
    )
    if not text:
        return None
    page = prompts.attempt(
        window,
        title,
        lambda: customers.page(
            customers.CustomerFilter(search=text, type="empresa", include_inactive=True),
            PageRequest(limit=COMPANY_CHOICES),
        ),
    )
    if page is prompts.REFUSED:
        return None
    # an inactive company (older data: deactivated while it owed, before that was
    # refused) is found while it owes, marked «(inactiva)», so its abonos can be recorded
    inactive = [row["id"] for row in page.rows if not row["active"]]
    owing = prompts.attempt(window, title, lambda: statements.owing(inactive))
    if owing is prompts.REFUSED:
        return None
    rows = [
        row if row["active"] else {**row, "name": inactive_name(row["name"])}
        for row in page.rows
        if row["active"] or row["id"] in owing
    ]
    if not rows:
        prompts.error(
            window, title, translate("billing.credit_dialogs", "No hay una empresa con ese nombre.")
        )
        return None
    customer_id = rows[0]["id"]
    if len(rows) > 1:
        customer_id = _choose_company(window, title, text, rows, page.cursor is not None)
        if customer_id is None:
            return None
    dialog = CompanyCreditDialog(customer_id, window)
    dialog.exec()
    return dialog


def _choose_company(window, title: str, text: str, rows: list[dict], more: bool) -> int | None:
    """The id of the company the person picks among ``rows`` (name · RTN), or None."""
    labels: dict[str, int] = {}
    for row in rows:
        shown = f"{row['name']} · RTN {row['id_number']}" if row["id_number"] else row["name"]
        if shown in labels:  # two alike: the record number tells them apart
            shown = f"{shown} (n.º {row['id']})"
        labels[shown] = row["id"]
    question = translate(
        "billing.credit_dialogs", "Varias empresas coinciden con «{text}». Elija una:"
    ).format(text=text)
    if more:
        question = translate(
            "billing.credit_dialogs",
            "Más de {count} empresas coinciden con «{text}»: estas son las primeras; si no "
            "está la que busca, escriba más del nombre o el RTN. Elija una:",
        ).format(count=len(rows), text=text)
    chosen = prompts.ask_item(window, title, question, list(labels))
    return labels.get(chosen) if chosen else None
