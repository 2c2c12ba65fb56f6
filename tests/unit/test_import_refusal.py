"""PRODUCT (seed 001): a patient file with rejected rows imports nothing (all or nothing),
unless the person who saw the rejected rows chose to import the others: the window after
its confirmation, the CLI with ``--skip-rejected``. The rule is the service's
(``importing.refusal`` / ``commit(skip_rejected=…)``); before, the window imported the
other rows and the CLI refused them, each by its own code."""

from __future__ import annotations

import pytest

from patolab_desktop.services.customers import importing as pi
from tests.patient_csv_helpers import (  # noqa: F401 (fixture)
    ACCENTED,
    admin,
    customer_count,
    write_csv_file,
)

pytestmark = pytest.mark.usefixtures("database", "admin")


def _plan(tmp_path, bad_rows: int):
    rows = ACCENTED + [[f"Sin teléfono {n}", "", "", ""] for n in range(bad_rows)]
    return pi.analyse(write_csv_file(tmp_path / "pacientes.csv", rows))


@pytest.mark.parametrize(("bad", "said"), [(1, "1 fila rechazada"), (2, "2 filas rechazadas")])
def test_a_plan_with_rejected_rows_saves_nothing(tmp_path, bad, said):
    plan = _plan(tmp_path, bad)
    assert len(plan.rejected) == bad and plan.created
    assert said in pi.refusal(plan)
    with pytest.raises(pi.PatientImportError, match=said):
        pi.commit(plan)
    assert customer_count() == 0


def test_the_others_are_imported_when_chosen(tmp_path):
    plan = _plan(tmp_path, 1)
    assert pi.refusal(plan, skip_rejected=True) is None
    result = pi.commit(plan, skip_rejected=True)
    assert (result.created, result.rejected) == (len(plan.created), 1)
    assert customer_count() == len(plan.created)


def test_a_clean_file_needs_no_choice(tmp_path):
    plan = _plan(tmp_path, 0)
    assert pi.refusal(plan) is None
    assert pi.commit(plan).created == len(plan.created) == customer_count()
