"""Integrity and schema checks."""

from __future__ import annotations

from dataclasses import dataclass, field

from ...db import search
from ...db.database import db, describe, is_sqlite
from ...db.errors import database_refusal
from ...db.migrations import SCHEMA_VERSION, current_version
from ..texts import translate


@dataclass
class CheckReport:
    target: str
    schema_version: int
    expected_version: int
    problems: list[str] = field(default_factory=list)
    # what could not be checked and why (the database locked, read-only): no damage found
    unchecked: list[str] = field(default_factory=list)
    identity_key: str = ""  # "ready", "missing", "none" (issue 15, 13); "" = not asked

    @property
    def ok(self) -> bool:
        return not self.problems

    def lines(self) -> list[str]:
        lines = [
            translate("services.maintenance", "Base de datos: {target}").format(target=self.target),
            translate(
                "services.maintenance",
                "Versión del esquema: {version} (esta aplicación: {expected})",
            ).format(version=self.schema_version, expected=self.expected_version),
        ]
        key_text = {
            "ready": translate("services.maintenance", "en esta computadora"),
            "missing": translate(
                "services.maintenance",
                "FALTA en esta computadora (patolab --recovery-key CLAVE …, o la pantalla de "
                "inicio la pide)",
            ),
            "none": translate("services.maintenance", "aún no creada (ningún número guardado)"),
        }.get(self.identity_key)
        if key_text:
            lines.append(
                translate(
                    "services.maintenance", "Clave de los números de identidad: {state}"
                ).format(state=key_text)
            )
        if self.ok:
            lines.append(translate("services.maintenance", "Integridad: correcta"))
        else:
            lines.append(translate("services.maintenance", "Integridad: PROBLEMAS ENCONTRADOS"))
            lines.extend(f"  - {p}" for p in self.problems)
        if self.unchecked:
            lines.append(translate("services.maintenance", "Sin comprobar:"))
            lines.extend(f"  - {u}" for u in self.unchecked)
        return lines


def check(quick: bool = False) -> CheckReport:
    database = db.obj
    report = CheckReport(
        target=describe(str(database.database)),
        schema_version=current_version(database),
        expected_version=SCHEMA_VERSION,
    )
    if report.schema_version != SCHEMA_VERSION:
        report.problems.append(
            translate(
                "services.maintenance", "versión del esquema {version}, se esperaba {expected}"
            ).format(version=report.schema_version, expected=SCHEMA_VERSION)
        )
    if any(c.name == "id_hash" for c in database.get_columns("customer")):
        from .. import identity

        report.identity_key = identity.status()
        plain = database.execute_sql(  # the pattern as a parameter: psycopg2 reads a bare %
            "SELECT COUNT(*) FROM customer WHERE id_number IS NOT NULL AND id_number <> '' "
            f"AND id_number NOT LIKE {database.param}",
            ("e1:%",),
        ).fetchone()[0]
        if plain:  # every number is encrypted from schema 14 on (issue 15, 13)
            report.problems.append(
                translate(
                    "services.maintenance", "números de identidad sin cifrar: {count}"
                ).format(count=plain)
            )
    if is_sqlite(database):
        pragma = "quick_check" if quick else "integrity_check"
        rows = [r[0] for r in database.execute_sql(f"PRAGMA {pragma}").fetchall()]
        if rows != ["ok"]:
            report.problems.extend(f"{pragma}: {r}" for r in rows)
        if not quick:
            for table, rowid, parent, _fk in database.execute_sql("PRAGMA foreign_key_check"):
                report.problems.append(
                    translate(
                        "services.maintenance", "clave foránea rota: {table} fila {row} → {parent}"
                    ).format(table=table, row=rowid, parent=parent)
                )
        # The search index: its table, its triggers, no interrupted rebuild, and FTS5's
        # own integrity check (also in the quick check at start: it reads the index only).
        try:
            index_problems = search.integrity_problems(database, quick=quick)
        except Exception as exc:
            reason = database_refusal(exc)
            if reason is None:
                raise
            index_problems = []
            report.unchecked.append(
                translate("services.maintenance", "índice de búsqueda: {reason}").format(
                    reason=reason
                )
            )
        for problem in index_problems:
            report.problems.append(
                translate("services.maintenance", "índice de búsqueda: {error}").format(
                    error=problem
                )
            )
    return report
