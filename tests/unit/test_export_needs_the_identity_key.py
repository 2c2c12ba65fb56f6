"""On a workstation without the identity key (a new computer, a backup restored from
another), the exports that carry identity numbers are refused with the way to the
recovery key, instead of a file with «****-****-*****» on every row that said it went
well; once the key is typed the export is whole."""

from __future__ import annotations

import pytest

from patolab_desktop.db import identity as db_identity
from patolab_desktop.services import customers, identity, identity_keys
from patolab_desktop.services.access import permissions, session
from patolab_desktop.services.customers.export import export_customers
from patolab_desktop.util import identity_crypto as crypto
from tests.security_helpers import fast_hashing, login_as  # noqa: F401 (a fixture)
from tests.unit.billing_helpers import billing_lab  # noqa: F401
from tests.unit.requests_fixtures import lab  # noqa: F401


@pytest.mark.usefixtures("fast_hashing")
def test_the_customers_export_asks_for_the_key(register, tmp_path):
    register(first_name="Ana", id_number="0501-1990-12345")
    text = identity_keys.recovery_key()
    crypto.forget_key(db_identity.database_id())  # this computer never had the key
    db_identity.clear_cache()
    out = tmp_path / "clientes.csv"
    with session.acting_as(None):
        login_as(permissions.ROLE_ADMIN)
        with pytest.raises(identity.IdentityKeyNeeded, match="clave de recuperación"):
            export_customers(customers.CustomerFilter(), out)
        assert not out.exists()
        identity_keys.unlock(text)
        assert export_customers(customers.CustomerFilter(), out) == 1
    assert "0501-1990-12345" in out.read_text(encoding="utf-8-sig")


@pytest.mark.usefixtures("fast_hashing")
def test_the_sales_book_asks_for_the_key(billing_lab):  # noqa: F811
    import datetime as dt

    from patolab_desktop.services.billing import reports
    from patolab_desktop.services.billing.buyers import BuyerInput

    buyer = BuyerInput(name="Rosa Amador", document="0801198877777")  # kept encrypted
    billing_lab.invoice(billing_lab.request(), buyer=buyer)
    crypto.forget_key(db_identity.database_id())
    db_identity.clear_cache()
    with session.acting_as(None):
        login_as(permissions.ROLE_SUPERVISOR)
        with pytest.raises(identity.IdentityKeyNeeded):
            reports.sales_book(dt.date.today().strftime("%Y-%m"))


@pytest.mark.usefixtures("fast_hashing")
@pytest.mark.parametrize("role", [permissions.ROLE_ADMIN, permissions.ROLE_RECEPTION])
def test_the_request_summary_asks_for_the_key(lab, register, role):  # noqa: F811
    """A printed summary is a paper: «****-****-*****» there looked masked on purpose."""
    from patolab_desktop.services.requests import reports

    patient = register(first_name="Matías", id_number="0501-1990-12345")
    request_id, _number = lab.create(lab.hem, patient_id=patient)
    text = identity_keys.recovery_key()
    crypto.forget_key(db_identity.database_id())
    db_identity.clear_cache()
    with session.acting_as(None):
        login_as(role)
        with pytest.raises(identity.IdentityKeyNeeded, match="clave de recuperación"):
            reports.request_summary_data(request_id, show_full_id=role == permissions.ROLE_ADMIN)
        identity_keys.unlock(text)
        shown = reports.request_summary_data(request_id)["patient"]["id_number"]
    assert shown.endswith("12345") and shown != identity.LOCKED
