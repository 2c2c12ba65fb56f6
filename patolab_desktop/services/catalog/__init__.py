"""Reference data of the lab: the investigation catalog with panels and prices, branches,
referrers (doctors, institutions) and referrer types.

The package's face is the investigation catalog's API (``from patolab_desktop.services
import catalog`` then ``catalog.create(...)``, ``catalog.page(...)``); modules: ``values``,
``reading``, ``panels``, ``investigations`` (writing), ``catalog_csv`` (import/export);
``branches``, ``referrers`` and ``referrer_types`` are imported by name.
"""

from .values import (
    CODE_RE,
    NAME_MAX,
    SAMPLE_MAX,
    InvestigationData,
    CatalogFilter,
    normalize_code,
    parse_price,
)
from .reading import (
    get,
    get_by_code,
    panel_members,
    members_detail,
    leaf_members,
    details,
    price_history,
    sample_types,
    search,
    list_active,
    SORTS,
    page,
    count,
)
from .panels import check_members, set_members, panels_containing
from .investigations import validate, create, update, set_price, deactivate, reactivate
from .catalog_csv import (
    IMPORT_MAX_BYTES,
    CSV_COLUMNS,
    IMPORT_REQUIRED,
    RejectedRow,
    CatalogImportReport,
    import_catalog,
    export_catalog,
)

__all__ = [
    "CODE_RE",
    "CSV_COLUMNS",
    "CatalogFilter",
    "CatalogImportReport",
    "IMPORT_MAX_BYTES",
    "IMPORT_REQUIRED",
    "InvestigationData",
    "NAME_MAX",
    "RejectedRow",
    "SAMPLE_MAX",
    "SORTS",
    "check_members",
    "count",
    "create",
    "deactivate",
    "details",
    "export_catalog",
    "get",
    "get_by_code",
    "import_catalog",
    "leaf_members",
    "list_active",
    "members_detail",
    "normalize_code",
    "page",
    "panel_members",
    "panels_containing",
    "parse_price",
    "price_history",
    "reactivate",
    "sample_types",
    "search",
    "set_members",
    "set_price",
    "update",
    "validate",
]
