"""The catalog tab, the investigation dialog with its panel editor, price history,
branches, the import/export actions and the menus."""

from __future__ import annotations

from decimal import Decimal

import pytest
import shiboken6
from PySide6.QtCore import QModelIndex, Qt

from patolab_desktop.db.models import Branch, Investigation
from patolab_desktop.paths import resource
from patolab_desktop.services import catalog
from patolab_desktop.services.access import permissions
from patolab_desktop.services.catalog import branches
from patolab_desktop.ui import prompts
from patolab_desktop.ui.catalog import area as catalog_area
from patolab_desktop.ui.catalog.branches_dialog import BranchDialog, BranchesDialog
from patolab_desktop.ui.catalog.catalog_window import CatalogWindow
from patolab_desktop.ui.catalog.investigation_dialog import InvestigationDialog
from patolab_desktop.ui.catalog.price_history import PriceHistoryDialog
from tests.ui.list_helpers import Prompts, column, found, list_model_tests, owned

DEMO = resource("data", "demo_investigations.csv")


def codes(window) -> list[str]:
    return column(window, "code")


@pytest.fixture
def demo(database):
    assert catalog.import_catalog(DEMO).ok


@pytest.fixture
def window(qtbot, demo):
    return owned(qtbot, CatalogWindow(), (1100, 500))


# --- the tab ------------------------------------------------------------------------------------


test_model_passes_qtmodeltester, test_data_runs_no_sql = list_model_tests(
    Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.DecorationRole, Qt.ItemDataRole.ToolTipRole
)


def test_rows_by_code_with_prices_and_members(window):
    assert window.count_label.text() == "31 investigaciones"
    assert codes(window)[:3] == ["BILT", "BIOAPE", "BIOMAM"]
    row = window.model.row_of_id(catalog.get_by_code("PERLIP").id)
    assert window.model.data(window.model.index(row, 3)) == "L 420.00"
    assert window.model.data(window.model.index(row, 4)) == "COL, HDL, LDL, TRIG"


def test_search_by_code_or_folded_name(window):
    assert found(window, "acido", "code") == ["URIC"]
    assert found(window, "glu", "code") == ["GLU"]
    assert found(window, "perfil", "code") == ["PERHEP", "PERLIP", "PERREN", "PERTIR"]


def test_kind_filter(window):
    window.kind_combo.setCurrentIndex(window.kind_combo.findData("panel"))
    assert codes(window) == ["PERHEP", "PERLIP", "PERREN", "PERTIR"]
    window.kind_combo.setCurrentIndex(window.kind_combo.findData("single"))
    assert "PERLIP" not in codes(window) and len(codes(window)) == 27


def test_sort_by_price_descending(window):
    window.view.horizontalHeader().setSortIndicator(3, Qt.SortOrder.DescendingOrder)
    prices = [window.model.row_dict(r)["price"] for r in range(window.model.rowCount())]
    assert prices == sorted(prices, reverse=True)


def test_paging(qtbot, demo):
    widget = CatalogWindow(page_size=10)
    qtbot.addWidget(widget)
    assert widget.model.rowCount() == 10
    while widget.model.canFetchMore(QModelIndex()):
        widget.model.fetchMore(QModelIndex())
    assert widget.model.rowCount() == 31 == len(set(codes(widget)))


def test_deactivate_member_of_panel_refused_with_message(monkeypatch, window):
    asked = Prompts(monkeypatch, answer=True)
    window.select_id(catalog.get_by_code("HDL").id)
    assert not window.deactivate_selected()
    assert asked.kinds() == ["confirm", "error"]
    assert "PERLIP" in asked.calls[1][2]
    assert catalog.get_by_code("HDL").active


def test_deactivate_hides_and_reactivate(monkeypatch, window):
    Prompts(monkeypatch, answer=True)
    vdrl = catalog.get_by_code("VDRL").id
    window.select_id(vdrl)
    assert window.deactivate_selected()
    assert "VDRL" not in codes(window)
    window.inactive_check.setChecked(True)
    window.select_id(vdrl)
    assert window.reactivate_selected()
    assert catalog.get(vdrl).active


# --- the investigation dialog ---------------------------------------------------------------


@pytest.fixture
def new_dialog(qtbot, demo):
    return owned(qtbot, InvestigationDialog())


def test_members_editor_models_pass_qtmodeltester(qtmodeltester, new_dialog):
    editor = new_dialog.members_editor
    new_dialog.panel_check.setChecked(True)
    editor.picker.setText("col")
    editor.picker.flush()
    editor.add_result(0)
    editor.add_result(0)
    qtmodeltester.check(editor.results_model)
    qtmodeltester.check(editor.members_model)


def test_inline_errors_for_code_name_price(new_dialog):
    new_dialog.code_edit.setText("glu")  # taken (case-insensitive)
    new_dialog.price_edit.setText("12.3456")
    assert not new_dialog.save()
    assert "GLU" in new_dialog.errors.message("code")
    assert "nombre" in new_dialog.errors.message("name")
    assert "3 decimales" in new_dialog.errors.message("price")
    assert Investigation.select().count() == 31


def test_a_decimal_comma_in_the_price_is_refused_as_administrator(qtbot, demo, as_role):
    as_role(permissions.ROLE_ADMIN)
    dialog = owned(qtbot, InvestigationDialog())
    dialog.code_edit.setText("ZZ1")
    dialog.name_edit.setText("Prueba de coma")
    qtbot.keyClicks(dialog.price_edit, "12,50")
    assert not dialog.save()
    assert "punto decimal" in dialog.errors.message("price")
    assert not Investigation.select().where(Investigation.code == "ZZ1").exists()


def test_code_shown_upper_case_while_typing(qtbot, new_dialog):
    qtbot.keyClicks(new_dialog.code_edit, "perx")
    assert new_dialog.code_edit.text() == "PERX"


def test_create_panel_with_keyboard(qtbot, new_dialog):
    dialog = new_dialog
    dialog.show()
    qtbot.waitExposed(dialog)
    qtbot.keyClicks(dialog.code_edit, "PERMIN")
    dialog.name_edit.setText("Perfil mínimo")
    dialog.price_edit.setText("150.500")
    dialog.panel_check.setChecked(True)
    editor = dialog.members_editor
    for code in ("GLU", "CREA"):
        editor.picker.setFocus()
        qtbot.keyClicks(editor.picker, code.lower())
        qtbot.keyClick(editor.picker, Qt.Key.Key_Return)  # adds; must not save the dialog
        assert dialog.isVisible()
    assert [r["code"] for r in editor.members_model.rows()] == ["GLU", "CREA"]
    assert "L 190.00" in editor.total_label.text()
    editor.members.setCurrentIndex(editor.members_model.index(1, 0))
    editor.move_selected(-1)
    assert [r["code"] for r in editor.members_model.rows()] == ["CREA", "GLU"]
    qtbot.keyClick(dialog.name_edit, Qt.Key.Key_Return)  # Enter saves
    assert dialog.result() == dialog.DialogCode.Accepted
    saved = catalog.get(dialog.saved_id)
    assert saved.code == "PERMIN" and saved.price == Decimal("150.500") and saved.is_panel
    assert [catalog.get(m).code for m in saved.member_ids] == ["CREA", "GLU"]


def test_a_dropped_never_shown_dialog_is_deleted_at_once(qtbot, demo, as_role):
    """Built, never shown and dropped, the dialog is deleted there and then. It lived on
    in a reference cycle until Python's collector deleted it at any later moment, even
    while Qt ran one of its tables' queued column fits: a test process crashed in
    ``fit_columns`` (the collector made to run often reproduced it every time)."""
    as_role(permissions.ROLE_ADMIN)
    dialog = InvestigationDialog(catalog.get_by_code("PERLIP").id)  # both tables reloaded
    table = dialog.members_editor.members
    del dialog
    assert not shiboken6.isValid(table)


def test_panel_cannot_contain_a_panel_that_contains_it(qtbot, demo):
    perlip = catalog.get_by_code("PERLIP").id
    outer = catalog.create(
        catalog.InvestigationData(code="CHEQUEO", name="Chequeo", price="900", member_ids=[perlip])
    )
    dialog = InvestigationDialog(perlip)
    qtbot.addWidget(dialog)
    editor = dialog.members_editor
    editor.picker.setText("CHEQUEO")
    editor.picker.flush()
    assert editor.results_model.row_dict(0)["id"] == outer
    assert not editor.add_result(0)
    assert "ciclo" in editor.error_label.text() and not editor.error_label.isHidden()
    assert outer not in editor.member_ids()
    # the panel itself is never offered
    editor.picker.setText("PERLIP")
    editor.picker.flush()
    assert perlip not in [r["id"] for r in editor.results_model.rows()]


def test_removing_members_with_delete_key(qtbot, demo):
    dialog = InvestigationDialog(catalog.get_by_code("PERREN").id)
    qtbot.addWidget(dialog)
    editor = dialog.members_editor
    editor.members.setCurrentIndex(editor.members_model.index(0, 0))
    qtbot.keyClick(editor.members, Qt.Key.Key_Delete)
    assert [r["code"] for r in editor.members_model.rows()] == ["BUN", "URIC"]
    assert dialog.save()
    assert [catalog.get(m).code for m in catalog.panel_members(dialog.saved_id)] == ["BUN", "URIC"]


def test_price_change_recorded_and_history_shown(qtbot, monkeypatch, demo):
    glu = catalog.get_by_code("GLU").id
    dialog = InvestigationDialog(glu, changed_by="Ana Admin")
    qtbot.addWidget(dialog)
    dialog.price_edit.setText("85.250")
    assert dialog.save()
    history = PriceHistoryDialog(glu)
    qtbot.addWidget(history)
    model = history.model
    assert model.rowCount() == 2
    assert [model.data(model.index(0, c)) for c in (1, 2, 4)] == [
        "L 80.00",
        "L 85.25",
        "Ana Admin",
    ]
    assert "+L 5.25" in model.data(model.index(0, 3))
    assert model.data(model.index(1, 3)) == "precio inicial"


def test_price_history_model_passes_qtmodeltester(qtmodeltester, qtbot, demo):
    glu = catalog.get_by_code("GLU").id
    catalog.set_price(glu, "90")
    dialog = PriceHistoryDialog(glu)
    qtbot.addWidget(dialog)
    qtmodeltester.check(dialog.model)


# --- branches -----------------------------------------------------------------------------------


@pytest.fixture
def branches_dialog(qtbot, database):
    branches.create(branches.BranchData(name="Tegucigalpa", code="TGU"))
    return owned(qtbot, BranchesDialog())


def test_branches_model_passes_qtmodeltester(qtmodeltester, branches_dialog):
    qtmodeltester.check(branches_dialog.model)


def test_make_default_and_default_cannot_be_deactivated(branches_dialog):
    tgu = Branch.get(Branch.code == "TGU").id
    branches_dialog.select_id(tgu)
    assert branches_dialog.default_button.isEnabled()
    assert branches_dialog.make_default()
    assert branches.default_branch_id() == tgu
    branches_dialog.select_id(tgu)
    assert not branches_dialog.toggle_button.isEnabled()
    assert not branches_dialog.default_button.isEnabled()
    row = branches_dialog.model.row_of_id(tgu)
    assert branches_dialog.model.data(branches_dialog.model.index(row, 3)) == "Sí"


def test_deactivate_other_branch(monkeypatch, branches_dialog):
    Prompts(monkeypatch, answer=True)
    lab = Branch.get(Branch.code == "LAB").id
    branches.set_default(Branch.get(Branch.code == "TGU").id)
    branches_dialog.reload()
    branches_dialog.select_id(lab)
    assert branches_dialog.toggle_selected()
    assert not branches.get(lab).active


def test_branch_dialog_inline_errors_and_save(qtbot, database):
    dialog = BranchDialog()
    qtbot.addWidget(dialog)
    dialog.name_edit.setText("Choloma")
    dialog.code_edit.setText("C")
    assert not dialog.save()
    assert "2 a 10" in dialog.errors.message("code")
    dialog.code_edit.setText("lab")  # the seeded branch has it
    assert not dialog.save() and "LAB" in dialog.errors.message("code")
    dialog.code_edit.setText("cho")
    dialog.phone_edit.setText("2669-0000")
    assert dialog.save()
    saved = branches.get(dialog.saved_id)
    assert (saved.code, saved.phone) == ("CHO", "+50426690000")


# --- import, export, menus --------------------------------------------------------------------


def test_import_action_reports_rejected_rows_and_writes_nothing(
    monkeypatch, qtbot, database, tmp_path
):
    bad = tmp_path / "malo.csv"
    bad.write_text(
        "code,name,sample_type,price,panel_members\nA,Uno,Suero,-1,\nB,Dos,Suero,10,ZZZ\n",
        encoding="utf-8",
    )
    asked = Prompts(monkeypatch)
    monkeypatch.setattr(prompts, "open_file", lambda *_a: str(bad))
    widget = CatalogWindow()
    qtbot.addWidget(widget)
    assert not catalog_area.import_catalog(widget)
    assert asked.kinds() == ["error"]
    assert "línea 2 (A)" in asked.calls[0][2] and "línea 3 (B)" in asked.calls[0][2]
    assert Investigation.select().count() == 0


def test_import_action_checks_then_imports_after_confirmation(monkeypatch, qtbot, database):
    asked = Prompts(monkeypatch, answer=True)
    monkeypatch.setattr(prompts, "open_file", lambda *_a: str(DEMO))
    widget = CatalogWindow()
    qtbot.addWidget(widget)
    assert catalog_area.import_catalog(widget)
    assert asked.kinds() == ["confirm", "info"]
    assert "31 nuevas" in asked.calls[0][2]
    assert Investigation.select().count() == 31
    assert widget.model.rowCount() == 31  # the tab reloaded


def test_main_window_menus_and_exports(monkeypatch, qtbot, demo, tmp_path):
    from patolab_desktop.ui.main_window import MainWindow

    window = MainWindow()
    qtbot.addWidget(window)

    def texts(key):
        return [a.text().split("\t")[0].replace("&", "") for a in window.menu(key).actions()]

    def find(key, text):
        return next(a for a in window.menu(key).actions() if text in a.text().replace("&", ""))

    assert {"Médicos remitentes", "Nuevo remitente…", "Tipos de remitente…"} <= set(
        texts("referrers")
    )
    assert {
        "Investigaciones",
        "Nueva investigación…",
        "Sucursales…",
        "Importar catálogo (CSV)…",
    } <= set(texts("catalog"))
    assert {"Remitentes (CSV)…", "Catálogo (CSV)…"} <= set(texts("export"))
    asked = Prompts(monkeypatch)
    out = tmp_path / "catalogo"
    monkeypatch.setattr(prompts, "save_file", lambda *_a: str(out))
    find("export", "Catálogo (CSV)").trigger()
    assert (tmp_path / "catalogo.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    assert asked.calls[-1][0] == "info" and "31 investigaciones" in asked.calls[-1][2]
    out = tmp_path / "remitentes.csv"
    monkeypatch.setattr(prompts, "save_file", lambda *_a: str(out))
    find("export", "Remitentes (CSV)").trigger()
    assert out.read_text(encoding="utf-8-sig").startswith("Nombre,Tipo,Institución")
    find("catalog", "Investigaciones").trigger()
    assert window.tabs.currentWidget() is window.tab("catalog")
