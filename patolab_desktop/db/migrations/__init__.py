"""Schema versions and the steps between them.

A new database is created from the current models and stamped with the latest
version. An existing one is backed up with the SQLite backup API and brought up to
date step by step, each step inside ``db.atomic()``.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from pathlib import Path

from peewee import Database

from ...util.translation import translate
from .. import autovacuum, request_search, search
from ..database import DatabaseOpenError, backup_sqlite, is_sqlite
from ..models import ALL_MODELS, SchemaVersion
from .access_v5 import add_version_columns as _access_v5
from .billing_v13 import billing as _billing_v13
from .identity_v14 import encrypt_identity_numbers as _identity_v14
from .notify_v12 import results_and_notifications as _notify_v12

log = logging.getLogger(__name__)


def _search_index_without_positions(database: Database) -> None:
    """Version 2: the customer search index keeps no positions (``detail=none``)."""
    search.recreate(database)


def _drop_customer_email_index(database: Database) -> None:
    """Version 3: no index on customer.email. Nothing looks a customer up by e-mail (the
    search reads it from search_text) and keeping it up to date cost an import of 100,000
    customers into a million 2 s."""
    database.execute_sql("DROP INDEX IF EXISTS customer_email")


def _counter_floor_table(database: Database) -> None:
    """Version 10: ``counter_floor``, the numbers a restore must never give again."""
    from ..models_safety import CounterFloor

    database.create_tables([CounterFloor], safe=True)


def _lost_fiscal_document_table(database: Database) -> None:
    """Version 23: ``lost_fiscal_document``, the fiscal documents (and voids) issued before
    a restore that the restored copy did not have."""
    from ..models_safety import LostFiscalDocument

    database.create_tables([LostFiscalDocument], safe=True)


def _identity_documents_and_declared_ages(database: Database) -> None:
    """Version 8 (issue 16): customer.document_type (DNI, RTN, pasaporte, residente,
    ninguno; set from the stored digits), customer.age_declared (a baby's "8m" / "3d"),
    id_number wide enough for a passport, request_line.own_price (an investigation
    ordered on its own keeps its price while a panel carries it) and the branch's
    department and municipality (the default place of the patients registered there)."""
    customer_columns = {c.name for c in database.get_columns("customer")}
    line_columns = {c.name for c in database.get_columns("request_line")}
    # ADD COLUMN with a constant default: no table rebuild (the search triggers and the
    # partial indexes of customer stay as they are), the same SQL on SQLite and PostgreSQL
    if "document_type" not in customer_columns:
        database.execute_sql(
            "ALTER TABLE customer ADD COLUMN document_type VARCHAR(10) NOT NULL DEFAULT 'ninguno'"
        )
    if "age_declared" not in customer_columns:
        database.execute_sql(
            "ALTER TABLE customer ADD COLUMN age_declared VARCHAR(8) NOT NULL DEFAULT ''"
        )
    if "own_price" not in line_columns:
        database.execute_sql("ALTER TABLE request_line ADD COLUMN own_price BIGINT")
    branch_columns = {c.name for c in database.get_columns("branch")}
    for column, table in (("department_id", "department"), ("municipality_id", "municipality")):
        if column not in branch_columns:
            database.execute_sql(
                f"ALTER TABLE branch ADD COLUMN {column} INTEGER REFERENCES {table} (id)"
            )
    if not is_sqlite(database):  # SQLite does not enforce VARCHAR lengths
        database.execute_sql("ALTER TABLE customer ALTER COLUMN id_number TYPE VARCHAR(20)")
    database.execute_sql(
        "UPDATE customer SET document_type = CASE LENGTH(id_number) "
        "WHEN 13 THEN 'dni' WHEN 14 THEN 'rtn' ELSE 'ninguno' END"
    )


def _one_id_hash_index(database: Database) -> None:
    """Version 17 (issue 20): one unique index on (id_hash, active) instead of a plain index
    on id_hash and a partial unique one (see ``search.ID_HASH_INDEX``). Built before the
    old ones go: the rule "unique among the active customers" never lapses."""
    search.install_identity_index(database)  # step 14 added the column
    database.execute_sql("DROP INDEX IF EXISTS customer_active_id_hash")
    database.execute_sql("DROP INDEX IF EXISTS customer_id_hash")


# the kinds of WhatsApp message there were when consent started saying which (step 22)
_KINDS_AT_STEP_22 = "received,partial,ready,cancelled"


def _consent_how_and_kinds(database: Database) -> None:
    """Version 22: ``customer.consent_how`` (how the patient gave consent: in person,
    signed form, phone, WhatsApp) and ``customer.consent_events`` (the kinds of message
    accepted, comma-separated event codes), as NOTIFICATIONS.md asks: "record who
    consented, when, how and for which messages". A patient who had said yes keeps
    getting every kind there was (a single yes covered them all) and how is «No
    registrado» (``unknown``): nobody wrote it down; the desk records it when the consent
    is next asked."""
    present = {c.name for c in database.get_columns("customer")}
    if "consent_how" in present and "consent_events" in present:
        return  # made so (a new database, a step run again): no recorded consent is touched
    # ADD COLUMN with a constant default: no table rebuild, the same SQL on both backends
    for name, size in (("consent_how", 12), ("consent_events", 80)):
        if name not in present:
            database.execute_sql(
                f"ALTER TABLE customer ADD COLUMN {name} VARCHAR({size}) NOT NULL DEFAULT ''"
            )
    p = database.param
    database.execute_sql(
        f"UPDATE customer SET consent_how = {p}, consent_events = {p} "
        "WHERE whatsapp_consent = 'yes'",
        ("unknown", _KINDS_AT_STEP_22),
    )


# (version, function(database)) — append new steps, never edit old ones.
STEPS: list[tuple[int, str, Callable[[Database], None]]] = [
    (2, "índice de búsqueda de clientes sin posiciones", _search_index_without_positions),
    (3, "sin índice por correo de clientes", _drop_customer_email_index),
    (8, "documentos de identidad y edades declaradas", _identity_documents_and_declared_ages),
    # reserved as 5 for issue 15; main had reached 8 when it merged, so it runs after 8
    (9, "versión (bloqueo optimista) en ajustes, sucursales, tipos, roles y usuarios", _access_v5),
    (10, "pisos de los contadores de números tras una restauración", _counter_floor_table),
    (12, "estado de cada investigación y avisos por WhatsApp", _notify_v12),
    (13, "facturación: autorizaciones CAI, facturas, pagos y caja", _billing_v13),
    (14, "números de identidad cifrados", _identity_v14),
    (15, "texto de búsqueda del paciente en cada solicitud", request_search.add_to_existing),
    (16, "PostgreSQL: autovacuum de clientes y solicitudes tras importar", autovacuum.install),
    (17, "un solo índice único de los números de identidad", _one_id_hash_index),
    (18, "PostgreSQL: índice estrecho para buscar por nombre", search.install_name_walk_index),
    (19, "PostgreSQL: índice del municipio del DNI", search.install_dni_prefix_index),
    (20, "PostgreSQL: sin el índice por identidad cifrada", search.drop_ciphertext_order_index),
    (21, "orden por tipo de documento en vez de identidad cifrada", search.sort_by_document_kind),
    (22, "consentimiento de WhatsApp: cómo y para qué mensajes", _consent_how_and_kinds),
    (23, "documentos fiscales emitidos antes de restaurar una copia", _lost_fiscal_document_table),
]

SCHEMA_VERSION = 23
# Steps that change nothing in an SQLite file: a database that only lacks these is brought
# up to date without the copy taken before migrating (4.5 GB at 1,000,000 customers: about
# 20 s at the first start of a new version, for nothing).
POSTGRES_ONLY_STEPS = frozenset({16, 18, 19, 20})
# Steps that only drop and make indexes, or add an empty table: their transaction undoes
# them whole, the rows are never touched, so no copy is taken for them either.
INDEX_ONLY_STEPS = frozenset({21, 23})
IDENTITY_STEP = 14  # the step that encrypts the identity numbers (see ``upgrade``)


class MigrationError(DatabaseOpenError):
    """A DatabaseOpenError: the CLI and the GUI show its message (never a traceback)."""


def current_version(database: Database) -> int:
    if not database.table_exists("schema_version"):
        return 0
    row = database.execute_sql("SELECT MAX(version) FROM schema_version").fetchone()
    return int(row[0] or 0)


def _create_fresh(database: Database) -> None:
    with database.atomic():
        database.create_tables(ALL_MODELS)
        search.install(database)
        request_search.install(database)
        autovacuum.install(database)
        SchemaVersion.create(version=SCHEMA_VERSION)


def upgrade(database: Database) -> int:
    version = current_version(database)
    if version == 0 and not database.get_tables():
        _create_fresh(database)
        return SCHEMA_VERSION
    if version > SCHEMA_VERSION:
        raise MigrationError(
            translate(
                "db.migrations",
                "La base de datos es de una versión más nueva ({version}) que "
                "esta aplicación ({supported}). Actualice PatoLab Desktop.",
            ).format(version=version, supported=SCHEMA_VERSION)
        )
    pending = [step for step in STEPS if step[0] > version]
    if not pending:
        return version
    backup = None
    no_copy = POSTGRES_ONLY_STEPS | INDEX_ONLY_STEPS
    changes_the_file = any(number not in no_copy for number, *_ in pending)
    if is_sqlite(database) and database.database != ":memory:" and changes_the_file:
        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
        backup = Path(database.database).with_name(
            f"{Path(database.database).stem}.v{version}.{stamp}.bak"
        )
        backup_sqlite(database, backup)
        log.info("Backed up the database before migrating from version %s", version)
    for number, description, step in pending:
        log.info("Migrating to schema version %s: %s", number, description)
        with database.atomic():
            step(database)
            SchemaVersion.create(version=number)
    if backup is not None and any(number == IDENTITY_STEP for number, *_ in pending):
        # the copy taken before the identity numbers were encrypted holds them in clear:
        # once they are encrypted it must not stay beside the database (issue 15, 13)
        backup.unlink(missing_ok=True)
        log.info("Removed the pre-encryption copy of the database")
    return current_version(database)
