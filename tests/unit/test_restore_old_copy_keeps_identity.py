"""A copy taken before the identity numbers were encrypted (schema 13 or older) restored
into a database that has a key: the restored database keeps the live database's identity
(id and key), so the audit rows carried over stay readable and the printed recovery key
still fits. A workstation without the live key cannot do that: the restore then says the
key is new and asks for its recovery key to be printed."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from patolab_desktop.db import identity as db_identity
from patolab_desktop.db.models import AuditLog, Customer
from patolab_desktop.services import identity
from patolab_desktop.services.bootstrap import close_db, open_db
from patolab_desktop.services.safety import backups
from patolab_desktop.util import identity_crypto as crypto
from tests.unit.requests_fixtures import make_customer

pytestmark = pytest.mark.sqlite_only

FIXTURE_V1 = Path(__file__).resolve().parents[1] / "fixtures" / "schema_v1.db"
NUMBER = "0801197522222"


@pytest.fixture
def live_and_old_copy(tmp_path):
    """The live database (the schema-1 file, migrated: it gets a key) with a patient saved
    after the copy, and the untouched schema-1 copy."""
    live = tmp_path / "lab.db"
    shutil.copyfile(FIXTURE_V1, live)
    old = tmp_path / "lab-20261201-080000-inicio.db"
    shutil.copyfile(FIXTURE_V1, old)
    open_db(live)
    try:
        customer = make_customer("Rosa Núñez", id_number=NUMBER)
        AuditLog.create(  # the audit row of that save, its number sealed with the live key
            username="test",
            action="create",
            entity="customer",
            entity_id=customer,
            changes=json.dumps({"id_number": [None, Customer.get_by_id(customer).id_number]}),
        )
        yield old
    finally:
        close_db()


def _carried_number() -> str:
    row = AuditLog.select().where(AuditLog.entity == "customer").order_by(AuditLog.id.desc()).get()
    return identity.reveal(json.loads(row.changes)["id_number"][1])


def test_the_old_copy_takes_the_live_identity(live_and_old_copy):
    before = (db_identity.database_id(), db_identity.key_check())

    result = backups.restore(live_and_old_copy)

    assert (db_identity.database_id(), db_identity.key_check()) == before
    assert _carried_number() == NUMBER  # was «****»: sealed with a key the copy lost
    assert not result.new_identity_key
    numbers = [identity.reveal(n) for (n,) in Customer.select(Customer.id_number).tuples() if n]
    assert numbers and all(n.isdigit() for n in numbers)  # the copy's, under the same key
    from patolab_desktop.services.safety import later_text

    assert "clave NUEVA" not in later_text.after_restore(result.later, result.new_identity_key)


def test_without_the_live_key_the_restore_says_the_key_is_new(live_and_old_copy):
    live_check = db_identity.key_check()
    crypto.forget_key(db_identity.database_id())  # this workstation never had the key
    db_identity.clear_cache()

    result = backups.restore(live_and_old_copy)

    assert result.new_identity_key and db_identity.key_check() != live_check
    from patolab_desktop.services.safety import later_text

    message = later_text.after_restore(result.later, result.new_identity_key)
    assert "clave NUEVA" in message and "Clave de recuperación" in message
