"""One point and type's authorisations in turn (issue 17, point 2): the lock a change or
a number waits on (``_one_at_a_time``), the rows read again under it, the renewal waiting
after the active one and the handover to it (``_advance``), closing one (``_end``). Split
from ``authorisations``, which registers, corrects and closes them and takes the numbers;
the date they are checked against is ``authorisations.today`` (tests move it), passed in.
"""

from __future__ import annotations

import datetime as dt

from ...db.database import db, is_sqlite, locked
from ...db.models_billing import FiscalAuthorisation, now
from ...util.lookups import present
from ..access import audit
from ..errors import NotFoundError
from ..texts import translate

WAITING = "waiting"  # a renewal registered ahead, next in line after the active one


def _one_at_a_time(*keys: tuple[str, str]) -> None:
    """PostgreSQL: inside the write transaction, wait for any other desk that takes a
    number of, or registers, corrects or closes an authorisation of, each (punto de
    emisión, type) of ``keys`` to commit. Locking the active row alone was not enough:
    a desk waiting for it while another desk handed over to the waiting renewal found
    that row closed and did not see the renewal, not yet active when its read began, and
    refused the payment with «No hay una autorización (CAI) activa…». This lock is on
    the point and type, which a handover does not change, so the reads after it see the
    other desk's work. Not keyed on the branch: a desk with no branch set issues from its
    point's active one. Taken before any row lock, in one order. SQLite's write
    transaction (BEGIN IMMEDIATE) already lets one desk in at a time."""
    if is_sqlite():
        return
    for point, doc_type in sorted(set(keys)):
        db.execute_sql(
            "SELECT pg_advisory_xact_lock(hashtext(%s))", (f"fiscal:{point}-{doc_type}",)
        )


def _get_to_change(authorisation_id: int, *also: tuple[str, str]) -> FiscalAuthorisation:
    """The authorisation, read again once its point and type (and the points and types
    ``also``) are locked (``_one_at_a_time``): as the desk that held them left it."""
    row = _get(authorisation_id)
    if is_sqlite():
        return row
    _one_at_a_time((row.point, row.doc_type), *also)
    return _get(authorisation_id)


def _get(authorisation_id: int) -> FiscalAuthorisation:
    return present(
        FiscalAuthorisation.get_or_none(FiscalAuthorisation.id == authorisation_id),
        NotFoundError(translate("services.billing", "La autorización no existe.")),
    )


def _usable(row: FiscalAuthorisation, day: dt.date) -> bool:
    """Numbers left and not expired on ``day``."""
    return row.last_used < row.range_to and row.deadline >= day


def _renewal_of(row: FiscalAuthorisation, lock: bool = True) -> FiscalAuthorisation | None:
    """The renewal waiting after the active ``row`` (locked unless ``lock`` is False: a
    read that changes nothing must not wait for a factura being issued), if any."""
    query = FiscalAuthorisation.select().where(
        (FiscalAuthorisation.establishment == row.establishment)
        & (FiscalAuthorisation.point == row.point)
        & (FiscalAuthorisation.doc_type == row.doc_type)
        & (FiscalAuthorisation.status == WAITING)
    )
    return (locked(query) if lock else query).first()


def _advance(row: FiscalAuthorisation, day: dt.date, reason: str = "") -> FiscalAuthorisation:
    """The active ``row``, or, when it is used up or expired on ``day`` (or ``reason``
    closes it) and a renewal waits after it, that renewal made active and ``row`` closed:
    ended first, since the database holds one active per point and type."""
    if _usable(row, day) and not reason:
        return row
    renewal = _renewal_of(row)
    if renewal is None:
        return row
    why = reason or translate(
        "services.billing", "agotada o vencida; la numeración sigue con el CAI {cai}"
    ).format(cai=renewal.cai)
    _end(row, why)
    audit.record_status(
        "billing.authorisation.end", "fiscal_authorisation", row.id, "active", "ended", why
    )
    FiscalAuthorisation.update(status="active", version=renewal.version + 1).where(
        FiscalAuthorisation.id == renewal.id
    ).execute()
    audit.record_status(
        "billing.authorisation.edit", "fiscal_authorisation", renewal.id, WAITING, "active"
    )
    return FiscalAuthorisation.get_by_id(renewal.id)


def _end(row: FiscalAuthorisation, reason: str) -> None:
    FiscalAuthorisation.update(
        status="ended", ended_at=now(), ended_reason=reason, version=row.version + 1
    ).where(FiscalAuthorisation.id == row.id).execute()


def _locked_active(branch_id: int | None, point: str, doc_type: str) -> FiscalAuthorisation | None:
    query = FiscalAuthorisation.select().where(
        (FiscalAuthorisation.point == point)
        & (FiscalAuthorisation.doc_type == doc_type)
        & (FiscalAuthorisation.status == "active")
    )
    if branch_id is not None:
        query = query.where(FiscalAuthorisation.branch == branch_id)
    return locked(query.order_by(FiscalAuthorisation.id)).first()
