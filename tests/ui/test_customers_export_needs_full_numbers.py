"""A role that may export but may not see identity numbers in full (a custom «Exportador»
with ``exports.run`` and ``patients.view``, without ``patients.view_sensitive``) gets no
customers file: the file carries every identity number in full so that it can be
imported back, and a copy with «****-****-12345» in the Identidad/RTN column looked
complete while the import refused every row of it. The menu entry is off and says which
permission it needs; the service refuses with the reason; adding the permission to the
role lets the same person export the full numbers."""

from __future__ import annotations

import pytest

from patolab_desktop.services.access import session
from patolab_desktop.services.customers import CustomerFilter
from patolab_desktop.services.customers import export as exports
from patolab_desktop.services.errors import PermissionDenied
from tests.cli_process import read_csv

from .role_helpers import as_custom_role, window_for
from .test_customers_window import make_customer

pytestmark = pytest.mark.usefixtures("no_session", "fast_hashing")

GRANTED = {"exports.run", "patients.view"}
ENTRY = "&Clientes (CSV)…"


def test_the_export_is_refused_without_the_full_numbers(qtbot, database, tmp_path, prompt_log):
    with session.acting_as(session.system_actor("tests")):
        make_customer("Zoila", "Maradiaga", id_number="0801199012345")
    actor = as_custom_role("Exportador", GRANTED, "exportador")
    window = window_for(qtbot, actor)
    entry = next(a for a in window.menu("export").actions() if a.text() == ENTRY)
    assert entry.isVisible() and not entry.isEnabled()
    assert "ver los números de identidad completos" in entry.toolTip()
    entry.trigger()  # a disabled entry asks nothing
    assert not prompt_log.calls

    out = tmp_path / "clientes_patolab.csv"
    with pytest.raises(PermissionDenied) as refused:
        exports.export_customers(CustomerFilter(), out)
    assert "números de identidad completos" in str(refused.value)
    assert "importarlo de nuevo" in str(refused.value)
    assert "Su rol (Exportador) no lo incluye" in str(refused.value)
    assert not out.exists()


def test_with_the_permission_the_same_role_exports_the_full_numbers(qtbot, database, tmp_path):
    with session.acting_as(session.system_actor("tests")):
        make_customer("Zoila", "Maradiaga", id_number="0801199012345")
    actor = as_custom_role(
        "Exportador completo", GRANTED | {"patients.view_sensitive"}, "exportador2"
    )
    window = window_for(qtbot, actor)
    entry = next(a for a in window.menu("export").actions() if a.text() == ENTRY)
    assert entry.isEnabled() and "permiso" not in entry.toolTip()
    out = tmp_path / "clientes_patolab.csv"
    assert exports.export_customers(CustomerFilter(), out) == 1
    assert read_csv(out)[1][:2] == ["Zoila Maradiaga", "0801-1990-12345"]


def test_the_refusal_names_a_seeded_role_in_the_interface_language(qapp, database):
    """In English the refusal says «Your role (Reception)», not the stored «Recepción»
    (the export entry's tooltip for reception, which lacks the full numbers)."""
    from patolab_desktop import i18n
    from patolab_desktop.services.access import permissions

    from .role_helpers import act_as

    act_as(permissions.ROLE_RECEPTION)
    assert "Su rol (Recepción) no lo incluye" in session.refusal("patients.view_sensitive")
    assert i18n.install_translators(qapp, "en") == "en"
    try:
        refused = session.refusal("patients.view_sensitive")
    finally:
        i18n.remove_translators(qapp)
    assert "(Reception)" in refused and "Recepción" not in refused
