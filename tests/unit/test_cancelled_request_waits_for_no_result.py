"""A cancelled request waits for no result: the laboratory's «Sin resultados» work filter
does not list it, and the list shows no «0/3 listas» for it (seed 004: cancelled is final)."""

from __future__ import annotations

from patolab_desktop.db.models import LabRequest
from patolab_desktop.services import requests
from patolab_desktop.services.access import permissions
from patolab_desktop.services.paging import PageRequest
from tests.security_helpers import login_as
from tests.unit.requests_fixtures import lab  # noqa: F401


def _ids(progress: str) -> set[int]:
    page = requests.page(requests.RequestFilter(progress=progress), PageRequest())
    return {row["id"] for row in page.rows}


def test_the_lab_does_not_see_a_cancelled_request_as_waiting_for_results(lab):
    waiting, _ = lab.create(lab.hem, lab.glu)
    cancelled, _ = lab.create(lab.hem, lab.glu, lab.ure)
    login_as(permissions.ROLE_RECEPTION)
    requests.cancel(cancelled, "El paciente no regresó")
    detail = requests.get(cancelled)
    assert (detail.lines_released, detail.lines_total) == (0, 0)

    login_as(permissions.ROLE_LAB)
    assert _ids("none") == {waiting}
    assert requests.count(requests.RequestFilter(progress="none")) == 1
    rows = {r["id"]: r for r in requests.page(requests.RequestFilter(), PageRequest()).rows}
    assert (rows[waiting]["progress"], rows[cancelled]["progress"]) == ("0/2 listas", "")


def test_a_request_cancelled_before_its_counts_were_cleared_is_not_waiting_either(lab):
    """Saved by an earlier version: cancelled with «3» results still counted."""
    cancelled, _ = lab.create(lab.hem, lab.glu, lab.ure)
    requests.cancel(cancelled, "El paciente no regresó", by="recepcion1")
    LabRequest.update(lines_total=3).where(LabRequest.id == cancelled).execute()
    login_as(permissions.ROLE_LAB)
    assert _ids("none") == set()
    rows = requests.page(requests.RequestFilter(), PageRequest()).rows
    assert [row["progress"] for row in rows] == [""]
