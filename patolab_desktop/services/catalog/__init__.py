"""Reference data of the lab: the investigation catalog with panels and prices, branches,
referrers (doctors, institutions) and referrer types.

The package's face is the investigation catalog's API (``from patolab_desktop.services
import catalog`` then ``catalog.create(...)``, ``catalog.page(...)``); modules: ``values``,
``reading``, ``panels``, ``investigations`` (writing), ``catalog_csv`` (import/export,
the file's rows read and checked in ``catalog_csv_rows``);
``branches``, ``referrers`` and ``referrer_types`` are imported by name.
"""

from .catalog_csv import (
    CSV_COLUMNS,
    IMPORT_MAX_BYTES,
    IMPORT_REQUIRED,
    CatalogImportReport,
    RejectedRow,
    export_catalog,
    import_catalog,
)
from .investigations import (
    ACTIVE_PERMISSION,
    create,
    deactivate,
    reactivate,
    set_price,
    update,
    validate,
)
from .panels import check_members, panels_containing, set_members
from .reading import (
    SORTS,
    count,
    details,
    get,
    get_by_code,
    leaf_members,
    list_active,
    members_detail,
    page,
    panel_members,
    price_history,
    sample_types,
    search,
)
from .values import (
    CODE_RE,
    NAME_MAX,
    SAMPLE_MAX,
    CatalogFilter,
    InvestigationData,
    normalize_code,
    parse_price,
)

__all__ = [
    "ACTIVE_PERMISSION",
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
