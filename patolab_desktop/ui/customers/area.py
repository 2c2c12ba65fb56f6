"""Installs the customers tab and its menu actions into the main window."""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox

from ...i18n import translate

TAB_KEY = "customers"
EXPORT_FILE_NAME = "clientes_patolab.csv"
SHOW_SHORTCUT = "Ctrl+Shift+C"


def install(window) -> None:
    from ..widgets.csv_export import add_export_action
    from .customers_window import CustomersWindow

    widget = CustomersWindow(window)
    window.permission_listeners.append(widget.follow_role)
    widget.request_for_patient.connect(lambda customer_id: open_request_for(window, customer_id))
    window.add_tab(
        TAB_KEY, widget, translate("customers.area", "Clientes"), permission="patients.view"
    )
    window.add_show_action(TAB_KEY, translate("customers.area", "&Clientes"), SHOW_SHORTCUT)
    # Ctrl+N belongs to the customers tab (other tabs may use it for their own "new"):
    # the menu only shows the key; the tab's action owns the shortcut.
    window.add_new_action(TAB_KEY, translate("customers.area", "&Nuevo cliente…\tCtrl+N"))
    add_export_action(
        window,
        translate("customers.area", "&Clientes (CSV)…"),
        lambda: export_customers(window),
        reads="patients.view",
        # the file carries the full identity numbers (services.customers.export.refusal)
        also=("patients.view_sensitive",),
    )


def open_request_for(window, customer_id: int) -> bool:
    """The request entry (tab Solicitudes) with ``customer_id`` as the patient."""
    area = window.tab("requests")
    if area is None:
        return False
    window.show_tab("requests")
    area.show_entry()
    return area.entry.start_for_patient(customer_id)


def suggested_export_path() -> str:
    from ..widgets.csv_export import suggested_path

    return suggested_path(EXPORT_FILE_NAME)


def export_customers(window) -> int | None:
    """Ask for a file and write the active customers matching the tab's filters.

    Runs off the GUI thread with a cancellable progress dialog; returns the row count
    (None when cancelled or failed; a failure is shown through ``prompts.error``).
    """
    from ...services.customers import export as exports
    from ..widgets.csv_export import ask_save_path, write_with_progress

    tab = window.tab(TAB_KEY)
    from ...services.access import session

    # a refused export is told by the service (below), not after a filter question
    described = tab.filter_description() if session.has("exports.run") else []
    if described:  # the Clientes tab's filter is shown, never applied silently
        choice = ask_export_filter(window, described)
        if choice is None:
            return None
        if choice == "all":
            tab.clear_filters()
    filters = tab.export_filters()
    path = ask_save_path(
        window,
        translate("customers.area", "Exportar clientes a CSV"),
        suggested_export_path(),
        translate("customers.area", "Archivos CSV (*.csv)"),
        ".csv",
    )
    if not path:
        return None

    def done(count: int) -> tuple[str, str]:
        if count == 1:
            text = translate("customers.area", "Se exportó 1 cliente a:\n{path}")
        else:
            text = translate("customers.area", "Se exportaron {count:,} clientes a:\n{path}")
        return (
            translate("customers.area", "Exportación terminada"),
            text.format(count=count, path=path),  # one whole sentence per language
        )

    return write_with_progress(
        window,
        translate("customers.area", "Exportar clientes"),
        exports.export_customers,
        filters,
        path,
        label=translate("customers.area", "Exportando clientes"),
        done=done,
    )


def ask_export_filter(window, described: list[str]) -> str | None:
    """Show the Clientes tab's filter before exporting: ``"filtered"`` (export what the list
    shows), ``"all"`` (clear the filter and export every active customer) or None."""
    box = QMessageBox(window)
    box.setIcon(QMessageBox.Icon.Question)
    box.setWindowTitle(translate("customers.area", "Exportar clientes"))
    box.setText(
        translate("customers.area", "La lista de Clientes tiene un filtro:\n{filters}").format(
            filters="\n".join(f"• {part}" for part in described)
        )
    )
    box.setInformativeText(
        translate("customers.area", "¿Exporta solo lo filtrado o quita el filtro?")
    )
    filtered = box.addButton(
        translate("customers.area", "Exportar lo &filtrado"), QMessageBox.ButtonRole.AcceptRole
    )
    everyone = box.addButton(
        translate("customers.area", "&Quitar el filtro y exportar todos"),
        QMessageBox.ButtonRole.ActionRole,
    )
    box.addButton(QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(filtered)
    box.exec()
    clicked = box.clickedButton()
    if clicked is filtered:
        return "filtered"
    if clicked is everyone:
        return "all"
    return None
