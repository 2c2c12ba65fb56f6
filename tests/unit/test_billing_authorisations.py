"""Fiscal authorisations (CAI) and their numbers (issue 17, points 1 and 2)."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from patolab_desktop.db.models_billing import FiscalAuthorisation
from patolab_desktop.services.access import session
from patolab_desktop.services.billing import authorisations
from patolab_desktop.services.errors import PermissionDenied, RuleError, ValidationError
from tests.security_helpers import login_as
from tests.unit.billing_helpers import (  # noqa: F401
    CAI_01,
    add_authorisation,
    authorisation_input,
    billing_lab,
)
from tests.unit.requests_fixtures import lab  # noqa: F401


def _input(branch, **changes):
    """As typed at point 002: a lower-case CAI with spaces, the range as text."""
    cai = " 3b82f6-8b5cf6-4a1d2e-9c0f11-7a6b5c-5e "
    typed = authorisation_input(branch, point="002", first="1", last="100", cai=cai, days=200)
    return dataclasses.replace(typed, **changes)


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"cai": "XYZ-123"}, "cai"),
        ({"cai": ""}, "cai"),
        ({"establishment": "1"}, "establishment"),
        ({"point": "00A"}, "point"),
        ({"doc_type": "03"}, "doc_type"),
        ({"range_from": "0"}, "range_from"),
        ({"range_from": "50", "range_to": "10"}, "range_to"),
        ({"range_to": "100000000"}, "range_to"),
        ({"deadline": dt.date.today() + dt.timedelta(days=400)}, "deadline"),
        ({"deadline": dt.date.today() - dt.timedelta(days=1)}, "deadline"),
        ({"deadline": "31/12/2026"}, "deadline"),
    ],
)
def test_bad_authorisations_are_refused_field_by_field(lab, changes, field):  # noqa: F811
    with pytest.raises(ValidationError) as error:
        authorisations.add(_input(lab.branch, **changes))
    assert field in error.value.fields
    assert FiscalAuthorisation.select().count() == 0


def test_the_cai_is_stored_verbatim_trimmed_and_upper_case(lab):  # noqa: F811
    row = FiscalAuthorisation.get_by_id(authorisations.add(_input(lab.branch)))
    assert row.cai == "3B82F6-8B5CF6-4A1D2E-9C0F11-7A6B5C-5E"
    assert row.last_used == 0


def test_one_active_authorisation_per_point_and_type_and_ranges_continue(lab):  # noqa: F811
    first = authorisations.add(_input(lab.branch))
    # a range that does not start right after the current one's is no renewal
    with pytest.raises(RuleError, match="Ya hay una autorización activa"):
        authorisations.add(_input(lab.branch, cai="ABC-1", range_from="150", range_to="200"))
    authorisations.end(first, "El SAR entregó una nueva autorización")
    with pytest.raises(ValidationError, match="se cruza"):
        authorisations.add(_input(lab.branch, cai="ABC-1", range_from="50", range_to="200"))
    second = authorisations.add(_input(lab.branch, cai="ABC-1", range_from="101", range_to="200"))
    assert FiscalAuthorisation.get_by_id(second).status == "active"
    assert FiscalAuthorisation.get_by_id(first).status == "ended"
    # the listing says each status in the desk's words (the CLI printed "active")
    labels = {row["id"]: row["status_label"] for row in authorisations.list_all()}
    assert (labels[second], labels[first]) == ("Activa", "Cerrada")


def test_fields_are_locked_once_a_number_is_used(billing_lab):
    b = billing_lab
    b.invoice(b.request())
    row = FiscalAuthorisation.get_by_id(b.invoice_auth)
    with pytest.raises(RuleError, match="ya emitió números"):
        authorisations.update(
            row.id,
            authorisation_input(row.branch_id, "01", cai=CAI_01, last=9000, deadline=row.deadline),
            expected_version=row.version,
        )


def test_only_administrators_manage_authorisations(lab):  # noqa: F811
    for role in ("Recepción", "Supervisor"):
        with session.acting_as(login_as(role)), pytest.raises(PermissionDenied):
            authorisations.add(_input(lab.branch))


def test_warnings_at_80_percent_and_two_months(billing_lab, monkeypatch):
    b = billing_lab
    assert authorisations.warnings() == []
    FiscalAuthorisation.update(last_used=3999).where(
        FiscalAuthorisation.id == b.invoice_auth
    ).execute()
    assert authorisations.warnings() == []  # 3999 of 5000 is below 80 %
    FiscalAuthorisation.update(last_used=4000).where(
        FiscalAuthorisation.id == b.invoice_auth
    ).execute()
    assert any("4000 de 5000" in w for w in authorisations.warnings())
    row = FiscalAuthorisation.get_by_id(b.note_auth)
    monkeypatch.setattr(authorisations, "today", lambda: row.deadline - dt.timedelta(days=61))
    assert not any("vence el" in w for w in authorisations.warnings())
    monkeypatch.setattr(authorisations, "today", lambda: row.deadline - dt.timedelta(days=60))
    assert any("en 60 días" in w for w in authorisations.warnings())
    monkeypatch.setattr(authorisations, "today", lambda: row.deadline + dt.timedelta(days=1))
    assert any("venció" in w for w in authorisations.warnings())


def test_the_clock_moved_back_does_not_reopen_an_expired_authorisation_range(
    billing_lab, monkeypatch
):
    """Moving the clock back cannot issue a number twice: the counter only moves forward."""
    b = billing_lab
    first = b.invoice(b.request())
    monkeypatch.setattr(authorisations, "today", lambda: dt.date.today() - dt.timedelta(days=5))
    second = b.invoice(b.request(b.lab.glu))
    from patolab_desktop.db.models_billing import FiscalDocument

    assert FiscalDocument.get_by_id(second).correlative == (
        FiscalDocument.get_by_id(first).correlative + 1
    )


@pytest.mark.sqlite_only
def test_a_restore_never_gives_a_fiscal_number_again(billing_lab, tmp_path):
    from patolab_desktop.db.models_billing import FiscalDocument
    from patolab_desktop.services.safety import backups

    b = billing_lab
    b.invoice(b.request())
    backup = backups.backup_now(tmp_path / "copias")
    printed = {FiscalDocument.get_by_id(b.invoice(b.request(b.lab.glu))).number}
    backups.restore(backup, lose_documents=True)  # the factura printed since is lost
    from patolab_desktop.services.billing import cash

    if cash.current() is None:
        cash.open_session("0")
    again = FiscalDocument.get_by_id(b.invoice(b.request(b.lab.ure))).number
    assert again not in printed and again == "000-001-01-00000003"


def test_closing_the_current_hands_over_to_its_waiting_renewal(billing_lab):
    """The administrator closes the current authorisation early: the renewal registered
    after it becomes active, and only the closed one's remainder is reported unused."""
    from patolab_desktop.services.billing import reports

    b = billing_lab
    b.invoice(b.request())
    renewal = add_authorisation(b.lab.branch, "01", cai="ABCDEF-02", first=5001, last=9000)
    assert FiscalAuthorisation.get_by_id(renewal).status == "waiting"
    unused = {u["authorisation_id"]: u["remainder"] for u in reports.unused_numbers()}
    assert unused[renewal] is None
    authorisations.end(b.invoice_auth, "El SAR entregó la renovación")
    assert FiscalAuthorisation.get_by_id(b.invoice_auth).status == "ended"
    assert FiscalAuthorisation.get_by_id(renewal).status == "active"
    unused = {u["authorisation_id"]: u["remainder"] for u in reports.unused_numbers()}
    assert unused[b.invoice_auth] == ("000-001-01-00000002", "000-001-01-00005000")
    from patolab_desktop.db.models_billing import FiscalDocument

    assert FiscalDocument.get_by_id(b.invoice(b.request(b.lab.glu))).number.endswith("5001")
