"""What a restore writes into the restored database so that history keeps moving forward
(issue 15, point 6), shared by the SQLite restore (``restoring``) and the PostgreSQL one
(``pg_restoring``): the counters raised to what the replaced database had issued, its
audit rows written after the backup, and the restore's own audit row."""

from __future__ import annotations

from pathlib import Path

from . import counters
from .restoring import _carry_audit


def write_forward(
    issued: dict[str, dict[str, int]],
    audit_rows: list[dict],
    backup: Path,
    safety: Path,
    kind: str = "",
) -> tuple[int, int]:
    """In the restored database (models bound to it, inside the caller's transaction):
    raise the counters to ``issued`` (``counters.snapshot_all`` of the replaced database),
    carry ``audit_rows`` over and audit the restore of ``backup`` (``safety``: the copy of
    the state before; ``kind``: e.g. " (PostgreSQL)"). (counters moved, rows carried)."""
    from ..access import audit

    moved = counters.raise_all(issued)
    carried = _carry_audit(audit_rows)
    audit.record(
        "restore",
        "database",
        None,
        detail=(
            f"Restaurada la copia {backup.name}{kind}; estado anterior guardado en "
            f"{safety.name}; {carried} fila(s) de auditoría posteriores a la copia "
            f"conservadas; contadores de números mantenidos hacia adelante."
        ),
    )
    return moved, carried
