"""Issue 20: every request keeps a copy of its patient's search text
(``lab_request.patient_search``, schema 15), kept by the database on both backends, so
the requests list searched by a frequent name reads no customer row per walked request."""

from __future__ import annotations

import dataclasses

import pytest

from patolab_desktop.db import migrations, request_search
from patolab_desktop.db.database import db, is_sqlite
from patolab_desktop.db.models import Customer, LabRequest
from patolab_desktop.services import requests
from patolab_desktop.services.customers import records as customer_records
from patolab_desktop.services.requests import search as requests_search
from tests.unit.requests_fixtures import lab, make_customer  # noqa: F401


def _copy(request_id: int) -> str | None:
    return LabRequest.get_by_id(request_id).patient_search


def _text(customer_id: int) -> str:
    return Customer.get_by_id(customer_id).search_text


def _names(text: str) -> list[str]:
    page = requests.page(requests.RequestFilter(search=text), requests_page_request())
    return [row["patient_name"] for row in page.rows]


def requests_page_request():
    from patolab_desktop.services.paging import PageRequest

    return PageRequest(sort="requested_at", descending=True, limit=100)


def test_a_new_request_carries_its_patients_search_text(lab):  # noqa: F811
    request_id, _number = lab.create()
    assert _copy(request_id) == _text(lab.patient)
    assert "perez" in _copy(request_id)


def test_renaming_a_patient_passes_the_new_text_to_every_request(lab, monkeypatch):  # noqa: F811
    first, _ = lab.create()
    second, _ = lab.create(lab.glu)
    data = customer_records.get(lab.patient)
    customer_records.update(dataclasses.replace(data, name="Ana María Zelaya", incomplete=True))
    assert "zelaya" in _text(lab.patient)
    assert _copy(first) == _copy(second) == _text(lab.patient)
    # the walk of the list, on the copies, finds the new name and no longer the old one
    monkeypatch.setattr(requests_search, "_many_patients", lambda *_a: 0)
    assert _names("zelaya") == ["Ana María Zelaya"] * 2
    assert _names("ana maria perez") == []


def test_a_request_moved_to_another_patient_takes_theirs(lab):  # noqa: F811
    request_id, _ = lab.create()
    other = make_customer("Karla Banegas")
    LabRequest.update(patient=other).where(LabRequest.id == request_id).execute()
    assert _copy(request_id) == _text(other)


def test_a_copy_brought_with_the_row_is_kept(lab):  # noqa: F811
    """``migrate-to`` copies the column as it is: no lookup per row."""
    request_id, _ = lab.create()
    row = LabRequest.get_by_id(request_id)
    fields = {f.name: getattr(row, f.name) for f in LabRequest._meta.sorted_fields}
    del fields["id"]
    fields.update(request_number="COPIA-1", patient_search="brought along")
    copied = LabRequest.insert(**fields).execute()
    assert _copy(copied) == "brought along"


def test_an_older_database_gets_the_copies_when_it_is_upgraded(lab):  # noqa: F811
    request_id, _ = lab.create()
    database = db.obj
    for statement in (
        ["DROP TRIGGER lab_request_patient_search ON lab_request"]
        if not is_sqlite()
        else [f"DROP TRIGGER {name}" for name in request_search.SQLITE_TRIGGERS]
    ):
        database.execute_sql(statement)
    database.execute_sql("UPDATE lab_request SET patient_search = NULL")
    database.execute_sql("UPDATE schema_version SET version = 14")
    assert migrations.upgrade(database) == migrations.SCHEMA_VERSION
    assert _copy(request_id) == _text(lab.patient)
    other = make_customer("Karla Banegas")
    later, _ = lab.create(patient_id=other)
    assert _copy(later) == _text(other)  # the triggers are back


@pytest.mark.sqlite_only
def test_a_trigger_dropped_by_hand_is_restored_at_open(lab, db_path):  # noqa: F811
    from patolab_desktop.services.bootstrap import close_db, open_db

    db.execute_sql("DROP TRIGGER customer_requests_search_au")
    assert request_search.missing_parts(db.obj) == ["customer_requests_search_au"]
    close_db()
    open_db(db_path)
    assert request_search.missing_parts(db.obj) == []
