"""Menu entries of the printing area.

Solicitudes → «Resumen por período…» (supervisors) and Archivo → «Encabezado del
laboratorio…» (administrators). The request screens call ``ui.printing.actions``
directly for a request's summary and labels.
"""

from __future__ import annotations

from ...i18n import translate


def install(window) -> None:
    from . import actions, period_dialog

    window.add_action(
        "requests",
        translate("printing.area", "Resumen por &período…"),
        lambda: period_dialog.preview_period_report(window),
        "print",
        permission="prints.reports",
    )
    window.add_action(
        "file",
        translate("printing.area", "&Encabezado del laboratorio…"),
        lambda: actions.edit_lab_header(window),
        "settings",
        permission="settings.edit",
    )
