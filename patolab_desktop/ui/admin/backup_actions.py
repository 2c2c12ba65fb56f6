"""Archivo → Copia de seguridad ahora / Restaurar copia… / Conexión a base de datos…,
the integrity check at start and the automatic backups at start and on exit.

Every rule is in ``services/backups``; this module only asks and tells.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QT_TRANSLATE_NOOP

from ...i18n import translate
from ...services.errors import ServiceError, database_refusal
from ...services.safety import backups, later_text
from ...services.safety import check as maintenance
from .. import prompts
from ..widgets.ask_flow import open_and_attempt

log = logging.getLogger(__name__)
_state = {"healthy": True}  # False after a failed start check: no automatic backups

RESTORE_HELP = QT_TRANSLATE_NOOP(
    "admin.backup_actions",
    "Cómo recuperar los datos:\n"
    "1. Cierre PatoLab Desktop en todas las computadoras que usen esta base de datos.\n"
    "2. Abra PatoLab Desktop y use Archivo → Restaurar copia… para elegir la copia de "
    "seguridad más reciente (se guarda antes una copia del estado actual).\n"
    "   O en la línea de comandos: patolab --db ARCHIVO restore COPIA.db\n"
    "3. Compruebe con: patolab --db ARCHIVO check\n",
)


def install(window) -> None:
    window.add_action(
        "file",
        translate("admin.backup_actions", "C&opia de seguridad ahora"),
        lambda: backup_now(window),
        "backup",
        "Ctrl+Shift+B",
        permission="backups.run",
    )
    window.add_action(
        "file",
        translate("admin.backup_actions", "&Restaurar copia…"),
        lambda: restore_backup(window),
        "restore",
        permission="backups.run",
    )
    window.add_action(
        "file",
        translate("admin.backup_actions", "&Conexión a base de datos…"),
        lambda: edit_connection(window),
        "database",
        permission="settings.edit",
    )


def backup_now(parent=None):
    """Make a backup now and say where it went; returns the path or None."""
    path = prompts.attempt(
        parent, translate("admin.backup_actions", "Copia de seguridad"), backups.backup_now
    )
    if path is prompts.REFUSED:
        return None
    prompts.info(
        parent,
        translate("admin.backup_actions", "Copia de seguridad"),
        translate("admin.backup_actions", "Copia de seguridad guardada en:\n{path}").format(
            path=path
        ),
    )
    return path


def _describe_latest() -> str:
    try:
        latest = backups.list_backups()[:5]
    except Exception:  # noqa: BLE001 - only informative
        latest = []
    if not latest:
        return translate(
            "admin.backup_actions", "No se encontraron copias en {backup_folder}."
        ).format(backup_folder=backups.backup_folder())
    lines = [
        translate("admin.backup_actions", "Copias más recientes en {backup_folder}:").format(
            backup_folder=backups.backup_folder()
        )
    ]
    lines += [f"  {b.taken_at:%d/%m/%Y %H:%M} ({b.kind_label}) {b.path.name}" for b in latest]
    return "\n".join(lines)


def restore_backup(parent=None, path: str | None = None):
    """Pick a backup, confirm, restore (the service backs up the current state first)."""
    title = translate("admin.backup_actions", "Restaurar copia")
    checked = open_and_attempt(
        parent,
        title,
        backups.preview_restore,
        translate("admin.backup_actions", "Restaurar copia de seguridad"),
        translate("admin.backup_actions", "Copias de PatoLab (*.db);;Todos los archivos (*)"),
        path,
    )
    if checked is None:
        return None
    path, preview = checked
    if not prompts.confirm(
        parent,
        title,
        translate(
            "admin.backup_actions",
            "¿Reemplazar TODOS los datos actuales por la copia\n{path}\n(esquema "
            "{version})?\n\nAntes se guardará una copia del estado actual, por si necesita volver "
            "a él. Las demás computadoras deben cerrar el programa antes de continuar.",
        ).format(path=path, version=preview.schema_version)
        + "\n\n"
        + later_text.describe(preview.later),
    ):
        return None
    # the WhatsApp sender's thread keeps a connection open: the restore needs the file
    # to itself (``services.safety.restoring``), so it waits for the copy to end
    sender = getattr(parent, "notify_sender", None)
    if sender is not None:
        sender.stop()
    try:
        result = prompts.attempt(
            parent,
            title,
            lambda: backups.restore(path, lose_documents=True),  # confirmed
        )
    finally:
        if sender is not None:
            from ..notify import area as notify_area

            notify_area.start_sender(parent)
    if result is prompts.REFUSED:
        return None
    reload = getattr(parent, "reload_from_database", None)
    if reload is not None:
        reload()
    after = later_text.after_restore(result.later, result.new_identity_key)
    prompts.info(
        parent,
        title,
        translate(
            "admin.backup_actions",
            "Copia restaurada.\n\nEl estado anterior quedó guardado en:\n{safety_backup}",
        ).format(safety_backup=result.safety_backup)
        + (f"\n\n{after}" if after else ""),
    )
    return result


def edit_connection(parent=None) -> bool:
    from .database_dialog import DatabaseDialog

    dialog = DatabaseDialog(parent)
    return bool(dialog.exec())


def _check_and_backup(progress=None, cancelled=None) -> tuple[bool, str, str | None]:
    """Quick integrity check, then (when healthy) the daily backup; no GUI, any thread.

    Returns (healthy, details, backup_error)."""
    try:
        report = maintenance.check(quick=True)
        ok, details = report.ok, "\n".join(report.lines())
        if report.unchecked:
            log.warning("The check at start could not check everything:\n%s", details)
    except Exception as exc:  # noqa: BLE001 - a damaged file may fail in any way
        refused = database_refusal(exc)  # locked, read-only: not checked, not damaged
        if refused is not None:
            log.warning("The check at start could not run: %s", refused, exc_info=exc)
            return True, refused, None
        ok, details = (
            False,
            translate(
                "admin.backup_actions", "No se pudo comprobar la base de datos: {exc}"
            ).format(exc=exc),
        )
    if not ok:
        return False, details, None
    try:
        backups.auto_backup_if_due()
    except ServiceError as exc:
        return True, details, str(exc)
    return True, details, None


def _report_checks(parent, result: tuple[bool, str, str | None]) -> bool:
    """Tell the user what the start checks found (GUI thread)."""
    ok, details, backup_error = result
    _state["healthy"] = ok
    if not ok:
        log.error("Startup integrity check failed:\n%s", details)
        prompts.error(
            parent,
            translate("admin.backup_actions", "La base de datos tiene problemas"),
            translate(
                "admin.backup_actions",
                "La comprobación de integridad al iniciar encontró problemas. No siga registrando "
                "datos hasta recuperarla.\n\n",
            )
            + details
            + "\n\n"
            + translate("admin.backup_actions", RESTORE_HELP)
            + "\n"
            + _describe_latest(),
        )
        return False
    if backup_error:
        log.warning("Automatic backup at start failed: %s", backup_error)
        prompts.error(
            parent,
            translate("admin.backup_actions", "Copia de seguridad automática"),
            translate(
                "admin.backup_actions", "No se pudo hacer la copia de seguridad automática:\n{exc}"
            ).format(exc=backup_error),
        )
    return True


def startup_checks(parent=None) -> bool:
    """The quick integrity check at start; a clear dialog explaining how to restore when
    it fails. Returns True when the database is fine (then the daily backup runs)."""
    return _report_checks(parent, _check_and_backup())


def startup_checks_in_background(parent=None, delay_ms: int | None = None):
    """The same checks off the GUI thread, so a big database does not delay the login
    (quick_check of a 4 GB file takes ~9 s, the first backup of the day as long again).
    The result is reported on the GUI thread when it arrives; ``wait()`` the returned
    task before closing the database. ``delay_ms``: started that long after the event
    loop turns (the login window is up by then)."""
    from ..widgets.progress import BackgroundTask

    def done(outcome) -> None:
        result = (
            outcome.result
            if outcome.error is None
            else (
                False,
                translate(
                    "admin.backup_actions", "No se pudo comprobar la base de datos: {exc}"
                ).format(exc=outcome.error),
                None,
            )
        )
        _report_checks(parent, result)

    task = BackgroundTask(_check_and_backup)
    task.finished.connect(done)
    if delay_ms is None:
        return task.start()
    # after the first window is up: the worker's imports (keyring reads every installed
    # package's metadata) and its reads competed with the start for the CPU (issue 20)
    from PySide6.QtCore import QTimer

    QTimer.singleShot(delay_ms, task.start)
    return task


def sweep_leftovers() -> int:
    """At start: remove the temporary files of writers that were killed (never fatal)."""
    from ...services.safety import outputs

    try:
        return len(outputs.sweep_leftovers())
    except Exception as exc:  # noqa: BLE001 - housekeeping never stops the start
        log.warning("Could not sweep temporary files: %s", exc)
        return 0


def exit_backup() -> None:
    """The automatic backup on exit (errors are logged, never block closing)."""
    if not _state["healthy"]:
        return
    try:
        backups.auto_backup_if_due(on_exit=True)
    except Exception as exc:  # noqa: BLE001
        log.warning("Automatic backup on exit failed: %s", exc)
