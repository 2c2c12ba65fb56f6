"""Exportar → … (CSV) as the administrator: the message counts in Spanish, «Se exportó 1
solicitud», like the customers' export («Se exportó 1 cliente»), and the catalog's and
the referrers' («Se exportó 1 investigación», never «Se exportaron 1 investigación»)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from patolab_desktop.services import catalog
from patolab_desktop.services.access import permissions, session
from tests.ui.requests_helpers import make_catalog, make_doctor, make_patient, make_request
from tests.ui.role_helpers import main_window_as

pytestmark = pytest.mark.usefixtures("no_session", "fast_hashing", "no_crash_dialog")


def _export(qtbot, window, prompt_log, path, entry="&Solicitudes (CSV)…") -> str:
    prompt_log.clear()
    prompt_log.save_path = str(path)
    action = next(a for a in window.menu("export").actions() if a.text() == entry)
    action.trigger()
    qtbot.waitUntil(lambda: bool(prompt_log.kinds("info") or prompt_log.kinds("error")))
    assert not prompt_log.kinds("error"), prompt_log.calls
    return prompt_log.kinds("info")[0][2]


def test_one_request_is_said_in_the_singular(qtbot, database, tmp_path, prompt_log):
    with session.acting_as(session.system_actor("tests")):
        ids = make_catalog()
        doctor = make_doctor()
        make_request(make_patient("Ana", "López", age=40), doctor, [ids["GLU"]])
    window = main_window_as(qtbot, permissions.ROLE_ADMIN)

    one = tmp_path / "una.csv"
    assert _export(qtbot, window, prompt_log, one) == f"Se exportó 1 solicitud a:\n{one}"

    with session.acting_as(session.system_actor("tests")):
        make_request(make_patient("Luis", "Mejía", age=30), doctor, [ids["GLU"]])
    two = tmp_path / "dos.csv"
    assert _export(qtbot, window, prompt_log, two) == f"Se exportaron 2 solicitudes a:\n{two}"


def test_one_investigation_and_one_referrer_in_the_singular(qtbot, database, tmp_path, prompt_log):
    with session.acting_as(session.system_actor("tests")):
        catalog.create(
            catalog.InvestigationData(
                code="GLU", name="Glucosa", sample_type="Sangre", price=Decimal("80")
            )
        )
        make_doctor()
    window = main_window_as(qtbot, permissions.ROLE_ADMIN)
    entries = [a.text() for a in window.menu("export").actions()]
    investigations = next(t for t in entries if "nvestigaciones" in t or "atálogo" in t)
    doctors = next(t for t in entries if "emitentes" in t)
    one = tmp_path / "catalogo.csv"
    said = _export(qtbot, window, prompt_log, one, investigations)
    assert said == f"Se exportó 1 investigación a:\n{one}"
    one = tmp_path / "remitentes.csv"
    assert _export(qtbot, window, prompt_log, one, doctors) == f"Se exportó 1 remitente a:\n{one}"
