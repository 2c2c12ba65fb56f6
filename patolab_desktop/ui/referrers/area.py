"""Installs the referrers tab, its menu (Remitentes) and its CSV export into the main window."""

from __future__ import annotations

from ...i18n import translate
from ..widgets.csv_export import add_export_action, export_tab

TAB_KEY = "referrers"
EXPORT_FILE_NAME = "remitentes_patolab.csv"
SHOW_SHORTCUT = "Ctrl+Shift+M"


def install(window) -> None:
    from .referrers_window import ReferrersWindow

    widget = ReferrersWindow(window)
    window.add_tab(
        TAB_KEY, widget, translate("referrers.area", "Remitentes"), permission="referrers.view"
    )
    window.add_show_action(
        TAB_KEY, translate("referrers.area", "&Médicos remitentes"), SHOW_SHORTCUT
    )
    window.add_new_action(TAB_KEY, translate("referrers.area", "&Nuevo remitente…"))
    window.add_action(
        "referrers",
        translate("referrers.area", "&Tipos de remitente…"),
        lambda: edit_types(window),
        "referrer_types",
        permission="referrers.edit",
    )
    add_export_action(
        window,
        translate("referrers.area", "&Remitentes (CSV)…"),
        lambda: export_referrers(window),
        reads="referrers.view",
    )


def edit_types(window) -> None:
    window.tab(TAB_KEY).edit_types()


def export_referrers(window) -> int | None:
    """Ask for a file and write the referrers matching the tab's filters."""
    from ...services.catalog import referrers

    return export_tab(
        window,
        TAB_KEY,
        referrers.ReferrerFilter(),
        translate("referrers.area", "Exportar remitentes a CSV"),
        EXPORT_FILE_NAME,
        referrers.export_referrers,
        translate("referrers.area", "remitente"),
        translate("referrers.area", "remitentes"),
    )
