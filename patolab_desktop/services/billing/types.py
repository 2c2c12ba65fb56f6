"""Vocabulary of billing (issue 17): document types, tax classes, payment methods."""

from __future__ import annotations

from decimal import Decimal

from ..texts import QT_TRANSLATE_NOOP, translate

INVOICE = "01"
CREDIT_NOTE = "06"
DEBIT_NOTE = "07"
DOC_TYPE_LABELS = {
    INVOICE: QT_TRANSLATE_NOOP("ServiceLabels", "Factura"),
    CREDIT_NOTE: QT_TRANSLATE_NOOP("ServiceLabels", "Nota de Crédito"),
    DEBIT_NOTE: QT_TRANSLATE_NOOP("ServiceLabels", "Nota de Débito"),
}
AUTHORISATION_STATUS_LABELS = {
    "active": QT_TRANSLATE_NOOP("ServiceLabels", "Activa"),
    "ended": QT_TRANSLATE_NOOP("ServiceLabels", "Cerrada"),
    "waiting": QT_TRANSLATE_NOOP("ServiceLabels", "En espera"),  # a renewal registered ahead
}
DOC_TITLES = {INVOICE: "FACTURA", CREDIT_NOTE: "NOTA DE CRÉDITO", DEBIT_NOTE: "NOTA DE DÉBITO"}

EXEMPT = "exento"
TAXED15 = "gravado15"
TAXED18 = "gravado18"
TAX_CLASSES = (EXEMPT, TAXED15, TAXED18)
TAX_RATES = {EXEMPT: Decimal(0), TAXED15: Decimal("0.15"), TAXED18: Decimal("0.18")}
TAX_CLASS_LABELS = {
    EXEMPT: QT_TRANSLATE_NOOP("ServiceLabels", "Exento"),
    TAXED15: QT_TRANSLATE_NOOP("ServiceLabels", "Gravado 15 %"),
    TAXED18: QT_TRANSLATE_NOOP("ServiceLabels", "Gravado 18 %"),
}

CASH = "cash"
CARD = "card"
TRANSFER = "transfer"
CHEQUE = "cheque"
BALANCE = "balance"  # the customer's credit balance (saldo a favor)
METHODS = (CASH, CARD, TRANSFER, CHEQUE, BALANCE)
# the methods that bring money (or a slip for it) into the drawer; the saldo a favor was
# paid long before (the credit note that created it), so it is never money taken again
MONEY_METHODS = (CASH, CARD, TRANSFER, CHEQUE)
METHOD_LABELS = {
    CASH: QT_TRANSLATE_NOOP("ServiceLabels", "Efectivo"),
    CARD: QT_TRANSLATE_NOOP("ServiceLabels", "Tarjeta"),
    TRANSFER: QT_TRANSLATE_NOOP("ServiceLabels", "Transferencia"),
    CHEQUE: QT_TRANSLATE_NOOP("ServiceLabels", "Cheque"),
    BALANCE: QT_TRANSLATE_NOOP("ServiceLabels", "Saldo a favor"),
}

# what to do with money already invoiced or paid when a request is cancelled or an
# investigation removed (issue 17, point 5)
SETTLE_REFUND = "refund"  # give the money back
SETTLE_BALANCE = "balance"  # keep it as the customer's credit balance
SETTLE_DEBT = "debt"  # nothing was paid: the note lowers what is owed
SETTLEMENT_LABELS = {
    SETTLE_REFUND: QT_TRANSLATE_NOOP("ServiceLabels", "Devolver el dinero"),
    SETTLE_BALANCE: QT_TRANSLATE_NOOP("ServiceLabels", "Dejar como saldo a favor"),
    SETTLE_DEBT: QT_TRANSLATE_NOOP("ServiceLabels", "Rebajar lo que se debe"),
}

CONSUMER_FINAL = "CONSUMIDOR FINAL"
CONSUMER_FINAL_LIMIT = Decimal("10000.00")  # above it the buyer's name and document

# Honduran notes (1 to 500 lempiras) and coins (1 to 50 centavos), for counting the cash
# drawer at the close: without the 1- and 2-centavo coins a drawer owing centavos never
# balanced
DENOMINATIONS = tuple(
    Decimal(v)
    for v in (
        *("500", "200", "100", "50", "20", "10", "5", "2", "1"),
        *("0.50", "0.20", "0.10", "0.05", "0.02", "0.01"),
    )
)


def label(mapping: dict, key: str) -> str:
    source = mapping.get(key)
    return translate("ServiceLabels", source) if source else key
