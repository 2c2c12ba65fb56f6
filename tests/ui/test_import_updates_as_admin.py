"""The import dialog driven by the administrator who imports (issue 20): a file of
registered patients, each given an e-mail, goes through the bulk updates; every patient
is updated and audited under the administrator's name. A receptionist cannot run it."""

from __future__ import annotations

import pytest

from patolab_desktop.db.models import AuditLog
from patolab_desktop.services import customers
from patolab_desktop.services.access import session
from patolab_desktop.services.access.permissions import ROLE_ADMIN, ROLE_RECEPTION
from patolab_desktop.services.customers import bulk, importing
from patolab_desktop.services.errors import PermissionDenied
from patolab_desktop.ui import prompts
from patolab_desktop.ui.customers.import_dialog import ImportDialog
from tests.patient_csv_helpers import make_customer, write_csv_file
from tests.security_helpers import fast_hashing, login_as, no_session  # noqa: F401 (fixtures)

pytestmark = pytest.mark.usefixtures("database", "no_session", "fast_hashing")


@pytest.fixture
def registered(tmp_path, monkeypatch):
    """Seven registered patients and a file giving each an e-mail (three update chunks)."""
    monkeypatch.setattr(bulk, "UPDATE_CHUNK", 3)
    monkeypatch.setattr(prompts, "info", lambda *_a: None)
    monkeypatch.setattr(prompts, "error", lambda *_a: pytest.fail(f"error shown: {_a}"))
    monkeypatch.setattr(prompts, "confirm", lambda *_a: True)
    with session.acting_as(session.system_actor("seed")):
        ids = [
            make_customer(name=f"Paciente Número {n}", phone=f"9988-77{n:02d}", id_number="")
            for n in range(7)
        ]
    rows = [["Nombre", "Teléfono", "Correo"]]
    rows += [[f"Paciente Número {n}", f"9988-77{n:02d}", f"p{n}@correo.hn"] for n in range(7)]
    return ids, write_csv_file(tmp_path / "actualizar.csv", rows)


def test_the_administrator_updates_every_registered_patient(qtbot, registered):
    ids, path = registered
    admin = login_as(ROLE_ADMIN)
    dialog = ImportDialog()
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.load(str(path))
    assert "7 actualizaciones" in dialog.counts_label.text()
    with qtbot.waitSignal(dialog.imported) as blocker:
        dialog.import_button.click()
    assert blocker.args[0].updated == 7
    assert [customers.get(c).email for c in ids] == [f"p{n}@correo.hn" for n in range(7)]
    audited = AuditLog.select().where((AuditLog.action == "update") & (AuditLog.entity_id.in_(ids)))
    assert sorted(row.entity_id for row in audited) == sorted(ids)
    assert {row.username for row in audited} == {admin.username}


def test_a_receptionist_cannot_import(registered):
    _ids, path = registered
    login_as(ROLE_RECEPTION)
    with pytest.raises(PermissionDenied):
        importing.analyse(path)
