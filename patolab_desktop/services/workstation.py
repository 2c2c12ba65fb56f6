"""This workstation's branch and punto de emisión (BILLING.md: each computer with its own
SQLite database is its own point; computers sharing one server issue each at its branch).

An administrator sets them on each computer (Archivo → Configuración del laboratorio →
Esta estación, or ``patolab workstation``); they are kept in this computer's local settings
(``local_settings.stations``), per database (``db.database.open_target``): two desks on one
PostgreSQL server issue from two branches, each with its own CAI. A computer never set
issues from the lab's settings (``default_branch_id``, ``billing_point``), as a single
desk always did. ``here`` says which; ``issuing`` is what the fiscal numbers and the cash
drawer use, refused when the branch set here was deactivated or removed since.
"""

from __future__ import annotations

import re
import socket
from dataclasses import dataclass

from .. import local_settings
from ..db.database import open_target, write_transaction
from ..db.models import Branch
from ..util.text import clean
from . import settings
from .access import audit, session
from .errors import RuleError, ValidationError
from .texts import translate

PERMISSION = "billing.authorisations"  # the point's (``settings.OPTIONS["billing_point"]``)


@dataclass(frozen=True)
class Workstation:
    branch_id: int | None  # None: no branch set anywhere (any branch's point)
    point: str
    branch_here: bool = False  # set on this computer, not the lab's default
    point_here: bool = False


def _entry() -> dict:
    """What this computer keeps for the open database (``branch_id``, ``point``)."""
    entry = local_settings.load().stations.get(open_target())
    return entry if isinstance(entry, dict) else {}


def _local_branch(entry: dict) -> int | None:
    value = entry.get("branch_id")
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else None


def _local_point(entry: dict) -> str:
    value = entry.get("point")
    return value if isinstance(value, str) and re.fullmatch(r"\d{3}", value) else ""


def local_branch_id() -> int | None:
    """The branch set on this computer for the open database, if any (not checked)."""
    return _local_branch(_entry())


def here() -> Workstation:
    """This workstation's branch and punto de emisión: the ones set on this computer for
    the open database, else the lab's (``default_branch_id``, ``billing_point``)."""
    return _resolved(_entry())


def _resolved(entry: dict) -> Workstation:
    branch, point = _local_branch(entry), _local_point(entry)
    lab_branch = settings.get("default_branch_id") if branch is None else None
    return Workstation(
        branch if branch is not None else (int(lab_branch) if lab_branch else None),
        point or clean(str(settings.get("billing_point") or "001")) or "001",
        branch_here=branch is not None,
        point_here=bool(point),
    )


def issuing() -> tuple[int | None, str]:
    """(branch id, punto de emisión) this workstation issues and opens its drawer at.
    RuleError when the branch set here was deactivated or removed since: never another
    branch's numbers in its place (the document would name another establishment)."""
    current = here()
    if current.branch_here:
        row = Branch.get_or_none(Branch.id == current.branch_id)
        if row is None:
            raise RuleError(
                translate(
                    "services.workstation",
                    "La sucursal de esta estación ya no existe: no se emiten documentos ni se "
                    "abre caja hasta que un administrador elija otra en Archivo → "
                    "Configuración del laboratorio → Esta estación.",
                )
            )
        if not row.active:
            raise RuleError(
                translate(
                    "services.workstation",
                    "La sucursal de esta estación, «{name}», está desactivada: no se emiten "
                    "documentos ni se abre caja en ella. Un administrador debe reactivarla o "
                    "elegir otra sucursal en Archivo → Configuración del laboratorio → Esta "
                    "estación.",
                ).format(name=row.name)
            )
    return current.branch_id, current.point


def validate(branch_id: int | None, point: str) -> dict[str, str]:
    """Field → message (``branch_id``, ``point``); ``{}`` when they may be kept. No branch
    or no point means "the lab's"; a branch must be active, a point three digits."""
    errors: dict[str, str] = {}
    if (
        branch_id
        and not Branch.select()
        .where(
            (Branch.id == branch_id) & (Branch.active == True)  # noqa: E712
        )
        .exists()
    ):
        errors["branch_id"] = translate("services.workstation", "Elija una sucursal activa.")
    text = clean(str(point or ""))
    if text and not re.fullmatch(r"\d{3}", text):
        errors["point"] = translate(
            "services.workstation", "Debe tener exactamente 3 dígitos (por ejemplo 001)."
        )
    return errors


def set_here(branch_id: int | None, point: str = "") -> Workstation:
    """Keep ``branch_id`` and ``point`` as this computer's for the open database (None / ""
    = the lab's); ValidationError(field → message) when they may not be. Audited in the
    database (who, which computer, from what to what). Returns the new ``here()``."""
    session.require(PERMISSION)
    errors = validate(branch_id, point)
    if errors:
        raise ValidationError(errors)
    entry = {"branch_id": int(branch_id) if branch_id else None, "point": clean(str(point or ""))}
    before, after = here(), _resolved(entry)
    changes = {
        "branch": (_name(before.branch_id), _name(after.branch_id)),
        "point": (before.point, after.point),
    }
    with write_transaction():
        changed = {key: pair for key, pair in changes.items() if pair[0] != pair[1]}
        if changed:
            audit.record("settings_change", "setting", None, changed, detail=socket.gethostname())
        # the file last: when it cannot be written, the audit row is rolled back
        local_settings.update(stations={**local_settings.load().stations, open_target(): entry})
    return after


def _name(branch_id: int | None) -> str:
    row = Branch.get_or_none(Branch.id == branch_id) if branch_id else None
    return f"{row.code} — {row.name}" if row is not None else ""
