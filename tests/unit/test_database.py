import pytest

from patolab_desktop.db.migrations import SCHEMA_VERSION, current_version
from patolab_desktop.db.models import Branch, Department, Gender, Municipality, ReferrerType
from patolab_desktop.services import maintenance, reference


def test_fresh_database_is_migrated_and_seeded(database):
    assert current_version(database) == SCHEMA_VERSION
    assert Department.select().count() == 18
    assert Municipality.select().count() == 298
    assert [g.name for g in Gender.select().order_by(Gender.id)] == ["Mujer", "Hombre", "Otro"]
    assert "Clínica Privada" in [t.name for t in ReferrerType.select()]
    assert Branch.select().count() == 1


@pytest.mark.sqlite_only
def test_pragmas_wal_and_foreign_keys(database):
    assert database.execute_sql("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert database.execute_sql("PRAGMA foreign_keys").fetchone()[0] == 1
    assert database.execute_sql("PRAGMA synchronous").fetchone()[0] == 1  # NORMAL
    assert database.execute_sql("PRAGMA busy_timeout").fetchone()[0] > 0


@pytest.mark.sqlite_only
def test_reopening_does_not_duplicate_seed(db_path, database):
    from patolab_desktop.services.bootstrap import close_db, open_db

    close_db()
    open_db(db_path)
    assert Department.select().count() == 18
    assert Gender.select().count() == 3


def test_municipalities_belong_to_their_department(database):
    cortes = next(d for d, name in reference.departments() if name == "Cortés")
    names = [name for _id, name in reference.municipalities(cortes)]
    assert "San Pedro Sula" in names
    assert "Tegucigalpa" not in names  # Distrito Central lives in Francisco Morazán


def test_check_reports_ok(database):
    report = maintenance.check()
    assert report.ok, report.problems
    assert report.schema_version == SCHEMA_VERSION
