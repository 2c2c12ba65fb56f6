"""Billing reports and exports (issue 17, point 7): invoices and credit notes CSV, the
monthly libro de ventas (with its plain-text file, Art. 53), the unused numbers per
authorisation (Art. 42) and the daily sales per method and per receptionist."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable, Iterator
from decimal import Decimal
from pathlib import Path

from peewee import fn

from ...db.models_billing import FiscalAuthorisation, FiscalDocument, Payment
from ...util.formatting import FIRST_YEAR, LAST_YEAR
from .. import identity
from ..access import audit, session
from ..errors import ValidationError
from ..texts import translate
from .amounts import stored_sum
from .authorisations import counter_key, format_number, today
from .balances import summed
from .types import BALANCE, DOC_TYPE_LABELS, METHOD_LABELS, MONEY_METHODS, label

CONTEXT = "services.billing"
TWO = Decimal("0.01")


def month_range(month: str) -> tuple[dt.datetime, dt.datetime]:
    """``"2026-11"`` → [1 Nov 00:00, 1 Dec 00:00). A year outside FIRST_YEAR..LAST_YEAR is
    refused (9999-12 has no next month: it failed with Python's English «year 10000 is
    out of range»)."""
    try:
        year, number = (int(part) for part in str(month).strip().split("-"))
        start = dt.datetime(year, number, 1)
    except (ValueError, TypeError) as exc:
        raise ValidationError(
            {
                "month": translate(
                    "services.billing", "Escriba el mes como AAAA-MM (por ejemplo 2026-11)."
                )
            }
        ) from exc
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise ValidationError(
            {
                "month": translate(
                    "services.billing", "El año del mes debe estar entre {first} y {last}."
                ).format(first=FIRST_YEAR, last=LAST_YEAR)
            }
        )
    end = dt.datetime(year + (number == 12), number % 12 + 1, 1)
    return start, end


def _money(value: Decimal) -> str:
    return f"{Decimal(value).quantize(TWO):.2f}"


DOCUMENT_COLUMNS = (
    "fecha",
    "tipo",
    "numero",
    "cai",
    "estado",
    "comprador",
    "documento_comprador",
    "importe_exento",
    "importe_exonerado",
    "importe_gravado_15",
    "importe_gravado_18",
    "isv_15",
    "isv_18",
    "descuentos",
    "total",
    "credito",
    "factura_original",
    "motivo",
    "emitida_por",
)


def documents_rows(
    start: dt.datetime | None = None, end: dt.datetime | None = None
) -> Iterator[list[str]]:
    """Invoices and credit notes as CSV rows (header first), oldest first. A void one keeps
    its row with its status (its number was consumed)."""
    session.require("billing.reports")
    query = FiscalDocument.select().order_by(FiscalDocument.issued_at, FiscalDocument.id)
    if start is not None:
        query = query.where(FiscalDocument.issued_at >= start)
    if end is not None:
        query = query.where(FiscalDocument.issued_at < end)
    originals: dict[int, str] = {}
    # full for holders of patients.view_sensitive, else masked; never a locked one
    shown = identity.shower(for_a_file=True)
    yield list(DOCUMENT_COLUMNS)
    for row in query.iterator():
        original = ""
        if row.original_id:
            if row.original_id not in originals:
                originals[row.original_id] = FiscalDocument.get_by_id(row.original_id).number
            original = originals[row.original_id]
        yield [
            row.issued_at.strftime("%Y-%m-%d %H:%M"),
            label(DOC_TYPE_LABELS, row.doc_type),
            row.number,
            row.cai,
            translate("services.billing", "ANULADA")
            if row.status == "void"
            else translate("services.billing", "emitida"),
            row.buyer_name,
            shown(row.buyer_document),
            _money(row.exempt),
            _money(row.exonerated),
            _money(row.taxed15),
            _money(row.taxed18),
            _money(row.isv15),
            _money(row.isv18),
            _money(row.discounts),
            _money(row.total),
            translate("services.billing", "sí")
            if row.on_credit
            else translate("services.billing", "no"),
            original,
            row.void_reason if row.status == "void" else row.reason,
            row.issued_by,
        ]


SALES_BOOK_COLUMNS = (
    "fecha",
    "tipo_documento",
    "numero",
    "cai",
    "rtn_comprador",
    "nombre_comprador",
    "importe_exento",
    "importe_exonerado",
    "importe_gravado_15",
    "isv_15",
    "importe_gravado_18",
    "isv_18",
    "total",
    "estado",
)


def sales_book(month: str) -> list[list[str]]:
    """The libro de ventas of a month: every document in number order; a void one with
    zero amounts and ANULADA; credit notes with their amounts negative. Header first,
    then a totals row.

    The buyer's RTN or identity is written whole for whoever may export it: it is the
    fiscal record SAR asks for (Art. 53), the same number the printed factura carries, so
    it cannot depend on who exports it (``patients.view_sensitive`` governs the screens
    and the other listings). A workstation without the identity key raises
    ``IdentityKeyNeeded`` rather than writing a locked number into the file."""
    session.require("billing.reports")
    start, end = month_range(month)
    rows = [list(SALES_BOOK_COLUMNS)]
    shown = identity.revealer()
    sums = [Decimal(0)] * 7
    query = (
        FiscalDocument.select()
        .where((FiscalDocument.issued_at >= start) & (FiscalDocument.issued_at < end))
        .order_by(FiscalDocument.doc_type, FiscalDocument.number)
    )
    for row in query:
        sign = -1 if row.doc_type == "06" else 1
        values = [
            row.exempt,
            row.exonerated,
            row.taxed15,
            row.isv15,
            row.taxed18,
            row.isv18,
            row.total,
        ]
        if row.status == "void":
            values = [Decimal(0)] * 7
        # a credit note's zero amounts stay 0.00 (times -1 they were written "-0.00")
        values = [Decimal(v).quantize(TWO) * sign if v else Decimal("0.00") for v in values]
        sums = [a + b for a, b in zip(sums, values, strict=True)]
        rows.append(
            [
                row.issued_at.strftime("%d/%m/%Y"),
                row.doc_type,
                row.number,
                row.cai,
                shown(row.buyer_document).replace("-", ""),
                row.buyer_name,
            ]
            + [f"{v:.2f}" for v in values]
            + [
                translate("services.billing", "ANULADA")
                if row.status == "void"
                else translate("services.billing", "VIGENTE")
            ]
        )
    rows.append(
        ["", "", "", "", "", translate("services.billing", "TOTALES")]
        + [f"{v:.2f}" for v in sums]
        + [""]
    )
    return rows


def sales_book_text(month: str) -> str:
    """The libro de ventas as a plain-text file for SAR (Art. 53): one line per document,
    fields separated by ``|``, CRLF line ends."""
    return _as_text(sales_book(month))


def _as_text(rows: list[list[str]]) -> str:
    lines = ["|".join(cell.replace("|", "/") for cell in row) for row in rows]
    return "\r\n".join(lines) + "\r\n"


def export_sales_book(path: str | os.PathLike[str], month: str, as_text: bool = False) -> int:
    """Write the libro de ventas of ``month`` to ``path`` (the CSV, or the plain-text file
    for SAR when ``as_text``) and record in the audit who exported it (the month, the
    file name and the count, no data: it holds the buyers' numbers whole). Returns the
    documents written."""
    from .. import csvio
    from ..safety import outputs

    session.require_now("billing.reports")
    rows = sales_book(month)
    if as_text:
        with outputs.atomic_output(path, encoding="utf-8", newline="") as handle:
            handle.write(_as_text(rows))
    else:
        csvio.write_csv(path, rows[0], rows[1:])
    count = len(rows) - 2  # without the header and the totals
    start, _end = month_range(month)
    audit.record_done(
        "export",
        "fiscal_document",
        f"Exportación del libro de ventas {start:%Y-%m} a {Path(path).name}: {count} filas.",
    )
    return count


def unused_numbers(authorisation_id: int | None = None) -> list[dict]:
    """Numbers not used per authorisation (Art. 42): gaps inside the used part, the numbers
    of void documents, and the remainder of an authorisation that ended or expired.

    A number issued before a restore whose copy lacked its document (``before_restore``)
    is no gap, and a factura voided before a restore whose copy has it in force again
    (``voided_before_restore``, with those issued and voided) is reported as voided
    (``lost_fiscal_document``): issued documents are kept, their numbers never reused."""
    from ...db.models_safety import LostFiscalDocument

    session.require("billing.reports")
    query = FiscalAuthorisation.select().order_by(FiscalAuthorisation.id)
    if authorisation_id is not None:
        query = query.where(FiscalAuthorisation.id == authorisation_id)
    result = []
    for auth in query:
        status_of = dict(
            FiscalDocument.select(FiscalDocument.correlative, FiscalDocument.status)
            .where(FiscalDocument.authorisation == auth.id)
            .tuples()
        )
        lost = dict(
            LostFiscalDocument.select(LostFiscalDocument.correlative, LostFiscalDocument.voided)
            .where(
                (
                    LostFiscalDocument.key
                    == counter_key(auth.establishment, auth.point, auth.doc_type)
                )
                & LostFiscalDocument.correlative.between(auth.range_from, auth.range_to)
            )
            .order_by(LostFiscalDocument.correlative)
            .tuples()
        )
        used = set(status_of) | set(lost)
        voided = [
            n
            for (n,) in FiscalDocument.select(FiscalDocument.number)
            .where((FiscalDocument.authorisation == auth.id) & (FiscalDocument.status == "void"))
            .order_by(FiscalDocument.correlative)
            .tuples()
        ]
        gaps = _ranges(n for n in range(auth.range_from, auth.last_used + 1) if n not in used)
        ended = auth.status == "ended" or auth.deadline < today()  # a renewal waits
        remainder = (
            (auth.last_used + 1, auth.range_to)
            if ended and auth.last_used < auth.range_to
            else None
        )

        def fmt(n: int, auth: FiscalAuthorisation = auth) -> str:
            return format_number(auth.establishment, auth.point, auth.doc_type, n)

        result.append(
            {
                "authorisation_id": auth.id,
                "key": counter_key(auth.establishment, auth.point, auth.doc_type),
                "cai": auth.cai,
                "doc_type_label": label(DOC_TYPE_LABELS, auth.doc_type),
                "status": auth.status,
                "deadline": auth.deadline,
                "gaps": [(fmt(a), fmt(b)) for a, b in gaps],
                "voided": voided,
                "before_restore": [fmt(n) for n, v in lost.items() if n not in status_of and not v],
                "voided_before_restore": [
                    fmt(n) for n, v in lost.items() if v and status_of.get(n, "issued") == "issued"
                ],
                "remainder": (fmt(remainder[0]), fmt(remainder[1])) if remainder else None,
                "remainder_count": (remainder[1] - remainder[0] + 1) if remainder else 0,
            }
        )
    return result


def _ranges(numbers: Iterable[int]) -> list[tuple[int, int]]:
    found: list[list[int]] = []
    for n in numbers:
        if found and found[-1][1] == n - 1:
            found[-1][1] = n
        else:
            found.append([n, n])
    return [(a, b) for a, b in found]


UNUSED_COLUMNS = ("cai", "punto", "tipo", "clase", "desde", "hasta", "cantidad")


def unused_rows() -> list[list[str]]:
    rows = [list(UNUSED_COLUMNS)]
    for item in unused_numbers():
        for a, b in item["gaps"]:
            rows.append(
                [
                    item["cai"],
                    item["key"],
                    item["doc_type_label"],
                    translate("services.billing", "salto"),
                    a,
                    b,
                    str(int(b[-8:]) - int(a[-8:]) + 1),
                ]
            )
        for kind, label_text in (
            ("voided", translate("services.billing", "anulado")),
            (
                "before_restore",
                translate("services.billing", "emitido antes de restaurar una copia"),
            ),
            (
                "voided_before_restore",
                translate("services.billing", "anulado antes de restaurar una copia"),
            ),
        ):
            for number in item[kind]:
                rows.append(
                    [
                        item["cai"],
                        item["key"],
                        item["doc_type_label"],
                        label_text,
                        number,
                        number,
                        "1",
                    ]
                )
        if item["remainder"]:
            a, b = item["remainder"]
            rows.append(
                [
                    item["cai"],
                    item["key"],
                    item["doc_type_label"],
                    translate("services.billing", "sobrante al vencer o cerrar"),
                    a,
                    b,
                    str(item["remainder_count"]),
                ]
            )
    return rows


def daily_sales(day: dt.date) -> dict:
    """Money taken on a day per method and per receptionist (cash, card, transfer and
    cheque: payments minus refunds and reversals), the documents issued, and apart the
    saldo a favor, which is no money taken that day: ``balance_applied``, what customers
    paid with it (its reversals taken off), and ``balance_kept``, what credit notes left
    as saldo a favor. Before, both went into «Total cobrado» as the method «Saldo a
    favor»: a note kept as saldo took its amount off the money that was in the drawers,
    and spending the saldo later added it as if it were money."""
    session.require("billing.reports")
    start = dt.datetime.combine(day, dt.time.min)
    end = start + dt.timedelta(days=1)
    where = (Payment.at >= start) & (Payment.at < end)
    money = where & Payment.method.in_(MONEY_METHODS)
    per_method = {
        label(METHOD_LABELS, m): stored_sum(v)
        for m, v in Payment.select(Payment.method, fn.SUM(Payment.amount).coerce(False))
        .where(money)
        .group_by(Payment.method)
        .tuples()
    }
    per_user: dict[str, dict[str, Decimal]] = {}
    for user, method, value in (
        Payment.select(Payment.by, Payment.method, fn.SUM(Payment.amount).coerce(False))
        .where(money)
        .group_by(Payment.by, Payment.method)
        .tuples()
    ):
        per_user.setdefault(user, {})[label(METHOD_LABELS, method)] = stored_sum(value)
    # into the saldo: a credit note kept as saldo («to_balance») or refunded to it
    into_balance = (Payment.method == BALANCE) & Payment.kind.in_(("to_balance", "refund"))
    docs = FiscalDocument.select().where(
        (FiscalDocument.issued_at >= start) & (FiscalDocument.issued_at < end)
    )
    invoiced = sum(
        (d.total for d in docs if d.doc_type == "01" and d.status == "issued"), Decimal(0)
    ).quantize(TWO)
    credited = sum(
        (d.total for d in docs if d.doc_type == "06" and d.status == "issued"), Decimal(0)
    ).quantize(TWO)
    return {
        "day": day,
        "per_method": per_method,
        "per_user": per_user,
        "total": sum(per_method.values(), Decimal("0.00")),
        "balance_applied": summed(
            Payment.amount, where & (Payment.method == BALANCE) & ~into_balance
        ),
        "balance_kept": Decimal("0.00") - summed(Payment.amount, where & into_balance),
        "invoiced": invoiced,
        "credited": credited,
        "documents": docs.count(),
        "voided": sum(1 for d in docs if d.status == "void"),
    }
