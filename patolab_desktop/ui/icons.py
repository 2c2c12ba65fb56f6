"""Semantic icon names mapped to qtawesome, created lazily (needs a QApplication)."""
from __future__ import annotations

from functools import lru_cache

ICONS = {
    "app": "mdi6.microscope",
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
}

COLORS = {
    "priority_urgent": "#c77700",
    "priority_stat": "#c62828",
    "status_completed": "#2e7d32",
    "status_cancelled": "#c62828",
    "warning": "#c77700",
    "deactivate": "#c62828",
}


@lru_cache(maxsize=None)
def icon(name: str):
    import qtawesome as qta

    return qta.icon(ICONS.get(name, "mdi6.help-circle"), color=COLORS.get(name, "#37474f"))
