"""The "Remitentes" tab: doctors and institutions, searchable, filterable by type, paged."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QT_TRANSLATE_NOOP
from PySide6.QtWidgets import QCheckBox, QComboBox, QLabel

from ...i18n import translate
from ...services.catalog import referrer_types, referrers
from ...services.paging import DEFAULT_PAGE_SIZE
from ..catalog.forms import INACTIVE_COLOR
from ..catalog.list_tab import ListTab
from ..icons import icon
from ..models.paged_table import Column


def _date(value) -> str:
    return value.strftime("%d/%m/%Y") if isinstance(value, (dt.date, dt.datetime)) else ""


def _inactive(row: dict):
    return None if row.get("active", True) else INACTIVE_COLOR


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
        Column(
            "name",
            translate("referrers.referrers_window", "Nombre"),
            "name",
            decoration=_name_icon,
            foreground=_inactive,
            tooltip=_name_tip,
        ),
        Column(
            "type", translate("referrers.referrers_window", "Tipo"), "type", foreground=_inactive
        ),
        Column(
            "institution",
            translate("referrers.referrers_window", "Institución"),
            "institution",
            foreground=_inactive,
        ),
        Column(
            "phone",
            translate("referrers.referrers_window", "Teléfono"),
            "phone",
            foreground=_inactive,
        ),
        Column(
            "email",
            translate("referrers.referrers_window", "Correo"),
            "email",
            foreground=_inactive,
        ),
        Column(
            "created_at",
            translate("referrers.referrers_window", "Registrado"),
            "created_at",
            format=_date,
            foreground=_inactive,
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
    action_permissions = {"new": "referrers.create", "deactivate": "referrers.delete"}

    def __init__(self, parent=None, page_size: int = DEFAULT_PAGE_SIZE):
        super().__init__(
            referrer_columns(),
            referrers.page,
            referrers.count,
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
        type_label = QLabel(translate("referrers.referrers_window", "&Tipo:"), self)
        type_label.setBuddy(self.type_combo)
        self.inactive_check = QCheckBox(
            translate("referrers.referrers_window", "Mostrar &inactivos"), self
        )
        self.types_action = self.action(
            translate("referrers.referrers_window", "Tipos de remitente…"),
            "referrer_types",
            self.edit_types,
            (),
            translate("referrers.referrers_window", "Crear, renombrar o eliminar tipos"),
        )
        self.extra_buttons.append(self.button(self.types_action))
        self.filters_row.addWidget(type_label)
        self.filters_row.addWidget(self.type_combo)
        self.filters_row.addWidget(self.inactive_check)
        self.fill_types()
        self.type_combo.currentIndexChanged.connect(lambda _i: self.refresh())
        self.inactive_check.toggled.connect(lambda _c: self.refresh())
        self.build_layout(
            translate(
                "referrers.referrers_window",
                "Intro: editar · Ctrl+N: nuevo · Supr: desactivar · F5: actualizar",
            )
        )
        self.refresh()

    def fill_types(self) -> None:
        """(Re)fill the type filter keeping the chosen type."""
        chosen = self.type_combo.currentData()
        self.type_combo.blockSignals(True)
        self.type_combo.clear()
        self.type_combo.addItem(translate("referrers.referrers_window", "Todos los tipos"), None)
        for row in referrer_types.list_all():
            self.type_combo.addItem(row["name"], row["id"])
        index = self.type_combo.findData(chosen)
        self.type_combo.setCurrentIndex(max(index, 0))
        self.type_combo.blockSignals(False)

    def current_filters(self) -> referrers.ReferrerFilter:
        return referrers.ReferrerFilter(
            search=self.search_text,
            type_id=self.type_combo.currentData(),
            include_inactive=self.inactive_check.isChecked(),
        )

    def has_filters(self) -> bool:
        return self.type_combo.currentData() is not None

    def show_inactive(self) -> bool:
        return self.inactive_check.isChecked()

    def open_dialog(self, row_id):
        from .referrer_dialog import ReferrerDialog

        return ReferrerDialog(referrer_id=row_id, parent=self)

    def deactivate_question(self, row: dict) -> str:
        return translate(
            "referrers.referrers_window",
            "¿Desactivar a «{name}»?\n\nDejará de aparecer al elegir el remitente de una "
            "solicitud, pero las solicitudes que ya lo tienen lo conservan. Se puede reactivar "
            "cuando haga falta.",
        ).format(name=row["name"])

    def do_deactivate(self, row_id: int) -> None:
        referrers.deactivate(row_id)

    def do_reactivate(self, row_id: int) -> None:
        referrers.reactivate(row_id)

    def edit_types(self) -> None:
        from .types_dialog import ReferrerTypesDialog

        dialog = ReferrerTypesDialog(self)
        dialog.exec()
        self.fill_types()
        self.reload()

    def export_filters(self) -> referrers.ReferrerFilter:
        return self.current_filters()
