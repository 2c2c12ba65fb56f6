"""Lab requests (seed 004): entry and its rules, gap-free numbers, pricing and discounts,
the list queries, the workflow (status changes, cancel, add/remove investigations) and the
printed summaries' data.

The package is the domain's public face: ``from patolab_desktop.services import requests``
then ``requests.create(...)``, ``requests.cancel(...)``, ``requests.page(...)``. Modules:
``types`` (vocabulary and data classes), ``checks``, ``entry`` (validate, preview, create),
``workflow`` (changes to a saved request), ``investigations`` (adding and removing its
investigations), ``reading`` (permission-checked reads),
``queries`` (the list's SQL: sorts, pages, counts), ``filters`` and ``search`` (its WHERE),
``detail`` (one request in full), ``export_rows`` (the CSV), ``numbers``, ``pricing``,
``reports`` (printed papers' data) and ``print_setup`` (lab header, print settings).
"""

from .entry import ENTRY_PERMISSIONS, create, preview, validate
from .export_rows import export_requests
from .investigations import add_investigation, remove_investigation
from .pricing import PricedLine, Pricing
from .reading import count, find_id, get, get_by_number, page
from .results import LINE_STATUS_LABELS, PROGRESS_LABELS, mark_lines, progress_text
from .types import (
    CANCELLABLE,
    DISCOUNT_KIND_LABELS,
    EVENT_LABELS,
    MAX_TEXT,
    NEXT_STATUS,
    PRIORITY_LABELS,
    PRIORITY_ORDER,
    PRIORITY_RANK,
    READ_ONLY,
    SORTS,
    SOURCE_LABELS,
    STATUS_LABELS,
    STATUS_ORDER,
    STATUS_RANK,
    RequestChanges,
    RequestDetail,
    RequestDraft,
    RequestFilter,
    can_cancel,
    is_read_only,
    status_label,
    status_text,
)
from .workflow import advance, cancel, set_manual_discount, update

__all__ = [
    "ENTRY_PERMISSIONS",
    "LINE_STATUS_LABELS",
    "PROGRESS_LABELS",
    "mark_lines",
    "progress_text",
    "CANCELLABLE",
    "DISCOUNT_KIND_LABELS",
    "EVENT_LABELS",
    "MAX_TEXT",
    "NEXT_STATUS",
    "PRIORITY_LABELS",
    "PRIORITY_ORDER",
    "PRIORITY_RANK",
    "READ_ONLY",
    "SORTS",
    "SOURCE_LABELS",
    "STATUS_LABELS",
    "STATUS_ORDER",
    "STATUS_RANK",
    "PricedLine",
    "Pricing",
    "RequestChanges",
    "RequestDetail",
    "RequestDraft",
    "RequestFilter",
    "add_investigation",
    "advance",
    "can_cancel",
    "cancel",
    "count",
    "create",
    "export_requests",
    "find_id",
    "get",
    "get_by_number",
    "is_read_only",
    "page",
    "preview",
    "remove_investigation",
    "set_manual_discount",
    "status_label",
    "status_text",
    "update",
    "validate",
]
