"""A request's save asks the database only what it needs (issue 20: on PostgreSQL each
statement is a round trip), and the branch it falls back to is the one the entry screen
shows."""

from __future__ import annotations

import pytest

from patolab_desktop.db.database import is_sqlite
from patolab_desktop.db.models import Branch, LabRequest, Setting
from patolab_desktop.services import requests, settings
from patolab_desktop.services.catalog import branches
from patolab_desktop.services.errors import ValidationError
from tests.unit.requests_fixtures import lab, make_branch, make_investigation  # noqa: F401
from tests.unit.sql_spy import TRANSACTION, statements


def test_a_save_with_ten_investigations_takes_thirteen_statements(lab, monkeypatch):
    """patient, doctor, default-branch setting, branch, catalog, discount settings,
    counter, counter update, request, its lines (one insert), the outbox's patient, the
    event, the audit row. Each extra statement was a round trip on every save. On SQLite
    one more, in the file itself (no round trip): whether ``migrate-to`` moved the file
    meanwhile (``safety.moved.check_not_moved``), which refuses writes to a moved file."""
    ten = [lab.hem, lab.glu, lab.ure, lab.col, lab.tri, lab.hdl]
    ten += [make_investigation(f"X{n}", f"Prueba {n}", "10") for n in range(4)]
    lab.create()  # the year's counter exists from the first request on
    seen = statements(monkeypatch, skip=TRANSACTION)
    request_id, _number = lab.create(*ten)
    ran = list(seen)
    assert LabRequest.get_by_id(request_id).lines_total == 10
    assert len(ran) == 13 + is_sqlite(), "\n".join(ran)
    assert sum(sql.startswith('INSERT INTO "request_line"') for sql in ran) == 1
    settings_reads = [sql for sql in ran if 'FROM "setting"' in sql]
    assert len(settings_reads) == 2  # the default branch, then the four discount settings


def test_without_a_chosen_branch_the_request_goes_to_the_screens_default(lab):
    """No branch in the draft and none in the settings: the first active branch by name,
    the one the entry screen preselects (it used to be the first by id here)."""
    Setting.delete().where(Setting.key == "default_branch_id").execute()
    first_by_name = make_branch("AGA", "Agua Azul")  # created after the lab's own branch
    assert Branch.get_by_id(lab.branch).name > "Agua Azul"
    assert branches.default_branch_id() == first_by_name
    request_id, number = lab.create()
    assert requests.get(request_id).branch_id == first_by_name
    assert number.startswith("AGA-")


def test_an_inactive_default_falls_back_to_the_first_active_by_name(lab):
    chosen = make_branch("SPS", "San Pedro Sula")
    settings.put("default_branch_id", chosen)
    Branch.update(active=False).where(Branch.id == chosen).execute()
    _, number = lab.create()
    assert number.startswith(Branch.get_by_id(lab.branch).code + "-")
    assert branches.default_branch() == (lab.branch, Branch.get_by_id(lab.branch).code)


def test_a_chosen_inactive_branch_is_refused_by_name(lab):
    chosen = make_branch("SPS", "San Pedro Sula")
    Branch.update(active=False).where(Branch.id == chosen).execute()
    with pytest.raises(ValidationError) as info:
        lab.create(branch_id=chosen)
    assert "inactiva" in str(info.value.fields["branch_id"])


def test_no_active_branch_at_all_is_named(lab):
    Branch.update(active=False).execute()
    with pytest.raises(ValidationError) as info:
        lab.create()
    assert "sucursal activa" in info.value.fields["branch_id"]
