"""Archivo → Copia de seguridad ahora / Restaurar copia… / Conexión a base de datos…,
the integrity check at start and the automatic backups at start and on exit.

Every rule is in ``services/backups``; this module only asks and tells.
"""
from __future__ import annotations

import logging

from ...services import backups, maintenance
from ...services.errors import ServiceError
from .. import prompts

log = logging.getLogger(__name__)

RESTORE_HELP = (
    "Cómo recuperar los datos:\n"
    "1. Cierre PatoLab Desktop en todas las computadoras que usen esta base de datos.\n"
    "2. Abra PatoLab Desktop y use Archivo → Restaurar copia… para elegir la copia de "
    "seguridad más reciente (se guarda antes una copia del estado actual).\n"
    "   O en la línea de comandos: patolab --db ARCHIVO restore COPIA.db\n"
    "3. Compruebe con: patolab --db ARCHIVO check\n"
)


def install(window) -> None:
    window.add_action("file", "Copia de &seguridad ahora", lambda: backup_now(window), "backup",
                      "Ctrl+Shift+B", permission="backups.run")
    window.add_action("file", "&Restaurar copia…", lambda: restore_backup(window), "restore",
                      permission="backups.run")
    window.add_action("file", "&Conexión a base de datos…", lambda: edit_connection(window),
                      "database", permission="settings.edit")


def backup_now(parent=None):
    """Make a backup now and say where it went; returns the path or None."""
    try:
        path = backups.backup_now()
    except ServiceError as exc:
        prompts.error(parent, "Copia de seguridad", str(exc))
        return None
    prompts.info(parent, "Copia de seguridad", f"Copia de seguridad guardada en:\n{path}")
    return path


def _describe_latest() -> str:
    try:
        latest = backups.list_backups()[:5]
    except Exception:  # noqa: BLE001 - only informative
        latest = []
    if not latest:
        return f"No se encontraron copias en {backups.backup_folder()}."
    lines = [f"Copias más recientes en {backups.backup_folder()}:"]
    lines += [f"  {b.taken_at:%d/%m/%Y %H:%M} ({b.kind_label}) {b.path.name}" for b in latest]
    return "\n".join(lines)


def restore_backup(parent=None, path: str | None = None):
    """Pick a backup, confirm, restore (the service backs up the current state first)."""
    if path is None:
        path = prompts.open_file(parent, "Restaurar copia de seguridad",
                                 "Copias de PatoLab (*.db);;Todos los archivos (*)")
    if not path:
        return None
    try:
        version = backups.validate_backup(path)
    except ServiceError as exc:
        prompts.error(parent, "Restaurar copia", str(exc))
        return None
    if not prompts.confirm(
        parent, "Restaurar copia",
        f"¿Reemplazar TODOS los datos actuales por la copia\n{path}\n(esquema {version})?\n\n"
        "Antes se guardará una copia del estado actual, por si necesita volver a él. "
        "Las demás computadoras deben cerrar el programa antes de continuar.",
    ):
        return None
    try:
        result = backups.restore(path)
    except ServiceError as exc:
        prompts.error(parent, "Restaurar copia", str(exc))
        return None
    reload = getattr(parent, "reload_from_database", None)
    if reload is not None:
        reload()
    prompts.info(parent, "Restaurar copia",
                 f"Copia restaurada.\n\nEl estado anterior quedó guardado en:\n{result.safety_backup}")
    return result


def edit_connection(parent=None) -> bool:
    from .database_dialog import DatabaseDialog

    dialog = DatabaseDialog(parent)
    return bool(dialog.exec())


def startup_checks(parent=None) -> bool:
    """The quick integrity check at start; a clear dialog explaining how to restore when
    it fails. Returns True when the database is fine (then the daily backup runs)."""
    try:
        report = maintenance.check(quick=True)
        ok, details = report.ok, "\n".join(report.lines())
    except Exception as exc:  # noqa: BLE001 - a damaged file may fail in any way
        ok, details = False, f"No se pudo comprobar la base de datos: {exc}"
    if not ok:
        log.error("Startup integrity check failed:\n%s", details)
        prompts.error(
            parent, "La base de datos tiene problemas",
            "La comprobación de integridad al iniciar encontró problemas. No siga registrando "
            "datos hasta recuperarla.\n\n" + details + "\n\n" + RESTORE_HELP + "\n" + _describe_latest(),
        )
        return False
    try:
        backups.auto_backup_if_due()
    except ServiceError as exc:
        log.warning("Automatic backup at start failed: %s", exc)
        prompts.error(parent, "Copia de seguridad automática",
                      f"No se pudo hacer la copia de seguridad automática:\n{exc}")
    return True


def exit_backup() -> None:
    """The automatic backup on exit (errors are logged, never block closing)."""
    try:
        backups.auto_backup_if_due(on_exit=True)
    except Exception as exc:  # noqa: BLE001
        log.warning("Automatic backup on exit failed: %s", exc)
