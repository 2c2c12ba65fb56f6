"""Reception removes an investigation whose result the lab had marked ready (seed 004 rule
5: investigations are added or removed on active requests): the request's status follows
the lines left, and its history keeps who released the result removed."""

from __future__ import annotations

from patolab_desktop.db.models import AuditLog
from patolab_desktop.services import requests
from patolab_desktop.services.access import permissions
from patolab_desktop.services.paging import PageRequest
from tests.security_helpers import login_as
from tests.unit.requests_fixtures import lab  # noqa: F401


def _lines(request_id) -> dict[str, dict]:
    return {line["code"]: line for line in requests.get(request_id).lines}


def test_removing_the_only_ready_result_takes_the_request_back_to_in_progress(lab):
    request_id, _ = lab.create(lab.hem, lab.glu, lab.ure)
    login_as(permissions.ROLE_LAB)
    requests.mark_lines(request_id, [_lines(request_id)["HEM"]["id"]], "released")
    assert requests.get(request_id).status == "partial_result"

    login_as(permissions.ROLE_RECEPTION)
    requests.remove_investigation(request_id, lab.hem)
    detail = requests.get(request_id)
    assert (detail.status, detail.lines_released, detail.lines_total) == ("in_progress", 0, 2)
    assert detail.status_label == "En proceso"
    # the page's «Sin resultados» filter and the status agree
    page = requests.page(requests.RequestFilter(progress="none"), PageRequest())
    assert request_id in {row["id"] for row in page.rows}

    # the history keeps who released HEM, and says its result was removed
    events = [(e["action"], e["detail"], e["by"]) for e in detail.events]
    assert ("lines", "Resultado listo: HEM", "laboratorio") in events
    removed = next(e for e in events if e[0] == "line_removed")
    assert "se quita el resultado listo de HEM" in removed[1] and removed[2] == "recepcion"
    assert AuditLog.select().where(AuditLog.action == "release_lines").count() == 1

    # the next result ready makes it partial again
    login_as(permissions.ROLE_LAB)
    requests.mark_lines(request_id, [_lines(request_id)["GLU"]["id"]], "released")
    assert requests.get(request_id).status == "partial_result"
