"""Semantic icon names mapped to qtawesome, created lazily (needs a QApplication)."""

from __future__ import annotations

from functools import cache

ICONS = {
    "app": "mdi6.microscope",  # only if resources/icons/patolab.* is missing: see app_icon
    # backups and database connection (issue 9)
    "backup": "mdi6.database-export",
    "restore": "mdi6.database-import",
    "database": "mdi6.database-cog",
    "language": "mdi6.translate",  # Archivo → Idioma / Language… (issue 10)
    "customers": "mdi6.account-group",
    "customer_new": "mdi6.account-plus",
    "edit": "mdi6.pencil",
    "deactivate": "mdi6.account-cancel",
    "reactivate": "mdi6.account-check",
    "delete": "mdi6.delete",
    "add": "mdi6.plus",
    "remove": "mdi6.minus",
    "search": "mdi6.magnify",
    "clear": "mdi6.close",
    "export": "mdi6.file-export",
    "import": "mdi6.file-import",
    "referrers": "mdi6.doctor",
    "referrer_types": "mdi6.shape",
    "catalog": "mdi6.test-tube",
    "panel": "mdi6.format-list-group",
    "branches": "mdi6.office-building-marker",
    "requests": "mdi6.clipboard-list",
    "request_new": "mdi6.clipboard-plus",
    "cancel": "mdi6.cancel",
    "save": "mdi6.content-save",
    "print": "mdi6.printer",
    "pdf": "mdi6.file-pdf-box",
    "quit": "mdi6.exit-to-app",
    "settings": "mdi6.cog",
    "refresh": "mdi6.refresh",
    "warning": "mdi6.alert",
    "priority_routine": "mdi6.circle-outline",
    "priority_urgent": "mdi6.alert-circle",
    "priority_stat": "mdi6.alarm-light",
    "status_pending": "mdi6.clock-outline",
    "status_sample_collected": "mdi6.test-tube",
    "status_in_progress": "mdi6.progress-clock",
    "status_partial_result": "mdi6.progress-check",
    "status_completed": "mdi6.check-circle",
    "status_cancelled": "mdi6.close-circle",
    "workflow_next": "mdi6.arrow-right-bold",
    "history": "mdi6.history",
    # patient import preview (issue 7)
    "import_create": "mdi6.account-plus",
    "import_update": "mdi6.account-edit",
    "import_same": "mdi6.account-check-outline",
    "import_reject": "mdi6.alert-circle",
    # users, permissions, audit, screen lock (issue 5)
    "users": "mdi6.account-cog",
    "permissions": "mdi6.shield-account",
    "audit": "mdi6.clipboard-text-search",
    "password": "mdi6.key-change",
    "password_reset": "mdi6.lock-reset",
    "switch_user": "mdi6.account-switch",
    "lock": "mdi6.lock",
    "unlock": "mdi6.lock-open-variant",
    "account_unlock": "mdi6.account-lock-open",
    "login": "mdi6.login",
    "show_password": "mdi6.eye",
    # referrers and catalog areas
    "referrer_new": "mdi6.account-plus",
    "investigation_new": "mdi6.flask-plus",
    "price_history": "mdi6.cash-clock",
    "branch_new": "mdi6.office-building-plus",
    "default": "mdi6.star",
    "move_up": "mdi6.arrow-up",
    "move_down": "mdi6.arrow-down",
    # requests area (entry screen, list, dialogs)
    "discount": "mdi6.sale",
    "request_detail": "mdi6.file-document-outline",
    "request_list": "mdi6.format-list-bulleted",
    "clear_form": "mdi6.broom",
}

COLORS = {
    # patient import preview (issue 7)
    "import_create": "#2e7d32",
    "import_update": "#1565c0",
    "import_same": "#546e7a",
    "import_reject": "#c62828",
    "priority_urgent": "#c77700",
    "priority_stat": "#c62828",
    "status_completed": "#2e7d32",
    "status_cancelled": "#c62828",
    "warning": "#c77700",
    "deactivate": "#c62828",
    "default": "#f9a825",
    # requests area: every status and priority has its own colour (icon and text)
    "priority_routine": "#546e7a",
    "status_pending": "#6d4c41",
    "status_sample_collected": "#00838f",
    "status_in_progress": "#1565c0",
    "status_partial_result": "#6a1b9a",
    "discount": "#2e7d32",
}


# Every icon is a PNG drawn once from its qtawesome glyph into resources/icons/glyphs/
# (scripts/make_glyph_icons.py, ``make icon``). qtawesome at run time cost the first
# window after the login 0.12 s of import (qtpy loads every class of QtCore, QtGui,
# QtWidgets and QtOpenGL) and about 30 MB of memory: its import and the twelve icon fonts
# it loads on the first icon, of which the desk uses one (issue 20). qtawesome stays the
# source of the pictures and the fallback for a name without its file.
GLYPH_FOLDER = ("icons", "glyphs")


def drawn_names() -> list[str]:
    """The icon names that have a PNG file (every name but the application's own)."""
    return [name for name in ICONS if name != "app"]


@cache
def icon(name: str):
    if name == "app":
        return app_icon()
    from PySide6.QtGui import QIcon

    from ..paths import resource

    path = resource(*GLYPH_FOLDER, f"{name}.png")
    if path.is_file():
        return QIcon(str(path))
    return awesome_icon(name)


def awesome_icon(name: str):
    """The qtawesome icon of ``name`` in its colour (loads qtawesome)."""
    import qtawesome as qta

    return qta.icon(ICONS.get(name, "mdi6.help-circle"), color=COLORS.get(name, "#37474f"))


def app_icon_path():
    """The application icon file (``scripts/make_icon.py``): the .ico with every size Windows
    asks for when Qt can read ICO files, else the 256 px .png."""
    from PySide6.QtGui import QImageReader

    from ..paths import resource

    ico = resource("icons", "patolab.ico")
    formats = {bytes(f).decode().lower() for f in QImageReader.supportedImageFormats()}
    if ico.is_file() and "ico" in formats:
        return ico
    return resource("icons", "patolab.png")


@cache
def app_icon():
    """The PatoLab icon of windows and taskbar, read from the resource file (the qtawesome
    microscope only if the file is missing or unreadable)."""
    from PySide6.QtGui import QIcon

    path = app_icon_path()
    result = QIcon(str(path)) if path.is_file() else QIcon()
    if result.isNull() or not result.availableSizes():
        import logging

        logging.getLogger(__name__).warning("Application icon not readable: %s", path)
        return awesome_icon("app")
    return result
