"""Integrity and schema checks."""
from __future__ import annotations

from dataclasses import dataclass, field

from ..db.database import db, describe, is_sqlite
from ..db.migrations import SCHEMA_VERSION, current_version


@dataclass
class CheckReport:
    target: str
    schema_version: int
    expected_version: int
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def lines(self) -> list[str]:
        lines = [
            f"Base de datos: {self.target}",
            f"Versión del esquema: {self.schema_version} (esta aplicación: {self.expected_version})",
        ]
        if self.ok:
            lines.append("Integridad: correcta")
        else:
            lines.append("Integridad: PROBLEMAS ENCONTRADOS")
            lines.extend(f"  - {p}" for p in self.problems)
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
            f"versión del esquema {report.schema_version}, se esperaba {SCHEMA_VERSION}"
        )
    if is_sqlite(database):
        pragma = "quick_check" if quick else "integrity_check"
        rows = [r[0] for r in database.execute_sql(f"PRAGMA {pragma}").fetchall()]
        if rows != ["ok"]:
            report.problems.extend(f"{pragma}: {r}" for r in rows)
        if not quick:
            for table, rowid, parent, _fk in database.execute_sql("PRAGMA foreign_key_check"):
                report.problems.append(
                    f"clave foránea rota: {table} fila {rowid} → {parent}"
                )
            try:
                database.execute_sql(
                    "INSERT INTO customer_fts(customer_fts, rank) VALUES ('integrity-check', 1)"
                )
            except Exception as exc:  # sqlite3.DatabaseError: the index disagrees with its table
                report.problems.append(f"índice de búsqueda: {exc}")
    return report
