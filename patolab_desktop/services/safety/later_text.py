"""What a restore undoes and keeps, in the words the confirmation (Archivo → Restaurar
copia…, ``patolab restore``) and the message after it use (``later`` finds it)."""

from __future__ import annotations

from collections.abc import Sequence

from ...util.money import format_lempiras
from ..billing.types import CREDIT_NOTE, INVOICE
from ..texts import translate
from .later import FIRST, Later, LaterDocument

LISTED_AFTER = 20  # numbers the message after a restore names (the report has them all)


def _names(numbers: Sequence[str], count: int | None = None, first: int = FIRST) -> str:
    """«a, b, c, d, e y 7 más»: the ``first`` numbers and how many more."""
    count = len(numbers) if count is None else count
    shown = ", ".join(numbers[:first])
    if count > first:
        shown += translate("services.backups", " y {count} más").format(count=count - first)
    return shown


def _line(label: str, numbers: Sequence[str], count: int | None = None) -> str:
    count = len(numbers) if count is None else count
    return f"• {label}: {count} ({_names(numbers, count)})"


def _fiscal(documents: Sequence[LaterDocument], doc_type: str) -> list[str]:
    return [d.number for d in documents if d.doc_type == doc_type]


def describe(later: Later) -> str:
    """Before a restore: what it will undo, and what it keeps."""
    if not later.anything and not later.carried.facturas:
        return translate(
            "services.backups",
            "No hay solicitudes, facturas, notas de crédito ni pagos posteriores a la copia.",
        )
    lines = []
    if later.anything:
        lines.append(translate("services.backups", "Se perderá lo registrado después de la copia:"))
    if later.requests:
        lines.append(
            _line(
                translate("services.backups", "Solicitudes"), later.request_numbers, later.requests
            )
        )
    facturas, notes = _fiscal(later.documents, INVOICE), _fiscal(later.documents, CREDIT_NOTE)
    others = [d.number for d in later.documents if d.doc_type not in (INVOICE, CREDIT_NOTE)]
    if facturas:
        lines.append(_line(translate("services.backups", "Facturas"), facturas))
    if notes:
        lines.append(_line(translate("services.backups", "Notas de crédito"), notes))
    if others:
        lines.append(_line(translate("services.backups", "Otros documentos fiscales"), others))
    if later.voids:
        lines.append(
            _line(
                translate("services.backups", "Anulaciones (la factura volvería a quedar vigente)"),
                [d.number for d in later.voids],
            )
        )
    if later.payments:
        lines.append(
            translate("services.backups", "• Pagos y abonos: {count} ({amount})").format(
                count=later.payments, amount=format_lempiras(later.paid)
            )
        )
    if later.fiscal_lost:
        lines.append(
            translate(
                "services.backups",
                "Los números fiscales no se vuelven a usar: el informe de números no "
                "utilizados los mostrará como «Emitido antes de restaurar una copia» (o "
                "anulado), para que registre esas ventas de nuevo o las trate con su contador.",
            )
        )
    lines += _kept(later)
    return "\n".join(lines)


def _kept(later: Later) -> list[str]:
    """What the restore carries over: the later voids and credit notes of facturas the
    copy has."""
    carried, lines = later.carried, []
    if carried.voided:
        lines.append(
            _line(
                translate("services.backups", "Anulaciones posteriores que se conservan"),
                carried.voided,
            )
        )
    if carried.notes:
        lines.append(
            _line(
                translate("services.backups", "Notas de crédito posteriores que se conservan"),
                carried.notes,
            )
        )
    return lines


def after_restore(later: Later, new_identity_key: bool = False) -> str:
    """After a restore: the fiscal numbers it could not keep, for the supervisor to
    register again or handle, and a new identity key to print; "" when nothing to say."""
    lines = []
    if later.documents:
        lines.append(
            translate(
                "services.backups",
                "Documentos fiscales emitidos después de la copia que la base restaurada no "
                "tiene: {numbers}. Sus números no se vuelven a usar y el informe de números no "
                "utilizados los muestra como «Emitido antes de restaurar una copia»: registre "
                "de nuevo esas ventas o trátelas con su contador.",
            ).format(numbers=_names([d.number for d in later.documents], first=LISTED_AFTER))
        )
    if later.voids:
        lines.append(
            translate(
                "services.backups",
                "Facturas anuladas después de la copia que vuelven a estar vigentes: "
                "{numbers}. Anúlelas de nuevo.",
            ).format(numbers=_names([d.number for d in later.voids], first=LISTED_AFTER))
        )
    lines += ["\n".join(_kept(later))] if later.carried.facturas else []
    if new_identity_key:
        lines.append(
            translate(
                "services.backups",
                "La copia es anterior a la clave de los números de identidad y esta computadora "
                "no tiene la clave de la base de datos que se reemplazó: la base restaurada "
                "tiene una clave NUEVA. La clave de recuperación impresa antes ya no sirve, y "
                "los números de identidad de las filas de auditoría conservadas no se pueden "
                "leer. Imprima la nueva clave de recuperación (Archivo → Clave de recuperación "
                "de identidades…) y guárdela fuera de esta computadora.",
            )
        )
    return "\n\n".join(lines)
