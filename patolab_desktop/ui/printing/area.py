"""Menu entries of the printing area.

Solicitudes → «Resumen por período…» (supervisors) and Archivo → «Encabezado del
laboratorio…» (administrators). The request screens call ``ui.printing.actions``
directly for a request's summary and labels.
"""
from __future__ import annotations


def install(window) -> None:
    from . import actions

    window.add_action("requests", "Resumen por &período…",
                      lambda: actions.preview_period_report(window), "print",
                      permission="prints.reports")
    window.add_action("file", "&Encabezado del laboratorio…",
                      lambda: actions.edit_lab_header(window), "settings",
                      permission="settings.edit")
