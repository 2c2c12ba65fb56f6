"""Loading a saved request for a change (under the write lock, with its optimistic-lock
version checked) and saving its header with the version bumped."""

from __future__ import annotations

from typing import Any

from ...db.database import locked
from ...db.models import LabRequest, RequestLine, now
from ...util.lookups import present
from ..errors import ConflictError, NotFoundError, RuleError
from ..texts import translate
from .types import READ_ONLY, status_text


def _load_for_change(
    request_id: int, version: int | None, allow_read_only: bool = False
) -> LabRequest:
    request = present(
        locked(LabRequest.select().where(LabRequest.id == request_id)).first(),
        NotFoundError(translate("services.requests", "La solicitud no existe.")),
    )
    if version is not None and int(version) != request.version:
        raise ConflictError(
            translate(
                "services.requests",
                "La solicitud {number} fue modificada por otra persona mientras usted la veía. "
                "Vuelva a abrirla para ver los cambios.",
            ).format(number=request.request_number)
        )
    if not allow_read_only and request.status in READ_ONLY:
        raise RuleError(
            translate(
                "services.requests",
                "La solicitud {number} está {status} y ya no se puede modificar.",
            ).format(number=request.request_number, status=status_text(request.status).lower())
        )
    return request


def _lines_for_change(request_id: int) -> list[RequestLine]:
    """The request's lines in order, with what adding, removing and marking lines read."""
    return list(
        RequestLine.select(
            RequestLine.id,
            RequestLine.investigation,
            RequestLine.parent_line,
            RequestLine.price,
            RequestLine.own_price,
            RequestLine.status,
            RequestLine.started_at,
        )
        .where(RequestLine.lab_request == request_id)
        .order_by(RequestLine.id)
    )


def _save_header(request: LabRequest, **changes: Any) -> None:
    changes.update(version=request.version + 1, updated_at=now())
    updated = (
        LabRequest.update(**changes)
        .where((LabRequest.id == request.id) & (LabRequest.version == request.version))
        .execute()
    )
    if updated != 1:  # cannot happen under the write lock; guard against silent loss
        raise ConflictError(
            translate(
                "services.requests", "La solicitud {number} cambió mientras se guardaba."
            ).format(number=request.request_number)
        )
