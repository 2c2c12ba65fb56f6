"""Issue 15, point 13: identity numbers (DNI, RTN, passport) encrypted at rest.

Each behaviour has its test: encrypted on save, exact search and prefix search through
keyed values, uniqueness through the keyed hash, masked for roles without
``patients.view_sensitive``, a wrong key refused by the check value, the recovery key
giving access back, old plaintext rows encrypted by schema step 14. The Must-show:
``strings`` over a database and a backup made here finds none of the saved numbers.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
from pathlib import Path

import pytest

from patolab_desktop.db import identity as db_identity
from patolab_desktop.db import migrations
from patolab_desktop.db.database import db
from patolab_desktop.db.models import AuditLog, Customer
from patolab_desktop.services import customers, identity, identity_keys
from patolab_desktop.services.access import permissions
from patolab_desktop.services.errors import ValidationError
from patolab_desktop.services.paging import PageRequest
from patolab_desktop.util import identity_crypto as crypto
from tests.security_helpers import fast_hashing, login_as  # noqa: F401

F = customers.CustomerFilter
NUMBERS = ("0501199012345", "0801197522222", "08011999123456")
FIXTURE_V1 = Path(__file__).resolve().parents[1] / "fixtures" / "schema_v1.db"


@pytest.fixture
def saved(register, company):
    """Two patients and a company saved through the customers service."""
    return {
        "ana": register(first_name="Ana", id_number="0501-1990-12345"),
        "rosa": register(
            first_name="Rosa", id_number="0801-1975-22222", phone="3344-5566", email=""
        ),
        "empresa": customers.create(company()),
    }


def _forget_key_on_this_computer() -> None:
    """What a new workstation (or a restore on another PC) looks like: no key stored."""
    crypto.forget_key(db_identity.database_id())
    db_identity.clear_cache()


def test_saving_encrypts_the_number_and_keeps_a_keyed_hash(saved):
    row = Customer.get_by_id(saved["ana"])
    assert row.id_number.startswith("e1:") and "0501199012345" not in row.id_number
    assert row.id_hash == identity.hash_of("0501199012345") and row.id_hash.startswith("h1:")
    assert "0501199012345" not in row.search_text and "0501" not in row.search_text
    assert customers.get(saved["ana"]).id_number == "0501199012345"  # the system actor
    # a fresh nonce per value: the same number twice gives two ciphertexts, one hash
    assert identity.seal("0501199012345")[0] != identity.seal("0501199012345")[0]
    assert len({identity.seal("0501199012345")[1] for _ in range(3)}) == 1


def test_the_key_is_in_the_credential_store_not_in_the_database(saved):
    ident = db_identity.database_id()
    key = crypto.stored_key(ident)  # the test keyring (a file in the test's home)
    values = " ".join(v for (v,) in db.execute_sql("SELECT value FROM setting"))
    for form in (key.hex(), crypto.recovery_text(key), __import__("base64").b64encode(key)):
        assert str(form if isinstance(form, str) else form.decode()) not in values
    assert db_identity.key_check() == crypto.key_check(key)
    _forget_key_on_this_computer()
    identity.reveal  # noqa: B018 - the key is read again from the store
    assert identity.status() == "missing"


@pytest.mark.parametrize(
    "term, expected",
    [
        ("0501199012345", {"Ana"}),
        ("0501-1990-12345", {"Ana"}),
        ("0801 1975 22222", {"Rosa"}),
        ("0801-1975", {"Rosa"}),  # municipality and year: keyed prefix token
        ("0801", {"Rosa", "Inversiones"}),  # municipality: keyed prefix token
        ("08011999123456", {"Inversiones"}),  # an RTN
        ("0501199012346", set()),
        ("05011990", {"Ana"}),
        ("3344", {"Rosa"}),  # the phone's digits still found as before
    ],
)
def test_search_by_identity_number(saved, term, expected):
    rows = customers.page(F(search=term), PageRequest()).rows
    assert {r["name"].split()[0] for r in rows} == expected
    assert customers.count(F(search=term)) == len(expected)


def test_uniqueness_through_the_keyed_hash(saved, patient):
    with pytest.raises(ValidationError) as info:
        customers.create(patient(first_name="Otra", id_number="0501199012345"))
    assert "0501-1990-12345" in info.value.fields["id_number"]
    # the partial unique index itself refuses a second active row with the same hash
    sealed, hashed = identity.seal("0501199012345")
    with pytest.raises(Exception, match="(?i)unique|duplicate"), db.atomic():
        Customer.insert(
            type="cliente",
            name="X",
            name_folded="x",
            phone="+50499887766",
            id_number=sealed,
            id_hash=hashed,
            search_text="x",
        ).execute()
    customers.deactivate(saved["ana"])  # unique among ACTIVE customers only
    new_id = customers.create(patient(first_name="Otra", id_number="0501199012345"))
    with pytest.raises(ValidationError, match="reactivar"):
        customers.reactivate(saved["ana"])
    assert customers.get(new_id).id_number == "0501199012345"


def test_masked_for_roles_without_view_sensitive(saved, fast_hashing):  # noqa: F811
    login_as(permissions.ROLE_RECEPTION)
    assert customers.get(saved["ana"]).id_number == "****-****-12345"
    assert customers.summary(saved["ana"])["id_number"] == "****-****-12345"
    rows = customers.page(F(search="0501-1990-12345"), PageRequest()).rows
    assert [r["id_number"] for r in rows] == ["****-****-12345"]
    login_as(permissions.ROLE_ADMIN)
    assert customers.summary(saved["ana"])["id_number"] == "0501-1990-12345"
    rows = customers.page(F(search="0501-1990-12345"), PageRequest()).rows
    assert [r["id_number"] for r in rows] == ["0501-1990-12345"]


def test_audit_rows_keep_the_number_encrypted(saved):
    data = customers.get(saved["ana"])
    data.id_number = "0501199054321"
    customers.update(data)
    row = AuditLog.select().where(AuditLog.action == "update").order_by(AuditLog.id.desc()).get()
    assert "0501199012345" not in row.changes and "0501199054321" not in row.changes
    old, new = json.loads(row.changes)["id_number"]
    assert (identity.reveal(old), identity.reveal(new)) == ("0501199012345", "0501199054321")


def test_a_wrong_key_is_refused_by_the_check_value(saved):
    ident = db_identity.database_id()
    crypto.store_key(ident, crypto.new_key())  # some other key under this database's name
    db_identity.clear_cache()
    assert identity.status() == "missing"
    with pytest.raises(identity.IdentityKeyNeeded, match="clave de recuperación"):
        identity.reveal(Customer.get_by_id(saved["ana"]).id_number)
    data = customers.get(saved["ana"])  # the form opens, the number fully hidden
    assert data.id_number == identity.LOCKED
    data.notes = "alérgica"
    with pytest.raises(identity.IdentityKeyNeeded):  # saving it asks for the recovery key
        customers.update(data)
    assert not customers.page(F(search="0501199012345"), PageRequest()).rows  # nor found
    # a recovery key of another database is refused too, by the same check value
    with pytest.raises(ValidationError, match="otra base de datos"):
        identity_keys.unlock(crypto.recovery_text(crypto.new_key()))
    with pytest.raises(ValidationError, match="no es correcta"):
        identity_keys.unlock("ABCD-EFGH")


def test_the_recovery_key_restores_access(saved, fast_hashing):  # noqa: F811
    login_as(permissions.ROLE_ADMIN)
    text = identity_keys.recovery_key()
    assert len(text.replace("-", "")) == 56
    _forget_key_on_this_computer()  # a new workstation
    assert identity.status() == "missing"
    assert customers.get(saved["ana"]).id_number == identity.LOCKED
    identity_keys.unlock(text.lower().replace("-", " "))  # typed loosely
    assert identity.status() == "ready"
    assert customers.get(saved["ana"]).id_number == "0501199012345"


def test_only_administrators_see_the_recovery_key(saved, fast_hashing):  # noqa: F811
    from patolab_desktop.services.errors import PermissionDenied

    login_as(permissions.ROLE_SUPERVISOR)
    with pytest.raises(PermissionDenied):
        identity_keys.recovery_key()
    login_as(permissions.ROLE_ADMIN)
    assert identity_keys.recovery_pending()
    identity_keys.confirm_recovery_saved()
    assert not identity_keys.recovery_pending()
    assert AuditLog.select().where(AuditLog.action == "recovery_key_saved").exists()


def test_the_loss_warning_says_what_losing_both_means():
    text = identity.loss_warning()
    assert "NADIE podrá volver a leer" in text and "clave de recuperación" in text


# --- schema step 14: old plaintext rows ----------------------------------------------------


def _plaintext_numbers(path: Path) -> list[str]:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return [n for (n,) in conn.execute("SELECT id_number FROM customer") if n]
    finally:
        conn.close()


@pytest.mark.sqlite_only
def test_step_14_encrypts_the_plaintext_rows(tmp_path):
    from patolab_desktop.services.bootstrap import close_db, open_db

    target = tmp_path / "lab.db"
    shutil.copyfile(FIXTURE_V1, target)
    plain = _plaintext_numbers(target)
    assert plain and all(n.isdigit() for n in plain)
    open_db(target)
    try:
        assert migrations.current_version(db.obj) == migrations.SCHEMA_VERSION
        rows = list(Customer.select(Customer.id, Customer.id_number, Customer.id_hash))
        assert {identity.reveal(r.id_number) for r in rows if r.id_number} == set(plain)
        assert all(r.id_number.startswith("e1:") for r in rows if r.id_number)
        assert all(
            r.id_hash == identity.hash_of(identity.reveal(r.id_number)) for r in rows if r.id_number
        )
        texts = " ".join(t for (t,) in db.execute_sql("SELECT search_text FROM customer"))
        assert not [n for n in plain if n in texts]
        found = customers.page(F(search=plain[0]), PageRequest()).rows
        assert len(found) == 1  # exact search through the hash after the migration
        assert customers.page(F(search=plain[0][:4]), PageRequest()).rows  # and the prefix
    finally:
        close_db()
    # the copy taken before migrating held the numbers in clear: it is not left beside it
    assert not list(tmp_path.glob("lab.v*.bak"))
    assert _strings_hits(target, plain) == []


# --- Must show: strings over a database and a backup ---------------------------------------


def _strings_hits(path: Path, numbers) -> list[str]:
    """The saved numbers that ``strings`` (binutils) finds in ``path`` (or its -wal);
    a byte search when ``strings`` is missing."""
    hits = []
    for part in (path, path.with_name(path.name + "-wal")):
        if not part.exists():
            continue
        if shutil.which("strings"):
            text = subprocess.run(
                ["strings", "-a", "-n", "4", str(part)],
                capture_output=True,
                text=True,
                check=True,
            ).stdout
        else:
            text = part.read_bytes().decode("latin-1")
        hits += [n for n in numbers if n in text]
    return hits


@pytest.mark.sqlite_only
def test_strings_finds_no_identity_number_in_the_database_or_a_backup(
    saved,
    db_target,
    tmp_path,
    fast_hashing,  # noqa: F811
):
    from patolab_desktop.services.safety import backups

    data = customers.get(saved["rosa"])  # an edit: old and new numbers reach the audit
    data.id_number = "0801197533333"
    customers.update(data)
    saved_numbers = (*NUMBERS, "0801197533333")
    dashed = [customers.format_id_number(n) for n in saved_numbers]
    login_as(permissions.ROLE_ADMIN)
    backup = backups.backup_now(folder=tmp_path / "copias")
    db.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    assert _strings_hits(Path(db_target), [*saved_numbers, *dashed]) == []
    assert _strings_hits(backup, [*saved_numbers, *dashed]) == []
    # the same check sees a number that IS there (the test would catch a leak)
    assert _strings_hits(backup, ["Inversiones Z"]) == ["Inversiones Z"]


# --- migrate-to and restore keep working -------------------------------------------------


def test_migrate_to_keeps_the_database_id_so_the_key_follows(tmp_path):
    """The copy keeps the settings, so the target has the same database id and check
    value: this workstation's key opens it, other workstations use the recovery key."""
    import os
    import uuid

    from patolab_desktop.services.bootstrap import close_db, open_db
    from patolab_desktop.services.safety import transfer
    from tests.unit.requests_fixtures import make_customer

    pg_url = os.environ.get("PATOLAB_TEST_PG", "")
    admin = None
    if pg_url:
        import psycopg2

        name = "m_" + uuid.uuid4().hex[:12]
        admin = psycopg2.connect(pg_url)
        admin.autocommit = True
        with admin.cursor() as cur:
            cur.execute(f"CREATE DATABASE {name}")
        target = f"{pg_url.rsplit('/', 1)[0]}/{name}"
    else:
        target = f"sqlite:///{tmp_path / 'destino.db'}"
    open_db(tmp_path / "origen.db")
    try:
        make_customer("Rosa Núñez", id_number="0801197522222")
        ident, check = db_identity.database_id(), db_identity.key_check()
        transfer.migrate_to(target)
    finally:
        close_db()
    try:
        open_db(target)
        try:
            assert (db_identity.database_id(), db_identity.key_check()) == (ident, check)
            row = Customer.get(Customer.name == "Rosa Núñez")
            assert row.id_number.startswith("e1:")
            assert identity.reveal(row.id_number) == "0801197522222"
            assert [
                r["name"] for r in customers.page(F(search="0801197522222"), PageRequest()).rows
            ] == ["Rosa Núñez"]
        finally:
            close_db()
    finally:
        if admin is not None:
            with admin.cursor() as cur:
                cur.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
            admin.close()


@pytest.mark.sqlite_only
def test_a_restore_on_another_pc_asks_for_the_recovery_key(saved, tmp_path):
    from patolab_desktop.services.safety import backups

    text = identity_keys.recovery_key()
    backup = backups.backup_now(tmp_path / "copias")
    _forget_key_on_this_computer()  # the backup restored on a PC that never had the key
    backups.restore(backup)
    assert identity.status() == "missing"
    assert customers.get(saved["ana"]).id_number == identity.LOCKED
    identity_keys.unlock(text)
    assert customers.get(saved["ana"]).id_number == "0501199012345"
    assert customers.page(F(search="0501-1990-12345"), PageRequest()).rows


def test_step_14_on_either_backend_encrypts_rows_and_audit_in_batches(database, monkeypatch):
    """The step itself on the open database (SQLite executemany, PostgreSQL UPDATE … FROM
    VALUES): plaintext rows written as before schema 14, two batches."""
    from patolab_desktop.db.migrations import identity_v14
    from tests.unit.requests_fixtures import make_customer

    monkeypatch.setattr(identity_v14, "BATCH", 2)
    numbers = ["0501199000001", "0501199000002", "0801197500003"]
    ids = []
    for i, number in enumerate(numbers):
        ids.append(make_customer(f"Persona {i}"))
        Customer.update(
            id_number=number, id_hash=None, search_text=f"persona {i} {number} 99887766"
        ).where(Customer.id == ids[-1]).execute()
    AuditLog.create(
        username="sistema",
        action="update",
        entity="customer",
        entity_id=ids[0],
        changes=json.dumps({"id_number": [None, numbers[0]], "phone": ["a", "b"]}),
    )
    with db.atomic():
        identity_v14.encrypt_identity_numbers(db.obj)
    for cid, number in zip(ids, numbers, strict=True):
        row = Customer.get_by_id(cid)
        assert row.id_number.startswith("e1:") and identity.reveal(row.id_number) == number
        assert row.id_hash == identity.hash_of(number)
        assert number not in row.search_text and row.search_text.startswith("persona")
    changes = AuditLog.select().order_by(AuditLog.id.desc()).get().changes
    assert numbers[0] not in changes
    assert identity.reveal(json.loads(changes)["id_number"][1]) == numbers[0]
    found = customers.page(F(search="0801-1975-00003"), PageRequest()).rows
    assert [r["name"] for r in found] == ["Persona 2"]
    assert {r["name"] for r in customers.page(F(search="0501"), PageRequest()).rows} == {
        "Persona 0",
        "Persona 1",
    }
    with db.atomic():  # run again: nothing left to encrypt, nothing encrypted twice
        identity_v14.encrypt_identity_numbers(db.obj)
    assert identity.reveal(Customer.get_by_id(ids[0]).id_number) == numbers[0]


def test_check_tells_the_key_state_and_flags_a_number_in_clear(saved):
    from patolab_desktop.services.safety import check

    report = check.check()
    assert report.ok and report.identity_key == "ready"
    assert "Clave de los números de identidad: en esta computadora" in report.lines()
    Customer.update(id_number="0501199012345").where(Customer.id == saved["ana"]).execute()
    _forget_key_on_this_computer()
    report = check.check()
    assert report.identity_key == "missing"
    assert "números de identidad sin cifrar: 1" in report.problems
    assert any("FALTA" in line for line in report.lines())


def test_the_keys_are_read_once_then_held(saved, monkeypatch):
    """Issue 20: an import sealed each number after reading two settings (5 s of 14 s at
    100,000 rows). Once the check value is committed, the keys are held: no more reads."""
    keys = db_identity.current_keys()
    read = db_identity._read
    monkeypatch.setattr(db_identity, "_read", lambda *_a: pytest.fail("settings read again"))
    assert db_identity.current_keys() is keys
    assert identity.seal("0801199011111")[1] == keys.hash("0801199011111")
    monkeypatch.setattr(db_identity, "_read", read)
    db_identity.clear_cache()  # opening a database (or a restore) reads them again
    assert db_identity.current_keys().check == db_identity.key_check()


def test_a_key_made_in_a_rolled_back_transaction_is_not_held(database):
    """A key whose check value a rollback took back must not be used afterwards: the next
    number would be sealed with a key the database does not name (lost at the next start)."""
    assert not db_identity.has_key()
    with db.atomic() as txn:
        first = db_identity.current_keys()  # made here, inside the transaction
        assert db_identity.current_keys() is first  # read again in it: not held yet
        txn.rollback()
    assert not db_identity.has_key()
    second = db_identity.current_keys()  # outside: a new key, its check value stored
    assert second.check == db_identity.key_check() != first.check
    assert db_identity.current_keys() is second


def test_a_workstation_without_the_key_looks_for_it_once_a_page(saved, monkeypatch):
    """Issue 20: without the key, each number of a page asked the database for it again
    (twice a row: a hundred-row search page on PostgreSQL took 150 ms instead of 9)."""
    _forget_key_on_this_computer()
    looked = []
    keys = identity._keys
    monkeypatch.setattr(identity, "_keys", lambda: looked.append(1) or keys())
    rows = customers.page(F(), PageRequest()).rows
    numbered = [r for r in rows if r["id_number"]]
    assert len(numbered) == 3 and {r["id_number"] for r in numbered} == {identity.LOCKED}
    assert looked == [1]
