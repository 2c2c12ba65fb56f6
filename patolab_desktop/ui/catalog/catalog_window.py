"""The "Catálogo" tab: investigations and panels, searchable by code or name, paged."""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP
from PySide6.QtWidgets import QCheckBox, QComboBox, QLabel

from ...i18n import translate
from ...services import catalog
from ...services.access import session
from ...services.paging import DEFAULT_PAGE_SIZE
from ...util.money import format_lempiras
from ..icons import icon
from ..models.paged_table import Column
from .forms import INACTIVE_COLOR, RIGHT
from .list_tab import ListTab

KINDS = (
    (QT_TRANSLATE_NOOP("catalog.catalog_window", "Todas"), None),
    (QT_TRANSLATE_NOOP("catalog.catalog_window", "Pruebas individuales"), "single"),
    (QT_TRANSLATE_NOOP("catalog.catalog_window", "Perfiles (paneles)"), "panel"),
)


def _inactive(row: dict):
    return None if row.get("active", True) else INACTIVE_COLOR


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
        Column(
            "code",
            translate("catalog.catalog_window", "Código"),
            "code",
            decoration=_code_icon,
            foreground=_inactive,
            tooltip=_code_tip,
        ),
        Column("name", translate("catalog.catalog_window", "Nombre"), "name", foreground=_inactive),
        Column(
            "sample_type",
            translate("catalog.catalog_window", "Tipo de muestra"),
            "sample_type",
            foreground=_inactive,
        ),
        Column(
            "price",
            translate("catalog.catalog_window", "Precio"),
            "price",
            format=format_lempiras,
            align=RIGHT,
            foreground=_inactive,
        ),
        Column(
            "members",
            translate("catalog.catalog_window", "Perfil: incluye"),
            None,
            foreground=_inactive,
            tooltip=_code_tip,
        ),
    ]


COLUMN_SAMPLES = {
    "code": "PERLIP00",
    "name": "Inmunohistoquímica: marcadores de tumor",
    "sample_type": "Tejido en formalina",
    "price": "L 12,345.000",
    "members": "COL, HDL, LDL, TRIG",
}


class CatalogWindow(ListTab):
    noun_one = QT_TRANSLATE_NOOP("nouns", "investigación")
    noun_many = QT_TRANSLATE_NOOP("nouns", "investigaciones")
    feminine = True
    new_icon = "investigation_new"
    action_permissions = {
        "new": "catalog.create",
        "deactivate": "catalog.delete",
        "import": "catalog.edit",
        "branches": "branches.manage",
    }

    def __init__(self, parent=None, page_size: int = DEFAULT_PAGE_SIZE):
        super().__init__(
            catalog_columns(),
            catalog.page,
            catalog.count,
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
        kind_label = QLabel(translate("catalog.catalog_window", "&Mostrar:"), self)
        kind_label.setBuddy(self.kind_combo)
        self.inactive_check = QCheckBox(
            translate("catalog.catalog_window", "Incluir &inactivas"), self
        )
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
        self.filters_row.addWidget(kind_label)
        self.filters_row.addWidget(self.kind_combo)
        self.filters_row.addWidget(self.inactive_check)
        self.kind_combo.currentIndexChanged.connect(lambda _i: self.refresh())
        self.inactive_check.toggled.connect(lambda _c: self.refresh())
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

    def current_filters(self) -> catalog.CatalogFilter:
        return catalog.CatalogFilter(
            search=self.search_text,
            kind=self.kind_combo.currentData(),
            include_inactive=self.inactive_check.isChecked(),
        )

    def has_filters(self) -> bool:
        return self.kind_combo.currentData() is not None

    def show_inactive(self) -> bool:
        return self.inactive_check.isChecked()

    def update_actions(self) -> None:
        super().update_actions()
        self.history_action.setEnabled(self.selected_row() is not None)
        self.branches_action.setEnabled(self.allowed("branches"))
        self.import_action.setEnabled(self.allowed("import") and session.has("imports.run"))

    def open_dialog(self, row_id):
        from .investigation_dialog import InvestigationDialog

        return InvestigationDialog(investigation_id=row_id, parent=self)

    def deactivate_question(self, row: dict) -> str:
        return translate(
            "catalog.catalog_window",
            "¿Desactivar {code} — {name}?\n\nDejará de ofrecerse en las solicitudes nuevas; las "
            "solicitudes que ya la tienen no cambian.",
        ).format(code=row["code"], name=row["name"])

    def do_deactivate(self, row_id: int) -> None:
        catalog.deactivate(row_id)

    def do_reactivate(self, row_id: int) -> None:
        catalog.reactivate(row_id)

    def show_price_history(self) -> None:
        from .price_history import PriceHistoryDialog

        row = self.selected_row()
        if row is None:
            return
        PriceHistoryDialog(row["id"], self).exec()

    def edit_branches(self) -> None:
        from .branches_dialog import open_branches

        open_branches(self)

    def import_csv(self) -> None:
        from .catalog_import import import_catalog

        if self.import_action.isEnabled():
            import_catalog(self)

    def export_filters(self) -> catalog.CatalogFilter:
        return self.current_filters()
