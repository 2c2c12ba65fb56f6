"""A request's history names who did it: the signed-in user, whatever name the call
carries (the CLI's ``--by`` let a signed-in supervisor write «laboratorio-falso» there
while the audit log had her); a name given is kept only for the system actor."""

from __future__ import annotations

import pytest

from patolab_desktop.services import requests
from patolab_desktop.services.access import permissions, session
from tests.security_helpers import fast_hashing, login_as  # noqa: F401 (a fixture)
from tests.unit.requests_fixtures import lab  # noqa: F401


@pytest.mark.usefixtures("fast_hashing")
def test_a_signed_in_user_cannot_put_another_name_in_the_history(lab):  # noqa: F811
    request_id, _number = lab.create(lab.hem)
    with session.acting_as(None):
        actor = login_as(permissions.ROLE_SUPERVISOR)
        requests.advance(request_id, by="laboratorio-falso")
        requests.cancel(request_id, "Muestra hemolizada", by="otra-persona")
    names = [event["by"] for event in requests.get(request_id).events]
    assert names[-2:] == [actor.username, actor.username]
    assert "laboratorio-falso" not in names and "otra-persona" not in names


def test_the_system_actor_names_whom_it_is_given(lab):  # noqa: F811
    request_id, _number = lab.create(lab.hem)  # the tests' system actor
    requests.advance(request_id, by="mantenimiento")
    assert requests.get(request_id).events[-1]["by"] == "mantenimiento"
