"""Request detail, cancel and add/remove investigation dialogs against the real services."""

from __future__ import annotations

from decimal import Decimal

import pytest
from PySide6.QtCore import Qt

from patolab_desktop.services import requests as requests_service
from patolab_desktop.services.errors import RuleError
from patolab_desktop.ui import prompts
from patolab_desktop.ui.requests.add_investigation_dialog import AddInvestigationDialog
from patolab_desktop.ui.requests.cancel_dialog import CancelRequestDialog
from patolab_desktop.ui.requests.remove_investigation_dialog import RemoveInvestigationDialog
from patolab_desktop.ui.requests.request_detail import RequestDetailDialog

from .requests_helpers import acting, desk, make_request, move_to  # noqa: F401  (fixtures)


@pytest.fixture
def errors(monkeypatch):
    shown = []
    monkeypatch.setattr(prompts, "error", lambda parent, title, text: shown.append(text))
    return shown


@pytest.fixture
def confirm_yes(monkeypatch):
    asked = []
    monkeypatch.setattr(prompts, "confirm", lambda parent, title, text: asked.append(text) or True)
    return asked


def new_request(desk, codes, patient="senior", **extra):  # noqa: F811
    ids = [desk["catalog"][code] for code in codes]
    return make_request(desk[patient], desk["doctor"], ids, **extra)


def show_active(qtbot, widget) -> None:
    """Shown and active, so its keyboard shortcuts (Supr, Enter) reach it."""
    widget.show()
    qtbot.waitExposed(widget)
    widget.activateWindow()
    qtbot.waitUntil(widget.isActiveWindow)


def totals_text(dialog) -> tuple[str, str, str]:
    bar = dialog.totals
    return bar.total_label.text(), bar.discount_label.text(), bar.net_label.text()


# --- cancel ------------------------------------------------------------------------------
@pytest.mark.parametrize("status", ["pending", "sample_collected"])
def test_cancel_needs_a_reason_and_is_allowed_before_processing(qtbot, desk, errors, status):  # noqa: F811
    request_id, number = new_request(desk, ["HEM"])
    move_to(request_id, status)
    dialog = CancelRequestDialog(request_id, number, status)
    qtbot.addWidget(dialog)
    dialog.show()
    assert not dialog.ok_button.isEnabled()  # blank reason
    dialog.set_reason("   ")
    assert not dialog.ok_button.isEnabled()  # only spaces is still blank
    dialog.reason_combo.setFocus()
    qtbot.keyClicks(dialog.reason_combo.lineEdit(), "El paciente no vino")
    assert dialog.ok_button.isEnabled()
    with qtbot.waitSignal(dialog.accepted):
        qtbot.keyClick(dialog.reason_combo.lineEdit(), Qt.Key.Key_Return)
    detail = requests_service.get(request_id)
    assert detail.status == "cancelled"
    assert detail.cancellation_reason == "El paciente no vino"
    assert detail.cancelled_at is not None
    assert errors == []


@pytest.mark.parametrize("typed", ["Muestra no apta", "Error al registrar"])
def test_the_reason_a_receptionist_types_is_the_one_saved(qtbot, desk, as_role, errors, typed):  # noqa: F811
    """Typed the start of a common reason and Enter: saved as typed, never completed to
    the common one («Muestra no apta; se registrará una nueva solicitud»)."""
    from patolab_desktop.services.access import permissions

    request_id, number = new_request(desk, ["HEM"])
    as_role(permissions.ROLE_RECEPTION)
    dialog = CancelRequestDialog(request_id, number, "pending")
    qtbot.addWidget(dialog)
    show_active(qtbot, dialog)
    qtbot.keyClicks(dialog.reason_combo.lineEdit(), typed)
    with qtbot.waitSignal(dialog.accepted):  # the first Enter cancels
        qtbot.keyClick(dialog.reason_combo.lineEdit(), Qt.Key.Key_Return)
    assert requests_service.get(request_id).cancellation_reason == typed
    assert errors == []


@pytest.mark.parametrize("status", ["in_progress", "partial_result", "completed", "cancelled"])
def test_cancel_is_refused_with_the_service_message(qtbot, desk, errors, status):  # noqa: F811
    request_id, number = new_request(desk, ["HEM"])
    move_to(request_id, status)
    before = requests_service.get(request_id)
    with pytest.raises(RuleError) as refusal:  # what the service says, word for word
        requests_service.cancel(request_id, "Ya no lo necesita")
    dialog = CancelRequestDialog(request_id, number, status)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.set_reason("Ya no lo necesita")
    dialog.ok_button.click()
    assert errors == [str(refusal.value)] and number in errors[0]
    assert dialog.error.isVisible() and dialog.error.text() == errors[0]
    assert dialog.result() != dialog.DialogCode.Accepted
    after = requests_service.get(request_id)
    assert after.status == status and after.cancellation_reason == before.cancellation_reason


# --- add / remove -------------------------------------------------------------------------
def test_add_investigation_by_keyboard_recalculates_totals(qtbot, desk, errors):  # noqa: F811
    request_id, _ = new_request(desk, ["HEM"])  # 65 years: 30 %
    dialog = AddInvestigationDialog(request_id)
    qtbot.addWidget(dialog)
    dialog.show()
    assert totals_text(dialog) == ("L 250.00", "L 75.00", "L 175.00")
    assert not dialog.add_button.isEnabled()
    dialog.search_edit.setFocus()
    qtbot.keyClicks(dialog.search_edit, "LIP")
    qtbot.keyClick(dialog.search_edit, Qt.Key.Key_Return)  # picks the panel
    assert dialog.picked()["code"] == "LIP" and dialog.add_button.isEnabled()
    qtbot.keyClicks(dialog.notes_edit, "En ayunas")
    qtbot.keyClick(dialog.notes_edit, Qt.Key.Key_Return)  # adds it
    # 250 + 350 = 600; 30 % = 180; net 420 — shown in the dialog after the change
    assert totals_text(dialog) == ("L 600.00", "L 180.00", "L 420.00")
    assert "L 420.00" in dialog.message.text()
    assert [r["code"] for r in dialog.lines_model.rows()] == ["HEM", "LIP", "COL", "TRI", "HDL"]
    detail = requests_service.get(request_id)
    assert (detail.total_amount, detail.discount_amount, detail.net_amount) == (
        Decimal("600.000"),
        Decimal("180.000"),
        Decimal("420.000"),
    )
    assert next(line for line in detail.lines if line["code"] == "LIP")["notes"] == "En ayunas"
    assert dialog.changed_count == 1 and errors == []

    # a member of the panel already there is refused with the service's message
    qtbot.keyClicks(dialog.search_edit, "HDL")
    qtbot.keyClick(dialog.search_edit, Qt.Key.Key_Return)
    dialog.add_button.click()
    assert len(errors) == 1 and "ya está en la solicitud" in errors[0]
    assert dialog.error.text() == errors[0]
    assert totals_text(dialog) == ("L 600.00", "L 180.00", "L 420.00")


def test_add_and_remove_are_disabled_on_a_completed_request(qtbot, desk):  # noqa: F811
    request_id, _ = new_request(desk, ["HEM", "GLU"])
    move_to(request_id, "completed")
    add = AddInvestigationDialog(request_id)
    remove = RemoveInvestigationDialog(request_id)
    qtbot.addWidget(add)
    qtbot.addWidget(remove)
    assert not add.search_edit.isEnabled() and not add.add_button.isEnabled()
    assert not remove.remove_button.isEnabled()
    assert "no se puede modificar" in remove.read_only_label.text()


def test_add_on_a_request_completed_meanwhile_shows_the_refusal(qtbot, desk, errors):  # noqa: F811
    request_id, _ = new_request(desk, ["HEM"])
    dialog = AddInvestigationDialog(request_id)
    qtbot.addWidget(dialog)
    move_to(request_id, "completed")  # another workstation finished it
    dialog.search_edit.setText("GLU")
    dialog.search_edit.refresh_now()
    dialog.search_edit.choose()
    assert dialog.add() is False
    assert len(errors) == 1 and errors[0]
    assert [line["code"] for line in requests_service.get(request_id).lines] == ["HEM"]
    assert not dialog.add_button.isEnabled()  # reloaded: now read-only


def test_remove_investigation_recalculates_and_refuses_the_last(
    qtbot,
    qtmodeltester,
    desk,  # noqa: F811
    errors,
    confirm_yes,
):
    request_id, number = new_request(desk, ["HEM", "LIP"], patient="elder")  # 80 years: 40 %
    dialog = RemoveInvestigationDialog(request_id)
    qtbot.addWidget(dialog)
    show_active(qtbot, dialog)
    qtmodeltester.check(dialog.lines_model)
    assert totals_text(dialog) == ("L 600.00", "L 240.00", "L 360.00")
    # a panel member cannot be picked
    assert dialog.select_investigation(desk["catalog"]["TRI"])
    assert not dialog.remove_button.isEnabled() and "quite el panel" in dialog.hint.text()
    # removing the panel takes its members with it
    assert dialog.select_investigation(desk["catalog"]["LIP"])
    dialog.lines_view.setFocus()
    qtbot.keyClick(dialog.lines_view, Qt.Key.Key_Delete)
    assert len(confirm_yes) == 1 and "Perfil lipídico" in confirm_yes[0]
    assert [r["code"] for r in dialog.lines_model.rows()] == ["HEM"]
    assert totals_text(dialog) == ("L 250.00", "L 100.00", "L 150.00")
    assert "L 150.00" in dialog.message.text()
    detail = requests_service.get(request_id)
    assert (detail.total_amount, detail.discount_amount, detail.net_amount) == (
        Decimal("250.000"),
        Decimal("100.000"),
        Decimal("150.000"),
    )
    # the last one cannot go: the service says why
    assert dialog.select_investigation(desk["catalog"]["HEM"])
    assert dialog.remove_selected() is False
    assert len(errors) == 1 and "última investigación" in errors[0] and number in errors[0]
    assert dialog.error.isVisible() and dialog.error.text() == errors[0]
    assert [line["code"] for line in requests_service.get(request_id).lines] == ["HEM"]
    assert dialog.changed_count == 1


def test_remove_asks_first_and_keeps_the_line_when_declined(qtbot, desk, monkeypatch):  # noqa: F811
    request_id, _ = new_request(desk, ["HEM", "GLU"])
    monkeypatch.setattr(prompts, "confirm", lambda *a: False)
    dialog = RemoveInvestigationDialog(request_id)
    qtbot.addWidget(dialog)
    dialog.select_investigation(desk["catalog"]["GLU"])
    assert dialog.remove_selected() is False
    assert len(requests_service.get(request_id).lines) == 2


# --- detail -------------------------------------------------------------------------------
def test_detail_of_a_completed_request_is_read_only(qtbot, qtmodeltester, desk):  # noqa: F811
    request_id, number = new_request(desk, ["HEM", "LIP"], clinical_info="Chequeo")
    move_to(request_id, "completed")
    dialog = RequestDetailDialog(request_id)
    qtbot.addWidget(dialog)
    qtmodeltester.check(dialog.lines_model)
    qtmodeltester.check(dialog.events_model)
    assert dialog.number_label.text() == number
    assert dialog.status_badge.text() == "Completada"
    for button in (
        dialog.advance_button,
        dialog.cancel_button,
        dialog.add_button,
        dialog.remove_button,
    ):
        assert not button.isEnabled()
    assert "solo lectura" in dialog.read_only_label.text()
    assert dialog.values["clinical_info"].text() == "Chequeo"
    assert dialog.values["completed_at"].text() != "—"
    assert dialog.lines_model.rowCount() == 5
    # created + four status changes, oldest first
    assert dialog.events_model.rowCount() == 5
    assert dialog.events_model.row_dict(0)["action_label"] == "Creada"


def _workflow_buttons(dialog) -> tuple:
    return (dialog.advance_button, dialog.cancel_button, dialog.add_button, dialog.remove_button)


def test_detail_buttons_follow_the_rules_and_advance_moves_the_workflow(qtbot, desk, confirm_yes):  # noqa: F811
    request_id, _ = new_request(desk, ["HEM"])
    dialog = RequestDetailDialog(request_id)
    qtbot.addWidget(dialog)
    assert all(b.isEnabled() for b in _workflow_buttons(dialog))
    assert "Muestra tomada" in dialog.advance_button.text()
    with qtbot.waitSignal(dialog.changed):
        dialog.advance_button.click()
    assert requests_service.get(request_id).status == "sample_collected"
    assert dialog.status_badge.text() == "Muestra tomada"
    assert dialog.cancel_button.isEnabled()  # still cancellable
    dialog.advance_button.click()
    assert dialog.status_badge.text() == "En proceso"
    assert not dialog.cancel_button.isEnabled()  # not any more
    assert dialog.add_button.isEnabled() and dialog.remove_button.isEnabled()
    assert dialog.events_model.rowCount() == 3


def test_detail_opens_cancel_dialog_and_reloads(qtbot, desk, monkeypatch):  # noqa: F811
    request_id, _ = new_request(desk, ["HEM"])
    from patolab_desktop.ui.requests import cancel_dialog

    def cancel_with_reason(dialog):
        dialog.set_reason("Solicitud duplicada")
        dialog.ok_button.click()
        return dialog.result()

    monkeypatch.setattr(cancel_dialog.CancelRequestDialog, "exec", cancel_with_reason)
    dialog = RequestDetailDialog(request_id)
    qtbot.addWidget(dialog)
    with qtbot.waitSignal(dialog.changed):
        dialog.cancel_button.click()
    assert dialog.status_badge.text() == "Cancelada"
    assert dialog.values["cancellation_reason"].text() == "Solicitud duplicada"
    assert not any(b.isEnabled() for b in _workflow_buttons(dialog))


def test_detail_prints_summary_and_labels_of_its_request(qtbot, desk, monkeypatch):  # noqa: F811
    from patolab_desktop.ui.printing import actions

    printed = []
    monkeypatch.setattr(
        actions, "preview_summary", lambda parent, rid: printed.append(("summary", rid))
    )
    monkeypatch.setattr(
        actions, "preview_labels", lambda parent, rid: printed.append(("labels", rid))
    )
    request_id, _ = new_request(desk, ["HEM"])
    dialog = RequestDetailDialog(request_id)
    qtbot.addWidget(dialog)
    dialog.print_button.click()
    dialog.labels_button.click()
    assert printed == [("summary", request_id), ("labels", request_id)]
    move_to(request_id, "cancelled")
    dialog.reload()
    assert dialog.print_button.isEnabled() and not dialog.labels_button.isEnabled()
