"""Archivo → Restaurar copia… as the Administrador: before the data is replaced the
question says what the restore will undo (the requests, facturas and payments made after
the copy, with the fiscal numbers), «No» changes nothing, and after «Sí» the message lists
the fiscal numbers the restored database lacks, which the report of unused numbers shows
as issued before the restore."""

from __future__ import annotations

import pytest

from patolab_desktop import local_settings
from patolab_desktop.db.models_billing import FiscalDocument
from patolab_desktop.services.access import permissions, session
from patolab_desktop.services.billing import cash, invoices, reports
from patolab_desktop.services.billing.payments import PaymentInput
from patolab_desktop.services.safety import backups

from .billing_ui_helpers import billing_setup
from .requests_helpers import make_request
from .role_helpers import main_window_as
from .test_billing_day import menu_action

pytestmark = [pytest.mark.sqlite_only, pytest.mark.usefixtures("fast_hashing", "no_crash_dialog")]


def _invoice(request_id: int) -> str:
    total = invoices.preview(invoices.InvoiceInput((request_id,)))["amounts"].total
    document = invoices.issue(
        invoices.InvoiceInput((request_id,), payments=(PaymentInput("cash", total),))
    )
    return FiscalDocument.get_by_id(document).number


def test_the_confirmation_says_which_facturas_the_restore_undoes(
    qtbot, database, tmp_path, prompt_log
):
    found = billing_setup()
    local_settings.update(backup_folder=str(tmp_path / "copias"))
    window = main_window_as(qtbot, permissions.ROLE_ADMIN)
    cash.open_session("500.00")
    kept = _invoice(found["request"])
    copy = backups.backup_now()
    with session.acting_as(session.system_actor("tests")):
        later_request, later_number = make_request(
            found["patient"], found["doctor"], [found["catalog"]["GLU"]]
        )
    lost = _invoice(later_request)
    prompt_log.open_path = str(copy)

    prompt_log.answer = False  # «No»: nothing changes
    menu_action(window, "file", "Restaurar copia").trigger()

    ((_kind, _title, question),) = prompt_log.kinds("confirm")
    assert "Se perderá lo registrado después de la copia" in question
    assert f"Solicitudes: 1 ({later_number})" in question
    assert f"Facturas: 1 ({lost})" in question and kept not in question
    assert "Pagos y abonos: 1" in question
    assert FiscalDocument.get_or_none(FiscalDocument.number == lost) is not None

    prompt_log.clear()
    prompt_log.answer = True
    menu_action(window, "file", "Restaurar copia").trigger()

    assert FiscalDocument.get_or_none(FiscalDocument.number == lost) is None
    ((_kind, _title, told),) = prompt_log.kinds("info")
    assert "Copia restaurada" in told and lost in told
    assert "Emitido antes de restaurar una copia" in told
    unused = next(u for u in reports.unused_numbers() if u["key"].endswith("01"))
    assert unused["before_restore"] == [lost] and unused["gaps"] == []
