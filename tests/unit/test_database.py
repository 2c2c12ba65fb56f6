import pytest

from patolab_desktop.db.migrations import SCHEMA_VERSION, current_version
from patolab_desktop.db.models import Branch, Department, Gender, Municipality, ReferrerType
from patolab_desktop.services import reference
from patolab_desktop.services.safety import check as maintenance


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


def test_new_uids_are_time_ordered_version_7_uuids(monkeypatch):
    import time
    import uuid

    from patolab_desktop.db import models

    clock = iter([1_700_000_000_000_000_000 + n * 2_000_000 for n in range(200)])
    monkeypatch.setattr(time, "time_ns", lambda: next(clock))
    made = [models.new_uid() for _ in range(200)]
    parsed = [uuid.UUID(u) for u in made]
    assert all(u.version == 7 and u.variant == uuid.RFC_4122 for u in parsed)
    assert made == [str(u) for u in parsed]  # written as the uuid module writes them
    assert made == sorted(made) and len(set(made)) == 200  # later ones sort later
    assert parsed[0].int >> 80 == 1_700_000_000_000  # the milliseconds, in the first 48 bits
    monkeypatch.undo()
    assert len({models.new_uid() for _ in range(10_000)}) == 10_000  # same millisecond


def test_customer_email_has_no_index(database):
    names = [index.name for index in database.get_indexes("customer")]
    assert "customer_email" not in names
    assert any("name_folded" in name for name in names)


def test_int_array_is_one_literal_of_whole_numbers_only():
    """Issue 20: PostgreSQL's id lists go as ONE array literal (``'{…}'::integer[]``), not
    psycopg2's ``ARRAY[…]`` of one constant per id; only whole numbers get in."""
    from patolab_desktop.db.database import int_array

    assert int_array([3, 1, 2]) == "{3,1,2}"
    assert int_array([]) == "{}"
    with pytest.raises(ValueError):
        int_array(["1}; DROP TABLE customer; --"])
