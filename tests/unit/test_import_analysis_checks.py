"""The patient import's analysis: the rows checked once by the customers service's rules,
the permission to register patients asked once, the progress in order and «Cancelar»
honoured while the rows are checked (issue 20, the import's speed and its GUI stall)."""

from __future__ import annotations

import pytest

from patolab_desktop.services import customers
from patolab_desktop.services.access import session
from patolab_desktop.services.customers import importing as pi
from patolab_desktop.services.errors import PermissionDenied
from tests.patient_csv_helpers import (  # noqa: F401 (fixture)
    ACCENTED,
    admin,
    write_csv_file,
)
from tests.security_helpers import make_actor

pytestmark = pytest.mark.usefixtures("database", "admin")


def _new_patients_file(tmp_path, count):
    rows = [["nombre", "telefono", "dni", "email"]]
    rows += [[f"Paciente Número {n}", f"9{n:07d}", "", f"p{n}@example.com"] for n in range(count)]
    return write_csv_file(tmp_path / "many.csv", rows)


def test_the_analysis_shows_its_progress_in_order_and_can_be_cancelled_while_checking(
    tmp_path,
):
    path = _new_patients_file(tmp_path, 2500)
    seen: list[tuple[int, int | None]] = []
    plan = pi.analyse(path, progress=lambda done, total: seen.append((done, total)))
    assert len(plan.created) == 2500
    counted = [done for done, total in seen if total is not None]
    assert counted == sorted(counted) and seen[-1] == (2500, 2500)
    assert len(counted) >= 3  # the checks, the longest part, tick as they go

    checking: list[int] = []

    def cancelled() -> bool:  # the desk presses «Cancelar» once the checks have begun
        return len(checking) >= 2

    with pytest.raises(pi.ImportCancelled):
        pi.analyse(
            path,
            progress=lambda done, total: total is not None and checking.append(done),
            cancelled=cancelled,
        )
    assert checking[-1] < 2500


def test_analysing_needs_the_permission_to_register_patients(tmp_path):
    """Every row is checked as a new patient's data (even one that will update), so an
    analysis without ``patients.create`` is refused, before reading any row."""
    path = write_csv_file(tmp_path / "p.csv", ACCENTED)
    importer = make_actor("iris", "Iris", "Importación", {"imports.run", "patients.view"})
    with (
        session.acting_as(importer),
        pytest.raises(PermissionDenied, match="registrar pacientes"),
    ):
        pi.analyse(path)


def test_a_preparer_asks_the_permission_once_and_checks_every_row(monkeypatch):
    asked = []
    real_require = session.require
    monkeypatch.setattr(
        customers.bulk.session, "require", lambda *p: asked.append(p) or real_require(*p)
    )
    prepare = customers.bulk.preparer(customers.bulk.dt.date(2026, 12, 7))
    good = prepare(customers.CustomerData(name="Ana Paz", phone="9456-1234"))
    bad = prepare(customers.CustomerData(name="Ana Paz", phone="12"))
    assert asked == [("patients.create",)]
    assert not good.errors and good.value("phone") == "+50494561234"
    assert "phone" in bad.errors
