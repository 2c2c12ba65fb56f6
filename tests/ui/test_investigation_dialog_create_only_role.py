"""A desk whose role may add investigations but not modify them (catalog.create without
catalog.edit): «Guardar» in a new investigation saves it with its tax class in one step
and says nothing false."""

from __future__ import annotations

from patolab_desktop.services import catalog
from tests.ui.role_helpers import as_custom_role


def test_create_only_role_saves_a_new_investigation_with_its_tax_class(
    qtbot, database, fast_hashing, prompt_log
):
    from patolab_desktop.ui.catalog.investigation_dialog import InvestigationDialog

    as_custom_role("Altas de catálogo", {"catalog.view", "catalog.create"}, "altas")
    dialog = InvestigationDialog()
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.code_edit.setText("KIT")
    dialog.name_edit.setText("Kit de toma a domicilio")
    dialog.price_edit.setText("150")
    dialog.tax_combo.setCurrentIndex(dialog.tax_combo.findData("gravado15"))

    assert dialog.save(), dialog.errors.general.text()
    assert dialog.errors.general.text() == ""
    assert prompt_log.calls == []
    saved = catalog.get(dialog.saved_id)
    assert (saved.code, saved.tax_class) == ("KIT", "gravado15")


def test_create_only_role_new_exento_investigation(qtbot, database, fast_hashing, prompt_log):
    """The default class too: it was a second write that this role may not make."""
    from patolab_desktop.ui.catalog.investigation_dialog import InvestigationDialog

    as_custom_role("Altas de catálogo", {"catalog.view", "catalog.create"}, "altas")
    dialog = InvestigationDialog()
    qtbot.addWidget(dialog)
    dialog.code_edit.setText("GLU")
    dialog.name_edit.setText("Glucosa")
    dialog.price_edit.setText("80")
    assert dialog.tax_combo.currentData() == "exento"
    assert dialog.save(), dialog.errors.general.text()
    assert [r["code"] for r in catalog.list_active()] == ["GLU"]
    assert catalog.get(dialog.saved_id).tax_class == "exento"
