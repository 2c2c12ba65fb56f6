"""Installs the WhatsApp entries in the main window: the queue size in the status bar,
the outbox window and the settings (administrators), and the sender thread."""

from __future__ import annotations

from ...i18n import translate


def open_outbox(window) -> None:
    from .outbox_window import OutboxWindow

    OutboxWindow(window).exec()


def open_settings(window) -> None:
    from .settings_dialog import NotifySettingsDialog

    NotifySettingsDialog(window).exec()


def install(window) -> None:
    from .worker import QueueStatus

    window.notify_status = QueueStatus(window)
    window.statusBar().addPermanentWidget(window.notify_status)
    window.add_action(
        "file",
        translate("notify.area", "Cola de &WhatsApp…"),
        lambda: open_outbox(window),
        permission="notify.manage",
    )
    window.add_action(
        "file",
        translate("notify.area", "Configuración de W&hatsApp…"),
        lambda: open_settings(window),
        permission="notify.manage",
    )


def start_sender(window):
    """The sender thread (started after sign-in by the app; stopped when it closes)."""
    from .worker import SenderThread

    thread = SenderThread(window)
    thread.start()
    window.notify_sender = thread
    return thread
