"""The customer dialog's fields hold what the customers service stores: a field shorter
than the service's limit cut a stored value when the record was opened and saved again
(a 450-character address became 300 when a receptionist only changed the phone)."""

from __future__ import annotations

from PySide6.QtWidgets import QLineEdit

from patolab_desktop.services import customers
from patolab_desktop.services.access import permissions, session

from .test_customer_dialog import open_dialog
from .test_customers_window import department_id, gender_id, municipality_id, type_text

LONG_ADDRESS = (
    "Colonia Kennedy, zona 3, bloque 14, casa 2215, frente a la pulpería «Doña Peña», "
    "a dos cuadras del centro de salud, portón negro con rejas verdes; "
) * 5


def test_every_field_holds_what_the_service_stores(qtbot, as_role):
    as_role(permissions.ROLE_RECEPTION)
    dialog = open_dialog(qtbot)
    checked = []
    for key, limit in customers.MAX_LENGTHS.items():
        edit = getattr(dialog, f"{key}_edit", None)
        if isinstance(edit, QLineEdit):
            assert edit.maxLength() == limit, key
            checked.append(key)
    assert {"name", "first_name", "last_name", "email", "address", "address2"} <= set(checked)


def test_a_receptionist_changing_the_phone_keeps_a_long_address(qtbot, as_role, prompt_log):
    address = LONG_ADDRESS[:450].strip()
    with session.acting_as(session.system_actor("import")):  # e.g. from a patient file
        customer_id = customers.create(
            customers.CustomerData(
                type="cliente",
                first_name="Ana",
                last_name="Zúniga",
                age=40,
                gender_id=gender_id("Mujer"),
                phone="9999-9999",
                department_id=department_id("Cortés"),
                municipality_id=municipality_id("Cortés"),
                address=address,
            )
        )
    as_role(permissions.ROLE_RECEPTION)
    dialog = open_dialog(qtbot, customer_id)
    dialog.phone_edit.clear()
    type_text(qtbot, dialog.phone_edit, "3344-5566")
    assert dialog.save() is True, prompt_log.calls

    saved = customers.get(customer_id)
    assert saved.phone == "+50433445566"
    assert saved.address == address
