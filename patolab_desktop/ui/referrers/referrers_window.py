"""The "Remitentes" tab: doctors and institutions, searchable, filterable by type, paged."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QT_TRANSLATE_NOOP
from PySide6.QtWidgets import QComboBox

from ...i18n import translate
from ...services.catalog import referrer_types, referrers
from ...services.paging import DEFAULT_PAGE_SIZE
from ..icons import icon
from ..models.paged_table import Column
from ..widgets.forms import reference_column
from ..widgets.list_tab import ListTab
from ..widgets.searchable_combo import refill_combo
from .referrer_dialog import ReferrerDialog


def _date(value) -> str:
    return value.strftime("%d/%m/%Y") if isinstance(value, (dt.date, dt.datetime)) else ""


def _name_icon(row: dict):
    return None if row.get("active", True) else icon("deactivate")


def _name_tip(row: dict) -> str:
    return (
        ""
        if row.get("active", True)
        else translate("referrers.referrers_window", "Inactivo (desactivado)")
    )


def referrer_columns() -> list[Column]:
    return [
        reference_column(
            "name",
            translate("referrers.referrers_window", "Nombre"),
            "name",
            decoration=_name_icon,
            tooltip=_name_tip,
        ),
        reference_column("type", translate("referrers.referrers_window", "Tipo"), "type"),
        reference_column(
            "institution", translate("referrers.referrers_window", "Institución"), "institution"
        ),
        reference_column("phone", translate("referrers.referrers_window", "Teléfono"), "phone"),
        reference_column("email", translate("referrers.referrers_window", "Correo"), "email"),
        reference_column(
            "created_at",
            translate("referrers.referrers_window", "Registrado"),
            "created_at",
            format=_date,
        ),
    ]


COLUMN_SAMPLES = {
    "name": "Dra. Alejandra Maradiaga Castillo",
    "type": "Clínica Privada",
    "institution": "Ginecología y Obstetricia",
    "phone": "+504 9988-7766",
    "email": "alejandra.maradiaga@correo.hn",
    "created_at": "00/00/0000",
}


class ReferrersWindow(ListTab):
    noun_one = QT_TRANSLATE_NOOP("nouns", "remitente")
    noun_many = QT_TRANSLATE_NOOP("nouns", "remitentes")
    new_icon = "referrer_new"
    create_permission = "referrers.create"
    edit_permission = "referrers.edit"
    deactivate_permission = "referrers.delete"
    service = referrers
    record_dialog = ReferrerDialog
    deactivate_text = QT_TRANSLATE_NOOP(
        "referrers.referrers_window",
        "¿Desactivar a «{name}»?\n\nDejará de aparecer al elegir el remitente de una "
        "solicitud, pero las solicitudes que ya lo tienen lo conservan. Se puede reactivar "
        "cuando haga falta.",
    )
    filter_class = referrers.ReferrerFilter

    def __init__(self, parent=None, page_size: int = DEFAULT_PAGE_SIZE):
        super().__init__(
            referrer_columns(),
            translate(
                "referrers.referrers_window", "Buscar por nombre, institución, teléfono o correo…"
            ),
            COLUMN_SAMPLES,
            parent,
            page_size,
        )
        self.setObjectName("referrers_window")
        self.search_box.setObjectName("referrer_search")
        self.view.setObjectName("referrer_table")
        self.type_combo = QComboBox(self)
        self.type_combo.setObjectName("referrer_type_filter")
        self.type_combo.setMinimumWidth(180)
        self.types_action = self.action(
            translate("referrers.referrers_window", "Tipos de remitente…"),
            "referrer_types",
            self.edit_types,
            (),
            translate("referrers.referrers_window", "Crear, renombrar o eliminar tipos"),
        )
        self.extra_buttons.append(self.button(self.types_action))
        self.fill_types()
        self.add_filter(translate("referrers.referrers_window", "&Tipo:"), self.type_combo)
        self.add_inactive_check(translate("referrers.referrers_window", "Mostrar &inactivos"))
        self.build_layout(
            translate(
                "referrers.referrers_window",
                "Intro: editar · Ctrl+N: nuevo · Supr: desactivar · F5: actualizar",
            )
        )
        self.refresh()

    def fill_types(self) -> None:
        """(Re)fill the type filter keeping the chosen type."""
        refill_combo(
            self.type_combo,
            [(row["id"], row["name"]) for row in referrer_types.list_all()],
            translate("referrers.referrers_window", "Todos los tipos"),
            self.type_combo.currentData(),
        )

    def filter_values(self) -> dict:
        return {"type_id": self.type_combo.currentData()}

    def update_actions(self) -> None:
        super().update_actions()
        self.types_action.setEnabled(self.allowed("referrers.edit"))

    def edit_types(self) -> None:
        from .types_dialog import ReferrerTypesDialog

        dialog = ReferrerTypesDialog(self)
        dialog.exec()
        self.fill_types()
        self.reload()
