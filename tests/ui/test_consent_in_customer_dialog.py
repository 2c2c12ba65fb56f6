"""The receptionist records how a patient gave WhatsApp consent and for which messages:
«¿Cómo?» and «Mensajes» appear with «Sí», say inline what is missing, and the form still
fits a 1024 × 768 screen with every message shown."""

from __future__ import annotations

from PySide6.QtWidgets import QApplication

from patolab_desktop.db.models import Customer
from patolab_desktop.services.access import permissions
from tests.unit.notify_helpers import EVERY_KIND

from .test_customer_dialog import choose, fill_patient, open_dialog
from .test_customers_window import (
    _no_real_prompts,  # noqa: F401 (an autouse fixture)
    make_customer,
)

ROOM = (1024, 768 - 48)  # the taskbar and the title bar


def test_reception_records_how_and_which_messages(qtbot, as_role):
    as_role(permissions.ROLE_RECEPTION)
    dialog = open_dialog(qtbot)
    fill_patient(qtbot, dialog)
    assert not dialog.consent_how_combo.isVisible()  # «No preguntado» asks nothing more
    assert not dialog.consent_events_row.isVisible()
    choose(dialog.consent_combo, "yes")
    assert dialog.consent_how_combo.isVisible() and dialog.consent_events_row.isVisible()
    assert [box.text() for box in dialog.consent_event_checks.values()] == [
        "Solicitud recibida",
        "Resultados parciales",
        "Resultados listos",
        "Solicitud cancelada",
    ]
    assert dialog.save() is False
    assert dialog.error_text("consent_how") == "Elija cómo dio el paciente su consentimiento."
    assert dialog.error_text("consent_events") == "Marque al menos un mensaje que acepta."
    QApplication.processEvents()
    hint = dialog.minimumSizeHint()
    assert hint.width() <= ROOM[0] and hint.height() <= ROOM[1], hint
    choose(dialog.consent_how_combo, "written")
    dialog.consent_event_checks["ready"].click()
    assert dialog.error_text("consent_events") == ""  # ticking one clears its message
    dialog.consent_event_checks["received"].click()
    assert dialog.save() is True
    row = Customer.get_by_id(dialog.customer_id)
    assert (row.consent_how, row.consent_events) == ("written", "received,ready")
    assert row.consent_by == "recepcion" and row.consent_at is not None


def test_an_old_consent_shows_no_registrado_and_saves_unchanged(qtbot, as_role):
    as_role(permissions.ROLE_RECEPTION)
    saved = make_customer()
    Customer.update(
        whatsapp_consent="yes", consent_how="unknown", consent_events=EVERY_KIND, consent_by="x"
    ).where(Customer.id == saved).execute()  # as schema 22 left a consent given before
    dialog = open_dialog(qtbot, saved)
    assert dialog.consent_how_combo.currentText() == "No registrado"
    assert all(box.isChecked() for box in dialog.consent_event_checks.values())
    assert not dialog.is_dirty()
    dialog.email_edit.setText("ana@correo.hn")
    assert dialog.save() is True  # a new e-mail: the old consent stays as it was
    assert Customer.get_by_id(saved).consent_by == "x"
    # the patient now declines «Solicitud recibida»: the new consent says how
    dialog = open_dialog(qtbot, saved)
    dialog.consent_event_checks["received"].click()
    assert dialog.save() is False
    assert dialog.error_text("consent_how") == "Elija cómo dio el paciente su consentimiento."
    choose(dialog.consent_how_combo, "phone")
    assert dialog.save() is True
    row = Customer.get_by_id(saved)
    assert (row.consent_how, row.consent_events) == ("phone", "partial,ready,cancelled")
    assert row.consent_by == "recepcion"
