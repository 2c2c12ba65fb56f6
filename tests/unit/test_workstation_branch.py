"""Several branches on one database: each desk issues at ITS branch (BILLING.md: each
SQLite computer is its own punto de emisión; computers sharing a server issue each at
its branch). The branch and point are this computer's settings (``services.workstation``,
kept in ``local_settings`` per database); a desk never set issues from the lab's, as a
single desk always did. Runs on SQLite and, with PATOLAB_TEST_PG, on PostgreSQL (two desks
on one server, each on a connection of its own)."""

from __future__ import annotations

import contextlib
from decimal import Decimal
from pathlib import Path

import pytest

from patolab_desktop import local_settings
from patolab_desktop.db.models import Branch
from patolab_desktop.db.models_billing import CashSession, FiscalAuthorisation, FiscalDocument
from patolab_desktop.documents import cash_close, fiscal_content
from patolab_desktop.services import workstation
from patolab_desktop.services.access import auth, permissions, session
from patolab_desktop.services.billing import cash, records
from patolab_desktop.services.catalog import branches
from patolab_desktop.services.errors import PermissionDenied, RuleError, ValidationError
from tests.conftest import PG_URL
from tests.security_helpers import PASSWORD, login_as, make_user
from tests.two_desks import Desk, finish, waits_for
from tests.unit.billing_helpers import add_authorisation, billing_lab  # noqa: F401
from tests.unit.requests_fixtures import lab  # noqa: F401

SPS_CAI_01 = "AAAAAA-BBBBBB-CCCCCC-DDDDDD-EEEEEE-01"
SPS_CAI_06 = "AAAAAA-BBBBBB-CCCCCC-DDDDDD-EEEEEE-06"


@contextlib.contextmanager
def at_desk(settings_file: Path, actor: session.Actor | None = None):
    """Work as at another computer: its own local settings file (and ``actor``)."""
    with pytest.MonkeyPatch.context() as patch, session.acting_as(actor or session.current()):
        patch.setattr(local_settings, "settings_path", lambda: settings_file)
        yield


@pytest.fixture
def two_branches(billing_lab, tmp_path):  # noqa: F811
    """The lab's branch (Tegucigalpa: the lab's default, CAI at 000-001) and San Pedro Sula
    (its own CAI at 001-001); a receptionist for each; the SPS desk's computer set to SPS
    by an administrator, the TGU desk's never set."""
    b = billing_lab
    Branch.update(address="Col. Palmira, Tegucigalpa").where(Branch.id == b.lab.branch).execute()
    sps = Branch.create(code="SPS", name="San Pedro Sula", address="Barrio Guamilito, SPS").id
    add_authorisation(sps, "01", establishment="001", cai=SPS_CAI_01)
    add_authorisation(sps, "06", establishment="001", cai=SPS_CAI_06)
    for name in ("rec_tgu", "rec_sps"):
        make_user(name, permissions.ROLE_RECEPTION)
    desks = {"tgu": tmp_path / "tgu.json", "sps": tmp_path / "sps.json"}
    with at_desk(desks["sps"], _actor(permissions.ROLE_ADMIN)):
        workstation.set_here(sps, "001")
    return b, sps, desks


def _actor(name: str) -> session.Actor:
    """``name`` signed in (a role's user for a role), the acting user left as it was."""
    with session.acting_as(session.current()):
        if name in permissions.SEEDED_ROLES:
            return login_as(name)
        return auth.login(name, PASSWORD)


def _invoice_at(b, settings_file: Path, actor: session.Actor) -> int:
    """The desk's receptionist opens her drawer and invoices a request of her branch (the
    one the entry screen proposes at that desk)."""
    with at_desk(settings_file, actor):
        cash.open_session(Decimal("0"))
        request_id = b.request(b.lab.hem, branch_id=branches.default_branch_id())
        return b.invoice(request_id)


def _printed(document_id: int) -> list[str]:
    return fiscal_content.issuer_lines(records.view(document_id))


def test_each_desk_s_factura_takes_its_branch_s_cai_and_prints_its_establishment(two_branches):
    b, sps, desks = two_branches
    at_sps = _invoice_at(b, desks["sps"], _actor("rec_sps"))
    at_tgu = _invoice_at(b, desks["tgu"], _actor("rec_tgu"))
    sps_doc, tgu_doc = FiscalDocument.get_by_id(at_sps), FiscalDocument.get_by_id(at_tgu)
    assert (sps_doc.number, sps_doc.cai, sps_doc.branch_id) == (
        "001-001-01-00000001",
        SPS_CAI_01,
        sps,
    )
    assert "Establecimiento San Pedro Sula: Barrio Guamilito, SPS" in _printed(at_sps)
    assert tgu_doc.number == "000-001-01-00000001" and tgu_doc.branch_id == b.lab.branch
    tgu_name = Branch.get_by_id(b.lab.branch).name
    assert f"Establecimiento {tgu_name}: Col. Palmira, Tegucigalpa" in _printed(at_tgu)
    with session.acting_as(_actor("rec_sps")):
        drawer = cash.current()["id"]
    assert CashSession.get_by_id(drawer).branch_id == sps
    with session.acting_as(_actor(permissions.ROLE_SUPERVISOR)):
        assert ("Sucursal", "San Pedro Sula") in cash_close.session_pairs(cash.report(drawer))


def test_a_desk_never_set_issues_from_the_lab_s_settings(two_branches):
    b, _sps, desks = two_branches
    with at_desk(desks["tgu"]):
        here = workstation.here()
        assert (here.branch_id, here.point, here.branch_here) == (b.lab.branch, "001", False)
        assert branches.default_branch_id() == b.lab.branch


def test_a_desk_whose_branch_was_deactivated_is_told_so_in_spanish(two_branches):
    b, sps, desks = two_branches
    with session.acting_as(_actor(permissions.ROLE_ADMIN)):
        branches.deactivate(sps)
    with at_desk(desks["sps"], _actor("rec_sps")):
        with pytest.raises(RuleError, match="«San Pedro Sula», está desactivada"):
            cash.open_session(Decimal("0"))
        # a new request there proposes the lab's default, the only one it may take
        assert branches.default_branch_id() == b.lab.branch
    # the fixture's actor, whose drawer is already open, invoices there
    refused = pytest.raises(RuleError, match="Configuración del laboratorio → Esta estación")
    with at_desk(desks["sps"]), refused:
        b.invoice(b.request(b.lab.hem))
    assert not FiscalDocument.select().exists()


def test_a_desk_whose_branch_is_gone_is_told_so(two_branches):
    _b, sps, desks = two_branches
    FiscalAuthorisation.delete().where(FiscalAuthorisation.branch == sps).execute()
    Branch.delete().where(Branch.id == sps).execute()
    with at_desk(desks["sps"], _actor("rec_sps")), pytest.raises(RuleError, match="ya no existe"):
        cash.open_session(Decimal("0"))


def test_only_who_manages_the_cai_sets_a_desk_and_only_to_an_active_branch(two_branches):
    _b, sps, desks = two_branches
    with at_desk(desks["tgu"], _actor("rec_tgu")), pytest.raises(PermissionDenied):
        workstation.set_here(sps, "002")
    with at_desk(desks["tgu"], _actor(permissions.ROLE_ADMIN)):
        with pytest.raises(ValidationError) as refused:
            workstation.set_here(999_999, "2")
        assert set(refused.value.fields) == {"branch_id", "point"}
        assert workstation.here().branch_here is False
        workstation.set_here(None, "")  # back to the lab's: nothing set here
        assert workstation.here().branch_here is False


@pytest.mark.skipif(not PG_URL, reason="two desks at the same moment need PostgreSQL")
def test_two_desks_on_one_server_issue_at_the_same_time_each_at_its_branch(two_branches):
    """The TGU desk's factura is still being saved (its transaction open) when the SPS
    desk issues, on a connection of its own: each takes its own CAI's first number."""
    b, sps, desks = two_branches
    requests = {}
    for desk, name in (("tgu", "rec_tgu"), ("sps", "rec_sps")):
        with at_desk(desks[desk], _actor(name)):
            cash.open_session(Decimal("0"))
            requests[desk] = b.request(b.lab.hem, branch_id=branches.default_branch_id())
    with at_desk(desks["tgu"], _actor("rec_tgu")):
        tgu = Desk(lambda: b.invoice(requests["tgu"]), held=True).hold()
    with at_desk(desks["sps"], _actor("rec_sps")):
        sps_desk = Desk(lambda: b.invoice(requests["sps"]))
        waits_for(sps_desk, tgu)
        tgu.commit()
        finish(sps_desk)
    assert sps_desk.error is None, sps_desk.error
    numbers = {FiscalDocument.get_by_id(d.result).number for d in (tgu, sps_desk)}
    assert numbers == {"000-001-01-00000001", "001-001-01-00000001"}
    assert FiscalDocument.get_by_id(sps_desk.result).branch_id == sps
