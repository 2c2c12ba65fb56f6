"""Menu actions for moving patients in and out as CSV (issue 7).

Pacientes/Clientes → "Importar pacientes (CSV)…" (permission ``imports.run``) and
Exportar → "Pacientes (CSV)…" (permission ``exports.run``). The main window calls
``install(window)`` from ``_install_areas``.
"""

from __future__ import annotations

from ...i18n import translate
from .. import prompts
from ..widgets.csv_export import (
    add_export_action,
    ask_save_path,
    rows_written,
    suggested_path,
    write_with_progress,
)

CUSTOMERS_TAB = "customers"


def install(window) -> None:
    window.menu("customers").addSeparator()
    window.add_action(
        "customers",
        translate("customers.import_area", "&Importar pacientes (CSV)…"),
        lambda: import_patients(window),
        "import",
        permission="imports.run",
    )
    add_export_action(
        window,
        translate("customers.import_area", "&Pacientes (CSV)…"),
        lambda: export_patients(window),
        reads="patients.view",
    )


def _refresh_customers(window) -> None:
    tab = window.tab(CUSTOMERS_TAB) if hasattr(window, "tab") else None
    refresh = getattr(tab, "refresh", None)
    if refresh is not None:
        refresh()


def _current_filters(window):
    """The customers tab's filters (what the user sees), or every active customer."""
    from ...services.customers import CustomerFilter

    tab = window.tab(CUSTOMERS_TAB) if hasattr(window, "tab") else None
    current = getattr(tab, "export_filters", None)
    return current() if current is not None else CustomerFilter()


def import_patients(window, path: str | None = None):
    """Pick a CSV, preview it and import it; returns the ``ImportResult`` or None."""
    from .import_dialog import FILE_FILTER, ImportDialog

    if path is None:
        path = prompts.open_file(
            window,
            translate("customers.import_area", "Importar pacientes desde CSV"),
            translate("customers.import_dialog", FILE_FILTER),
        )
        if not path:
            return None
    dialog = ImportDialog(window)
    dialog.imported.connect(lambda _result: _refresh_customers(window))
    dialog.show()  # the preview window first; the analysis runs with its progress on top
    dialog.load(path)
    dialog.exec()
    result = dialog.import_result
    dialog.deleteLater()
    return result


def export_patients(window, path: str | None = None) -> int | None:
    """Ask where and write ``pacientes.csv`` with a cancellable progress dialog."""
    from ...services.customers import patient_export

    filters = _current_filters(window)
    if path is None:
        path = ask_save_path(
            window,
            translate("customers.import_area", "Exportar pacientes a CSV"),
            suggested_path(patient_export.FILE_NAME),
            translate("customers.import_area", "Archivos CSV (*.csv)"),
        )
        if not path:
            return None
    if not path.lower().endswith(".csv"):
        path += ".csv"

    return write_with_progress(
        window,
        translate("customers.import_area", "Exportar pacientes"),
        patient_export.export_patients,
        filters,
        path,
        label=translate("customers.import_area", "Exportando pacientes"),
        done=rows_written(
            translate("customers.import_area", "Exportación terminada"),
            (
                translate("customers.import_area", "Se exportó 1 {noun} a:\n{path}"),
                translate("customers.import_area", "Se exportaron {count:,} {noun} a:\n{path}"),
            ),
            path,
            translate("customers.import_area", "paciente"),
            translate("customers.import_area", "pacientes"),
        ),
    )
