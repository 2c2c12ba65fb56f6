"""Reading lab requests with the permission checks: one request (identity number masked
without patients.view_sensitive), by number, the list's pages and counts (the CSV export:
``export_rows``)."""

from __future__ import annotations

from ...db.models import LabRequest
from ..access import session
from ..errors import NotFoundError
from ..paging import Page, PageRequest
from ..texts import translate
from . import detail as request_detail
from . import queries as request_queries
from .types import (
    RequestDetail,
    RequestFilter,
)

# --- reading ---------------------------------------------------------------------------


def get(request_id: int) -> RequestDetail:
    """The request with its patient, doctor and branch names, lines and history.

    ``patient_id_number`` is masked (``****-****-12345``) without
    ``patients.view_sensitive``."""
    session.require("lis.requests.view")
    return request_detail.get_detail(request_id)  # masks the id number too


def find_id(request_number: str) -> int:
    """The id of a request by its number (case-insensitive); NotFoundError when none."""
    session.require("lis.requests.view")
    number = (request_number or "").strip().upper()
    found = LabRequest.select(LabRequest.id).where(LabRequest.request_number == number).scalar()
    if found is None:
        if number:
            raise NotFoundError(
                translate("services.requests", "No existe la solicitud {number}.").format(
                    number=number
                )
            )
        raise NotFoundError(translate("services.requests", "No existe la solicitud (vacía)."))
    return int(found)


def get_by_number(request_number: str) -> RequestDetail:
    return get(find_id(request_number))


def page(filters: RequestFilter, request: PageRequest) -> Page:
    """One keyset page of the list (see :mod:`.request_queries` for sorts and search)."""
    session.require("lis.requests.view")
    return request_queries.page(filters, request)


def count(filters: RequestFilter, limit: int | None = None) -> int:
    """How many requests match (``limit`` caps the count for speed on huge tables)."""
    session.require("lis.requests.view")
    return request_queries.count(filters, limit)
