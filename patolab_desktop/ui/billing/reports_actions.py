"""Facturación → reports (billing.reports): ventas del día, libro de ventas (CSV and the
plain-text file for SAR, Art. 53), números no utilizados (Art. 42) and the invoices and
credit notes CSV. Files are written through the safe output path (a database, a backup
or a folder is refused)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtCore import QDate
from PySide6.QtWidgets import QDateEdit, QLabel

from ...i18n import translate
from ...services import csvio
from ...services.billing import reports
from ...services.errors import ServiceError
from .. import prompts
from ..widgets.ask_flow import ask_and_attempt
from ..widgets.forms import button_row, push_button
from .base import BillingDialog
from .common import money, save_file, show_error

CTX = "billing.reports_actions"


def _save_csv(window, title: str, name: str, rows_of) -> Path | None:
    def write(path: Path) -> int:
        rows = list(rows_of())
        return csvio.write_csv(path, rows[0], rows[1:])

    return save_file(
        window,
        title,
        name,
        translate("billing.reports_actions", "Archivos CSV (*.csv)"),
        write,
        lambda path, count: translate(
            "billing.reports_actions", "Se guardaron {count} filas en:\n{path}"
        ).format(count=count, path=path),
    )


def _ask_month(window) -> str | None:
    title = translate("billing.reports_actions", "Libro de ventas")
    label = translate("billing.reports_actions", "Mes (AAAA-MM):")
    default = dt.date.today().strftime("%Y-%m")
    found = ask_and_attempt(
        window,
        title,
        reports.month_range,
        lambda: prompts.ask_text(window, title, label, default),
    )
    return None if found is None else found[0].strip()


def sales_book_csv(window) -> Path | None:
    return _sales_book(window, as_text=False)


def sales_book_text(window) -> Path | None:
    return _sales_book(window, as_text=True)


def _sales_book(window, as_text: bool) -> Path | None:
    """Ask the month; the service writes the file (CSV, or the plain text for the SAR)
    and records who exported it."""
    month = _ask_month(window)
    if month is None:
        return None
    if as_text:
        title = translate("billing.reports_actions", "Libro de ventas (texto para el SAR)")
        filter_text = translate("billing.reports_actions", "Texto (*.txt)")
    else:
        title = translate("billing.reports_actions", "Libro de ventas (CSV)")
        filter_text = translate("billing.reports_actions", "Archivos CSV (*.csv)")
    return save_file(
        window,
        title,
        f"libro-ventas-{month}.{'txt' if as_text else 'csv'}",
        filter_text,
        lambda path: reports.export_sales_book(path, month, as_text=as_text),
        lambda path, _count: translate(
            "billing.reports_actions", "Archivo guardado en:\n{path}"
        ).format(path=path),
    )


def unused_numbers_csv(window) -> Path | None:
    return _save_csv(
        window,
        translate("billing.reports_actions", "Números no utilizados"),
        "numeros-no-utilizados.csv",
        reports.unused_rows,
    )


def documents_csv(window) -> Path | None:
    return _save_csv(
        window,
        translate("billing.reports_actions", "Facturas y notas de crédito (CSV)"),
        "documentos-fiscales.csv",
        reports.documents_rows,
    )


class DailySalesDialog(BillingDialog):
    """Money taken on a day per method and per receptionist; the saldo a favor applied
    or kept on its own lines, not in «Total cobrado»."""

    def __init__(self, parent=None):
        super().__init__(
            parent, translate("billing.reports_actions", "Ventas del día"), "print", (620, 460)
        )
        self.day_edit = QDateEdit(QDate.currentDate())
        self.day_edit.setCalendarPopup(True)
        self.day_edit.setDisplayFormat("dd/MM/yyyy")
        button_row(
            self.column, (QLabel(translate("billing.reports_actions", "Día:")), self.day_edit)
        )
        self.body = QLabel()
        self.body.setWordWrap(True)
        self.body.setStyleSheet("font-size: 11pt;")
        self.column.addWidget(self.body, 1)
        self.column.addWidget(self.error)
        close = push_button(translate("billing.reports_actions", "C&errar"), "", self.accept)
        button_row(self.column, right=(close,))
        self.day_edit.dateChanged.connect(self.reload)
        self.reload()

    def reload(self, *_args) -> None:
        day = self.day_edit.date().toPython()
        tr_ = {
            "Por forma de pago": translate("billing.reports_actions", "Por forma de pago"),
            "Por usuario": translate("billing.reports_actions", "Por usuario"),
            "Total cobrado": translate("billing.reports_actions", "Total cobrado"),
            "Ventas del {day}": translate("billing.reports_actions", "Ventas del {day}"),
        }
        try:
            data = reports.daily_sales(day)
        except ServiceError as exc:
            show_error(self.error, str(exc))
            return
        lines = [f"<h3>{tr_['Ventas del {day}'].format(day=day.strftime('%d/%m/%Y'))}</h3>"]
        lines.append(f"<b>{tr_['Por forma de pago']}</b><br>")
        for name, value in sorted(data["per_method"].items()):
            lines.append(f"{name}: {money(value)}<br>")
        lines.append(f"<b>{tr_['Total cobrado']}: {money(data['total'])}</b><br>")
        # the saldo a favor is no money taken: its own lines, outside «Total cobrado»
        for key, text in (
            (
                "balance_applied",
                translate("billing.reports_actions", "Saldo a favor aplicado (no es dinero)"),
            ),
            (
                "balance_kept",
                translate("billing.reports_actions", "Notas de crédito dejadas como saldo a favor"),
            ),
        ):
            if data[key]:
                lines.append(f"{text}: {money(data[key])}<br>")
        lines.append("<br>")
        lines.append(f"<b>{tr_['Por usuario']}</b><br>")
        for user, methods in sorted(data["per_user"].items()):
            parts = ", ".join(f"{n} {money(v)}" for n, v in sorted(methods.items()))
            lines.append(f"{user}: {parts}<br>")
        lines.append(
            "<br>"
            + translate(
                "billing.reports_actions",
                "Facturado: {invoiced} · Notas de crédito: {credited} · Documentos: {docs} "
                "(anulados: {voided})",
            ).format(
                invoiced=money(data["invoiced"]),
                credited=money(data["credited"]),
                docs=data["documents"],
                voided=data["voided"],
            )
        )
        self.body.setText("".join(lines))
        self.data = data


def daily_sales(window) -> DailySalesDialog:
    dialog = DailySalesDialog(window)
    dialog.exec()
    return dialog


def install(window) -> None:
    window.menu("billing").addSeparator()
    for text, slot in (
        (translate("billing.reports_actions", "&Ventas del día…"), daily_sales),
        (translate("billing.reports_actions", "&Libro de ventas (CSV)…"), sales_book_csv),
        (translate("billing.reports_actions", "Libro de ventas (&texto SAR)…"), sales_book_text),
        (translate("billing.reports_actions", "&Números no utilizados (CSV)…"), unused_numbers_csv),
        (
            translate("billing.reports_actions", "&Facturas y notas de crédito (CSV)…"),
            documents_csv,
        ),
    ):
        window.add_action(
            "billing", text, lambda s=slot: s(window), "print", permission="billing.reports"
        )
    window.menu("billing").addSeparator()
