"""Menu entries of the printing area.

Solicitudes → «Resumen por período…» (supervisors) and Archivo → «Encabezado del
laboratorio…» (administrators). The request screens call ``ui.printing.actions``
directly for a request's summary and labels. The two dialogs are opened here (not in
``actions``, which the period dialog uses: no import circle).
"""

from __future__ import annotations

from ...i18n import translate


def install(window) -> None:
    window.add_action(
        "requests",
        translate("printing.area", "Resumen por &período…"),
        lambda: preview_period_report(window),
        "print",
        permission="prints.reports",
    )
    window.add_action(
        "file",
        translate("printing.area", "&Encabezado del laboratorio…"),
        lambda: edit_lab_header(window),
        "settings",
        permission="settings.edit",
    )


def preview_period_report(parent):
    """The small dialog to choose dates and branch, with preview and PDF buttons."""
    from . import actions
    from .period_dialog import PeriodReportDialog

    dialog = PeriodReportDialog(parent)
    actions.exec_dialog(dialog)
    return dialog


def edit_lab_header(parent):
    from . import actions
    from .lab_header_dialog import LabHeaderDialog

    dialog = LabHeaderDialog(parent)
    actions.exec_dialog(dialog)
    return dialog
