"""Schema version 13 (issue 17): charging at the desk.

- the billing tables (authorisations, fiscal documents and lines, invoiced requests, cash
  sessions, payments, company credit, balance moves);
- ``investigation.tax_class`` (exento by default: lab services, Ley ISV Art. 15);
- ``lab_request.bill_to_id`` (a company customer that pays, or empty: the patient);
- the seeded roles get their billing permissions (Recepción issues and takes payments,
  Supervisor voids, issues credit notes and confirms closes, Administrador everything).

Self-contained: it only looks at what it adds, so it applies on top of any earlier step.
"""

from __future__ import annotations

from peewee import Database

_GRANTS = {
    "Recepción": ("billing.issue", "billing.cash"),
    "Supervisor": (
        "billing.issue",
        "billing.cash",
        "billing.void",
        "billing.credit_note",
        "billing.reports",
    ),
    "Administrador": (
        "billing.issue",
        "billing.cash",
        "billing.void",
        "billing.credit_note",
        "billing.reports",
        "billing.authorisations",
    ),
}


def billing(database: Database) -> None:
    from ..models_billing import BILLING_MODELS

    present = {c.name for c in database.get_columns("investigation")}
    if "tax_class" not in present:
        database.execute_sql(
            "ALTER TABLE investigation ADD COLUMN tax_class VARCHAR(10) NOT NULL DEFAULT 'exento'"
        )
    present = {c.name for c in database.get_columns("lab_request")}
    if "bill_to_id" not in present:
        database.execute_sql(
            "ALTER TABLE lab_request ADD COLUMN bill_to_id INTEGER REFERENCES customer (id)"
        )
    database.create_tables(BILLING_MODELS, safe=True)
    for role, permissions in _GRANTS.items():
        for permission in permissions:
            database.execute_sql(
                "INSERT INTO role_permission (role_id, permission) "
                "SELECT r.id, %s FROM role r WHERE r.name = %s AND NOT EXISTS "
                "(SELECT 1 FROM role_permission p WHERE p.role_id = r.id "
                "AND p.permission = %s)".replace("%s", database.param),
                (permission, role, permission),
            )
