"""Installs the billing entries in the main window (issue 17): the Facturación and Caja
menus, the «Caja abierta/cerrada» indicator and the authorisation warnings banner.

Every entry carries its permission, so a role without it does not see it; the service
check is still the one that counts.
"""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QSizePolicy, QToolBar

from ...i18n import translate
from ...services.access import session
from ...services.errors import ServiceError

CTX = "billing.area"


def open_documents(window):
    from .documents_window import FiscalDocumentsWindow

    dialog = FiscalDocumentsWindow(window)
    dialog.exec()
    return dialog


def open_authorisations(window):
    from .authorisations_window import AuthorisationsWindow

    dialog = AuthorisationsWindow(window)
    dialog.exec()
    refresh(window)
    return dialog


def charge_by_number(window):
    """Facturación → Cobrar solicitud…: ask the request number, then charge it."""
    from ...services import requests as requests_service
    from .. import prompts
    from ..widgets.ask_flow import ask_and_attempt
    from .payment_dialog import charge

    title = translate("billing.area", "Cobrar y facturar")
    found = ask_and_attempt(
        window,
        title,
        lambda text: requests_service.find_id(text.strip()),
        lambda: prompts.ask_text(window, title, translate("billing.area", "Número de solicitud:")),
    )
    if found is None:
        return None
    return charge(window, [found[1]])


def install(window) -> None:
    from . import cash_dialogs, credit_dialogs, reports_actions

    add = window.add_action
    add(
        "billing",
        translate("billing.area", "&Cobrar solicitud…"),
        lambda: charge_by_number(window),
        "add",
        permission="billing.issue",
    )
    add(
        "billing",
        translate("billing.area", "&Documentos fiscales…"),
        lambda: open_documents(window),
        "print",
        permission="billing.issue",
    )
    add(
        "billing",
        translate("billing.area", "Crédito de &empresas…"),
        lambda: credit_dialogs.company_credit(window),
        "customers",
        permission="billing.issue",
    )
    add(
        "billing",
        translate("billing.area", "C&uentas vencidas…"),
        lambda: credit_dialogs.overdue(window),
        "customers",
        permission="billing.reports",
    )
    reports_actions.install(window)
    add(
        "billing",
        translate("billing.area", "&Autorizaciones fiscales (CAI)…"),
        lambda: open_authorisations(window),
        "settings",
        permission="billing.authorisations",
    )
    add(
        "cash",
        translate("billing.area", "&Abrir caja…"),
        lambda: cash_dialogs.open_cash(window),
        "add",
        permission="billing.cash",
    )
    add(
        "cash",
        translate("billing.area", "&Cerrar caja (cuadre)…"),
        lambda: cash_dialogs.close_cash(window),
        "cancel",
        permission="billing.cash",
    )
    add(
        "cash",
        translate("billing.area", "C&ierres de caja…"),
        lambda: cash_dialogs.cash_sessions(window),
        "print",
        permission="billing.cash",
    )
    window.cash_indicator = cash_dialogs.CashIndicator(window)
    window.statusBar().addPermanentWidget(window.cash_indicator)
    banner = QToolBar(translate("billing.area", "Avisos de facturación"), window)
    banner.setObjectName("billing_banner")
    banner.setMovable(False)
    window.billing_banner_label = QLabel()
    window.billing_banner_label.setSizePolicy(
        QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred
    )
    window.billing_banner_label.setStyleSheet(
        "background: #fff3e0; color: #bf360c; padding: 6px; font-weight: 600;"
    )
    banner.addWidget(window.billing_banner_label)
    window.addToolBar(banner)
    window.billing_banner = banner
    banner.hide()
    window.permission_listeners.append(lambda _allowed: refresh(window))


def banner_warnings() -> list[str]:
    """The authorisation warnings for a role that issues (none for other roles)."""
    if session.current() is None or not session.has("billing.issue"):
        return []
    from ...services.billing import authorisations

    try:
        return authorisations.warnings()
    except ServiceError:
        return []


def refresh(window) -> None:
    """After sign-in, a user switch and changes: the indicator and the banner."""
    indicator = getattr(window, "cash_indicator", None)
    if indicator is not None:
        indicator.refresh()
    banner = getattr(window, "billing_banner", None)
    if banner is None:
        return
    found = banner_warnings()
    window.billing_banner_label.setText("\n".join(found))
    banner.setVisible(bool(found))
