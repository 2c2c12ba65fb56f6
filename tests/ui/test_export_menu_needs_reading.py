"""The «Exportar» menu as a role that may export but see nothing (a custom «Exportador»):
each CSV entry is disabled and says which permission reading its rows needs, and the
requests' CSV is refused by the service as the other exports are."""

from __future__ import annotations

import pytest

from patolab_desktop.services import requests as requests_service
from patolab_desktop.services.errors import PermissionDenied

from .billing_ui_helpers import billing_setup
from .role_helpers import as_custom_role, window_for

pytestmark = pytest.mark.usefixtures("no_session", "fast_hashing")

READS = {
    "&Solicitudes (CSV)…": "ver solicitudes de laboratorio",
    "&Clientes (CSV)…": "ver pacientes y empresas",
    "&Pacientes (CSV)…": "ver pacientes y empresas",
    "C&atálogo (CSV)…": "ver el catálogo de investigaciones",
    "&Remitentes (CSV)…": "ver remitentes",
}


def test_each_export_says_what_its_rows_need(qtbot, database, tmp_path, prompt_log):
    billing_setup()
    window = window_for(qtbot, as_custom_role("Exportador", {"exports.run"}, "exportador"))
    entries = {a.text(): a for a in window.menu("export").actions() if not a.isSeparator()}
    # Remitentes is left out at start-up for this role (its tab reads its list)
    assert set(READS) - {"&Remitentes (CSV)…"} <= set(entries)
    for text, action in entries.items():
        action_text = READS[text]
        assert action.isVisible() and not action.isEnabled(), text
        assert f"No tiene permiso para {action_text}" in action.toolTip(), text
    target = tmp_path / "solicitudes.csv"
    with pytest.raises(PermissionDenied, match="ver solicitudes de laboratorio"):
        requests_service.export_requests(requests_service.RequestFilter(), target)
    assert not target.exists()
    entries["&Solicitudes (CSV)…"].trigger()  # a disabled entry does nothing
    assert not prompt_log.calls


def test_a_role_that_reads_the_rows_may_export_them(qtbot, database):
    billing_setup()
    granted = {"exports.run", "lis.requests.view"}
    window = window_for(qtbot, as_custom_role("Exportador de solicitudes", granted, "expsol"))
    entries = {a.text(): a for a in window.menu("export").actions()}
    assert entries["&Solicitudes (CSV)…"].isEnabled()
    assert "permiso" not in entries["&Solicitudes (CSV)…"].toolTip()
    assert not entries["&Clientes (CSV)…"].isEnabled()
