"""backup, restore, migrate-to."""

from __future__ import annotations

from . import existing_folder, fail, open_from_args
from .building import command, switch


def register(sub, common) -> None:
    backup = command(
        sub,
        "backup",
        common,
        run_backup,
        "copia de seguridad de la base de datos (API de respaldo de SQLite o pg_dump)",
    )
    backup.add_argument(
        "--folder",
        metavar="CARPETA",
        default=None,
        help="carpeta de destino (por omisión, la configurada en esta computadora)",
    )
    switch(backup, "--prune", "borrar además las copias más antiguas que los días configurados")

    restore = command(
        sub,
        "restore",
        common,
        run_restore,
        "restaurar una copia (antes guarda una copia del estado actual)",
    )
    restore.add_argument(
        "file",
        metavar="ARCHIVO",
        help="archivo de copia (.db; en PostgreSQL, .dump de pg_dump -Fc)",
    )
    switch(
        restore,
        "--lose-documents",
        "restaurar aunque se pierdan facturas, notas de crédito o anulaciones posteriores a "
        "la copia (sus números quedan registrados y no se vuelven a usar)",
    )

    listing = command(sub, "backups", common, run_list, "listar las copias de seguridad")
    listing.add_argument(
        "--folder",
        type=existing_folder,
        metavar="CARPETA",
        default=None,
        help="carpeta de las copias (por omisión, la configurada en esta computadora)",
    )

    migrate = command(
        sub,
        "migrate-to",
        common,
        run_migrate_to,
        "copiar una base SQLite a un servidor PostgreSQL vacío",
    )
    migrate.add_argument(
        "--to",
        required=True,
        metavar="URL",
        help="postgresql://usuario@servidor:5432/base (vacía; la contraseña, del almacén de "
        "contraseñas del sistema o de PGPASSWORD, nunca en la línea de comandos)",
    )
    migrate.add_argument("--batch", type=int, default=1000, metavar="N", help="filas por lote")


def run_backup(args) -> int:
    from ..services.safety import backups

    open_from_args(args, create=False)
    path = backups.backup_now(args.folder)
    print(f"Copia de seguridad guardada en {path}")
    if args.prune:
        removed = backups.prune(args.folder)
        print(f"Copias antiguas borradas: {len(removed)}")
    return 0


def run_restore(args) -> int:
    from ..services.access import session
    from ..services.safety import backups, later_text

    open_from_args(args, create=False)
    with session.acting_as(session.current()):  # the signed-in user (sign_in)
        preview = backups.preview_restore(args.file)
        print(later_text.describe(preview.later))
        if preview.later.fiscal_lost and not args.lose_documents:
            return fail(
                "la copia no tiene documentos fiscales o anulaciones posteriores a ella (vea "
                "arriba). Si acepta perderlos, repita con --lose-documents. No se cambió nada."
            )
        result = backups.restore(args.file, lose_documents=args.lose_documents)
    print(f"Estado anterior guardado en {result.safety_backup}")
    print(f"Restaurada la copia {result.restored_from} (esquema {result.schema_version}).")
    after = later_text.after_restore(result.later, result.new_identity_key)
    if after:
        print(after)
    return 0


def run_list(args) -> int:
    from ..services.safety import backups

    open_from_args(args, sign_in_needed=False, create=False)  # file names and dates only
    found = backups.list_backups(args.folder)
    if not found:
        print("No hay copias de seguridad.")
    for info in found:
        print(
            f"{info.taken_at:%d/%m/%Y %H:%M:%S}  {info.kind_label:<24} "
            f"{info.size:>12,d}  {info.path}"
        )
    return 0


def run_migrate_to(args) -> int:
    from ..db.database import describe
    from ..services.access import session
    from ..services.safety import moved, transfer

    source = open_from_args(args, create=False).database
    with session.acting_as(session.current()):  # the signed-in user (sign_in)
        counts = transfer.migrate_to(
            args.to, batch=max(1, args.batch), progress=_progress_on_stderr()
        )
    width = max(len(t) for t in counts)
    for table, rows in counts.items():
        print(f"{table:<{width}}  {rows:>10,d}")
    print(f"Total: {sum(counts.values()):,d} filas copiadas a {describe(args.to)}.")
    print(f"El archivo {source} queda trasladado: ya no se guarda nada en él.")
    if moved.switch_this_desk(source, args.to):
        print(f"Esta computadora usa desde ahora {describe(args.to)}.")
    return 0


def _progress_on_stderr(every: float = 2.0):
    """A progress callback for a long copy: each new step (table) at once, then at most
    one line every ``every`` seconds, on stderr (stdout keeps the final counts)."""
    import sys
    import time

    last = {"step": "", "at": 0.0}

    def show(text: str) -> None:
        step = text.split(":", 1)[0]
        now = time.monotonic()
        if step != last["step"] or now - last["at"] >= every:
            print(text, file=sys.stderr, flush=True)
            last.update(step=step, at=now)

    return show
