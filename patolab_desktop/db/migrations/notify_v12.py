"""Schema version 12 (issue 18): results progress per line and WhatsApp notifications.

- ``request_line``: the time and user of each step of its own status (started, released,
  cancelled); old line statuses (copies of the request's) become line statuses:
  pending/sample_collected → pending, in_progress/partial_result → in_progress,
  completed → released, cancelled → cancelled.
- ``lab_request``: ``lines_total`` and ``lines_released`` (the list's "3/8 listas").
- ``customer``: WhatsApp consent (yes / no / not asked), when and who.
- the ``outbox`` table; the role Supervisor gets ``results.release`` (the Laboratorio
  role itself is seeded like every seeded role).

Self-contained: it only looks at the columns it adds, so it applies on top of any other
step numbered before it.
"""

from __future__ import annotations

from collections.abc import Iterable

from peewee import Database

_LINE_COLUMNS = (
    ("started_at", "TIMESTAMP"),
    ("started_by", "VARCHAR(80) NOT NULL DEFAULT ''"),
    ("released_at", "TIMESTAMP"),
    ("released_by", "VARCHAR(80) NOT NULL DEFAULT ''"),
    ("cancelled_at", "TIMESTAMP"),
    ("cancelled_by", "VARCHAR(80) NOT NULL DEFAULT ''"),
)
_REQUEST_COLUMNS = (
    ("lines_total", "SMALLINT NOT NULL DEFAULT 0"),
    ("lines_released", "SMALLINT NOT NULL DEFAULT 0"),
)
_CUSTOMER_COLUMNS = (
    ("whatsapp_consent", "VARCHAR(3) NOT NULL DEFAULT ''"),
    ("consent_at", "TIMESTAMP"),
    ("consent_by", "VARCHAR(80) NOT NULL DEFAULT ''"),
)

# a result line: not a panel line that has members
_LEAF = "NOT EXISTS (SELECT 1 FROM request_line m WHERE m.parent_line_id = request_line.id)"


def _add(database: Database, table: str, columns: Iterable[tuple[str, str]]) -> None:
    present = {c.name for c in database.get_columns(table)}
    for name, kind in columns:
        if name not in present:
            database.execute_sql(f'ALTER TABLE "{table}" ADD COLUMN {name} {kind}')


def results_and_notifications(database: Database) -> None:
    from ..models_notify import Outbox

    _add(database, "request_line", _LINE_COLUMNS)
    _add(database, "lab_request", _REQUEST_COLUMNS)
    _add(database, "customer", _CUSTOMER_COLUMNS)
    line_statuses_and_counts(database)
    database.create_tables([Outbox], safe=True)
    database.execute_sql(
        "INSERT INTO role_permission (role_id, permission) "
        "SELECT r.id, 'results.release' FROM role r WHERE r.name = 'Supervisor' AND NOT EXISTS "
        "(SELECT 1 FROM role_permission p WHERE p.role_id = r.id "
        "AND p.permission = 'results.release')"
    )


def line_statuses_and_counts(database: Database) -> None:
    """Lines that copy their request's status get their own; the progress counts are
    computed (also used by the demo data, written with the request's status)."""
    database.execute_sql(
        "UPDATE request_line SET status = CASE status "
        "WHEN 'sample_collected' THEN 'pending' WHEN 'partial_result' THEN 'in_progress' "
        "WHEN 'completed' THEN 'released' ELSE status END "
        "WHERE status IN ('sample_collected', 'partial_result', 'completed')"
    )
    database.execute_sql(
        "UPDATE request_line SET released_at = (SELECT r.completed_at FROM lab_request r "
        "WHERE r.id = request_line.lab_request_id) WHERE status = 'released'"
    )
    database.execute_sql(
        "UPDATE lab_request SET "
        f"lines_total = (SELECT COUNT(*) FROM request_line WHERE "
        f"request_line.lab_request_id = lab_request.id AND {_LEAF}), "
        f"lines_released = (SELECT COUNT(*) FROM request_line WHERE "
        f"request_line.lab_request_id = lab_request.id AND request_line.status = 'released' "
        f"AND {_LEAF})"
    )
