"""Four desks issuing at the same moment (issue 17): 4 processes × 100 invoices give 400
consecutive numbers, none twice, none skipped — on one SQLite file by default, or on a
fresh PostgreSQL database when PATOLAB_TEST_PG is set."""

from __future__ import annotations

import datetime as dt
import multiprocessing
from decimal import Decimal

from tests.unit.process_race import race

PROCESSES = 4
PER_PROCESS = 100


def _issue(request_ids: list[int], at_the_barrier) -> list[int]:
    from patolab_desktop.services.access import session
    from patolab_desktop.services.billing import cash, invoices
    from patolab_desktop.services.billing.payments import PaymentInput

    name = multiprocessing.current_process().name
    session.set_current(session.system_actor(f"caja{name}"))
    cash.open_session(Decimal("0"))
    at_the_barrier()
    numbers = []
    for request_id in request_ids:
        doc_id = invoices.issue(
            invoices.InvoiceInput(
                (request_id,), payments=(PaymentInput("cash", "230.00", received="300"),)
            )
        )
        numbers.append(doc_id)
    return numbers


def test_four_desks_issue_400_consecutive_numbers(db_target):
    from patolab_desktop.db.models import LabRequest, RequestLine
    from patolab_desktop.db.models_billing import FiscalAuthorisation, FiscalDocument
    from patolab_desktop.services import settings
    from patolab_desktop.services.bootstrap import close_db, open_db
    from tests.unit.billing_helpers import add_authorisation, set_lab_data
    from tests.unit.requests_fixtures import make_customer, make_doctor, make_investigation

    open_db(db_target)
    hem = make_investigation("HEM", "Hemograma completo", "150")
    glu = make_investigation("GLU", "Glucosa en ayunas", "80")
    patient, doctor = make_customer(), make_doctor()
    branch = settings.get("default_branch_id")
    if not branch:
        from patolab_desktop.db.models import Branch

        branch = Branch.select(Branch.id).order_by(Branch.id).scalar()
        settings.put("default_branch_id", branch)
    add_authorisation(branch, "01", first=1, last=1000)
    set_lab_data()
    # the requests are made directly (their own numbering is tested elsewhere)
    stamp = dt.datetime.now()
    ids = []
    for n in range(PROCESSES * PER_PROCESS):
        request = LabRequest.create(
            request_number=f"T-{n:06d}",
            patient=patient,
            doctor=doctor,
            branch=branch,
            total_amount=Decimal("230"),
            net_amount=Decimal("230"),
            requested_at=stamp,
        )
        RequestLine.insert_many(
            [
                {
                    "lab_request": request.id,
                    "investigation": hem,
                    "price": Decimal("150"),
                    "net_price": Decimal("150"),
                },
                {
                    "lab_request": request.id,
                    "investigation": glu,
                    "price": Decimal("80"),
                    "net_price": Decimal("80"),
                },
            ]
        ).execute()
        ids.append(request.id)
    close_db()

    outcomes = race(_issue, db_target, [ids[i::PROCESSES] for i in range(PROCESSES)])
    assert [o[0] for o in outcomes] == ["ok"] * PROCESSES, outcomes
    starts = [o[2] for o in outcomes]
    ends = [o[3] for o in outcomes]
    assert max(starts) < min(ends)  # the desks really issued at the same time

    open_db(db_target)
    try:
        correlatives = sorted(
            c for (c,) in FiscalDocument.select(FiscalDocument.correlative).tuples()
        )
        assert correlatives == list(range(1, PROCESSES * PER_PROCESS + 1))
        numbers = [n for (n,) in FiscalDocument.select(FiscalDocument.number).tuples()]
        assert len(set(numbers)) == len(numbers) == PROCESSES * PER_PROCESS
        assert FiscalAuthorisation.select().first().last_used == PROCESSES * PER_PROCESS
    finally:
        close_db()
