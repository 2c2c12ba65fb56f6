"""The «Historial» tab of a request's detail: what was done to it, when and by whom (the
events ``requests.get`` gives), with the stored Spanish status words shown in the
language of the screen."""

from __future__ import annotations

from ...i18n import translate
from ...services import phrases
from ...services import requests as requests_service
from ...services.texts import service_label
from ..models.paged_table import Column
from .common import field, format_date


def event_columns() -> list[Column]:
    return [
        Column("at", translate("requests.request_history", "Fecha"), format=format_date),
        Column("action_label", translate("requests.request_history", "Acción")),
        Column(
            "detail",
            translate("requests.request_history", "Detalle"),
            tooltip=lambda r: r.get("detail") or "",
        ),
        Column("by", translate("requests.request_history", "Usuario")),
    ]


def _status_words() -> dict[str, str]:
    """Spanish status labels stored in the history → their label on screen."""
    return {spanish: service_label(spanish) for spanish in requests_service.STATUS_LABELS.values()}


def event_rows(events) -> list[dict]:
    return [
        {
            "id": index,
            "at": field(e, "at"),
            "action": field(e, "action", ""),
            "action_label": field(e, "action_label")
            or service_label(
                requests_service.EVENT_LABELS.get(field(e, "action", ""), field(e, "action", ""))
            ),
            "detail": phrases.shown(field(e, "detail", ""), _status_words()),
            "by": field(e, "by", ""),
        }
        for index, e in enumerate(events)
    ]
