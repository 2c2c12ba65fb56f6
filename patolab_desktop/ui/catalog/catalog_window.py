"""The "Catálogo" tab: investigations and panels, searchable by code or name, paged."""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP
from PySide6.QtWidgets import QComboBox

from ...i18n import translate
from ...services import catalog
from ...services.paging import DEFAULT_PAGE_SIZE
from ...util.money import format_lempiras
from ..icons import icon
from ..models.paged_table import Column
from ..widgets.forms import RIGHT, reference_column
from ..widgets.list_tab import ListTab
from .investigation_dialog import InvestigationDialog

KINDS = (
    (QT_TRANSLATE_NOOP("catalog.catalog_window", "Todas"), None),
    (QT_TRANSLATE_NOOP("catalog.catalog_window", "Pruebas individuales"), "single"),
    (QT_TRANSLATE_NOOP("catalog.catalog_window", "Perfiles (paneles)"), "panel"),
)


def _code_icon(row: dict):
    if not row.get("active", True):
        return icon("deactivate")
    return icon("panel") if row.get("is_panel") else None


def _code_tip(row: dict) -> str:
    notes = []
    if not row.get("active", True):
        notes.append(translate("catalog.catalog_window", "Inactiva (desactivada)"))
    if row.get("is_panel"):
        notes.append(
            translate(
                "catalog.catalog_window", "Perfil de {member_count} investigaciones: {members}"
            ).format(member_count=row.get("member_count", 0), members=row.get("members", ""))
        )
    return "\n".join(notes)


def catalog_columns() -> list[Column]:
    return [
        reference_column(
            "code",
            translate("catalog.catalog_window", "Código"),
            "code",
            decoration=_code_icon,
            tooltip=_code_tip,
        ),
        reference_column("name", translate("catalog.catalog_window", "Nombre"), "name"),
        reference_column(
            "sample_type", translate("catalog.catalog_window", "Tipo de muestra"), "sample_type"
        ),
        reference_column(
            "price",
            translate("catalog.catalog_window", "Precio"),
            "price",
            format=format_lempiras,
            align=RIGHT,
        ),
        reference_column(
            "members", translate("catalog.catalog_window", "Perfil: incluye"), tooltip=_code_tip
        ),
    ]


COLUMN_SAMPLES = {
    "code": "PERLIP00",
    "name": "Inmunohistoquímica: marcadores de tumor",
    "sample_type": "Tejido en formalina",
    "price": "L 12,345.00",
    "members": "COL, HDL, LDL, TRIG",
}


class CatalogWindow(ListTab):
    noun_one = QT_TRANSLATE_NOOP("nouns", "investigación")
    noun_many = QT_TRANSLATE_NOOP("nouns", "investigaciones")
    feminine = True
    new_icon = "investigation_new"
    create_permission = "catalog.create"
    edit_permission = "catalog.edit"
    deactivate_permission = "catalog.delete"
    service = catalog
    record_dialog = InvestigationDialog
    deactivate_text = QT_TRANSLATE_NOOP(
        "catalog.catalog_window",
        "¿Desactivar {code} — {name}?\n\nDejará de ofrecerse en las solicitudes nuevas; las "
        "solicitudes que ya la tienen no cambian.",
    )
    filter_class = catalog.CatalogFilter

    def __init__(self, parent=None, page_size: int = DEFAULT_PAGE_SIZE):
        super().__init__(
            catalog_columns(),
            translate("catalog.catalog_window", "Buscar por código o nombre…"),
            COLUMN_SAMPLES,
            parent,
            page_size,
        )
        self.setObjectName("catalog_window")
        self.search_box.setObjectName("catalog_search")
        self.view.setObjectName("catalog_table")
        self.kind_combo = QComboBox(self)
        self.kind_combo.setObjectName("kind_filter")
        for text, value in KINDS:
            self.kind_combo.addItem(translate("catalog.catalog_window", text), value)
        self.history_action = self.action(
            translate("catalog.catalog_window", "&Historial de precios"),
            "price_history",
            self.show_price_history,
            ("Ctrl+H",),
            translate(
                "catalog.catalog_window", "Cambios de precio de la investigación seleccionada"
            ),
        )
        self.branches_action = self.action(
            translate("catalog.catalog_window", "&Sucursales…"),
            "branches",
            self.edit_branches,
            (),
            translate("catalog.catalog_window", "Sucursales del laboratorio"),
        )
        self.import_action = self.action(
            translate("catalog.catalog_window", "Im&portar CSV…"),
            "import",
            self.import_csv,
            (),
            translate("catalog.catalog_window", "Importar investigaciones desde un CSV"),
        )
        for action in (self.history_action, self.import_action, self.branches_action):
            self.extra_buttons.append(self.button(action))
        self.add_filter(translate("catalog.catalog_window", "&Mostrar:"), self.kind_combo)
        self.add_inactive_check(translate("catalog.catalog_window", "Incluir &inactivas"))
        self.build_layout(
            translate(
                "catalog.catalog_window",
                "Intro: editar · Ctrl+N: nueva · Supr: desactivar · "
                "Ctrl+H: historial de precios · F5: actualizar",
            )
        )
        self.refresh()

    def default_sort_column(self) -> int:
        return 0  # by code, the service's default

    def filter_values(self) -> dict:
        return {"kind": self.kind_combo.currentData()}

    def update_actions(self) -> None:
        super().update_actions()
        self.history_action.setEnabled(self.selected_row() is not None)
        self.import_action.setEnabled(self.allowed("catalog.edit"))
        self.branches_action.setEnabled(self.allowed("branches.manage"))

    def show_price_history(self) -> None:
        from .price_history import PriceHistoryDialog

        row = self.selected_row()
        if row is None:
            return
        PriceHistoryDialog(row["id"], self).exec()

    def edit_branches(self) -> None:
        from .branches_dialog import BranchesDialog

        BranchesDialog(self).exec()

    def import_csv(self) -> None:
        from .catalog_import import import_catalog

        import_catalog(self)
