"""``patolab workstation``: an administrator sets the branch and punto de emisión of THIS
computer (its own settings, PATOLAB_HOME); the computer's facturas then take that
branch's CAI numbers, while another computer on the same database keeps the lab's."""

from __future__ import annotations

import datetime as dt

from tests.cli_process import patolab
from tests.security_helpers import PASSWORD


def test_an_administrator_sets_this_computer_s_branch_and_its_facturas_follow(
    tmp_path, _isolated_home
):
    from patolab_desktop.db.models import Branch
    from patolab_desktop.services import requests
    from patolab_desktop.services.bootstrap import close_db, open_db
    from tests.security_helpers import make_user
    from tests.unit.billing_helpers import add_authorisation, set_lab_data
    from tests.unit.requests_fixtures import make_customer, make_doctor, make_investigation

    path = tmp_path / "lab.db"
    open_db(path)
    make_user("admin", "Administrador")
    make_user("recepcion", "Recepción")
    tgu = Branch.select(Branch.id).order_by(Branch.id).scalar()
    sps = Branch.create(code="SPS", name="San Pedro Sula").id
    deadline = dt.date.today() + dt.timedelta(days=200)
    add_authorisation(tgu, "01", deadline=deadline)
    add_authorisation(sps, "01", establishment="001", cai="AAAAAA-0001", deadline=deadline)
    set_lab_data()
    draft = requests.RequestDraft(
        patient_id=make_customer("Ana Martínez"),
        doctor_id=make_doctor(),
        investigation_ids=[make_investigation("GLU", "Glucosa en ayunas", "80")],
        branch_id=sps,
    )
    number = requests.create(draft, by="t")[1]
    close_db()

    def run(*args, user, home=_isolated_home):
        return patolab("--db", path, *args, home=home, user=user, password=PASSWORD)

    refused = run("workstation", "--branch", "SPS", "--point", "001", user="recepcion")
    assert refused.returncode == 1 and "No tiene permiso" in refused.stderr
    done = run("estacion", "--branch", "SPS", "--point", "001", user="admin")
    assert done.returncode == 0, done.stderr
    assert "Sucursal: SPS — San Pedro Sula (de esta computadora)" in done.stdout
    other = run("workstation", user="admin", home=tmp_path / "otra")
    assert other.returncode == 0, other.stderr
    assert "(del laboratorio)" in other.stdout and "San Pedro Sula" not in other.stdout

    assert run("cash-open", "--float", "0", user="recepcion").returncode == 0
    issued = run("invoice", number, "--pay", "cash:80", user="recepcion")
    assert issued.returncode == 0, issued.stderr
    assert "001-001-01-00000001" in issued.stdout
