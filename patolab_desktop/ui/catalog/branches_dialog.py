"""Branches (lab locations): list, create, edit, deactivate, choose the default one."""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP
from PySide6.QtWidgets import QVBoxLayout

from ...i18n import translate
from ...services import reference
from ...services.catalog import branches
from .. import prompts
from ..icons import icon
from ..models.paged_table import Column
from ..models.row_table import RowsTableModel
from ..widgets.forms import CENTER, hint_label, make_form, reference_column, status_column
from ..widgets.list_dialog import ListDialog
from ..widgets.record_dialog import RecordDialog
from ..widgets.searchable_combo import SearchableCombo


def _default_icon(row: dict):
    return icon("default") if row.get("is_default") else None


def branch_columns() -> list[Column]:
    return [
        reference_column(
            "code",
            translate("catalog.branches_dialog", "Código"),
            decoration=_default_icon,
            tooltip=lambda r: (
                translate("catalog.branches_dialog", "Sucursal predeterminada")
                if r.get("is_default")
                else ""
            ),
        ),
        reference_column("name", translate("catalog.branches_dialog", "Nombre")),
        reference_column("phone", translate("catalog.branches_dialog", "Teléfono")),
        reference_column(
            "is_default",
            translate("catalog.branches_dialog", "Predeterminada"),
            align=CENTER,
            format=lambda v: translate("catalog.branches_dialog", "Sí") if v else "",
        ),
        status_column(feminine=True),
        reference_column("address", translate("catalog.branches_dialog", "Dirección")),
    ]


def open_requests_notice(branch_id: int) -> str:
    """What deactivating the branch means for its unfinished requests ("" when none): they
    are not refused (``branches.open_request_count``), but the person should know them."""
    count = branches.open_request_count(branch_id)
    if not count:
        return ""
    if count == 1:
        return translate(
            "catalog.branches_dialog",
            "Tiene 1 solicitud sin terminar: conserva la sucursal, se puede terminar y "
            "cobrar, y la lista de solicitudes la sigue mostrando con el filtro Sucursal.",
        )
    return translate(
        "catalog.branches_dialog",
        "Tiene {count} solicitudes sin terminar: conservan la sucursal, se pueden terminar "
        "y cobrar, y la lista de solicitudes las sigue mostrando con el filtro Sucursal.",
    ).format(count=f"{count:,}")


class BranchDialog(RecordDialog):
    """Create (``branch_id=None``) or edit one branch; ``saved_id`` after Accepted."""

    new_icon = "branch_new"
    service = branches
    data_class = branches.BranchData
    new_title = QT_TRANSLATE_NOOP("catalog.branches_dialog", "Nueva sucursal")
    edit_title = QT_TRANSLATE_NOOP("catalog.branches_dialog", "Editar sucursal")
    min_width = 460

    def build(self) -> None:
        form = make_form()
        self.name_edit = self.line_edit(
            form,
            "name",
            translate("catalog.branches_dialog", "&Nombre:"),
            translate("catalog.branches_dialog", "San Pedro Sula"),
            branches.NAME_MAX,
        )
        self.code_edit = self.line_edit(
            form,
            "code",
            translate("catalog.branches_dialog", "&Código:"),
            translate("catalog.branches_dialog", "SPS"),
            10,
            translate(
                "catalog.branches_dialog",
                "De 2 a 10 letras o números; encabeza los números de solicitud (SPS-2026-000123).",
            ),
        )
        self.code_edit.setMaximumWidth(140)
        self.phone_edit = self.line_edit(
            form, "phone", translate("catalog.branches_dialog", "&Teléfono:"), "2552-4410"
        )
        self.address_edit = self.text_edit(
            form, "address", translate("catalog.branches_dialog", "&Dirección:"), 56
        )
        self._add_place(form)
        self.active_check = self.check_box(
            form, "active", translate("catalog.branches_dialog", "&Activa")
        )
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(
            hint_label(
                translate(
                    "catalog.branches_dialog",
                    "El código aparece en los números de solicitud (p. ej. SPS-2026-000123).",
                ),
                self,
            )
        )
        self.finish_layout(layout)

    def load(self, data: branches.BranchData) -> None:
        super().load(data)
        self._reload_municipalities(data.municipality_id)
        self.phone_edit.setText(branches.format_phone(data.phone))
        self.active_check.setVisible(data.id is not None)
        self.active_check.setEnabled(not data.is_default)
        self.active_check.setToolTip(
            translate(
                "catalog.branches_dialog", "La sucursal predeterminada no se puede desactivar."
            )
            if data.is_default
            else ""
        )

    def confirm_save(self, data: branches.BranchData) -> bool:
        """Unchecking «Activa» on a branch with unfinished requests asks first, as the
        list's Desactivar does."""
        if data.id is None or not self.record.active or data.active:
            return True
        notice = open_requests_notice(data.id)
        return not notice or prompts.confirm(
            self,
            translate("catalog.branches_dialog", "Desactivar sucursal"),
            translate("catalog.branches_dialog", "¿Desactivar la sucursal «{name}»?").format(
                name=data.name
            )
            + "\n\n"
            + notice,
        )

    def _add_place(self, form) -> None:
        """Department and municipality of the branch: new patients registered here get
        them by default (issue 16 C)."""
        self.department_combo = SearchableCombo(self)
        self.department_combo.set_items(
            reference.departments(), translate("catalog.branches_dialog", "— Sin indicar —")
        )
        self.errors.add(
            form,
            "department_id",
            translate("catalog.branches_dialog", "Departa&mento:"),
            self.department_combo,
        )
        self.municipality_combo = SearchableCombo(self)
        self.errors.add(
            form,
            "municipality_id",
            translate("catalog.branches_dialog", "M&unicipio:"),
            self.municipality_combo,
            translate(
                "catalog.branches_dialog",
                "Los pacientes registrados en esta sucursal lo reciben de forma predeterminada.",
            ),
        )
        self._reload_municipalities()
        self.department_combo.currentIndexChanged.connect(
            lambda *_: self._reload_municipalities(self.municipality_combo.currentData())
        )

    def _reload_municipalities(self, current=None) -> None:
        department = self.department_combo.currentData()
        self.municipality_combo.set_items(
            reference.municipalities(department) if department else [],
            translate("catalog.branches_dialog", "— Sin indicar —"),
            current,
        )


class BranchesDialog(ListDialog):
    noun_one = QT_TRANSLATE_NOOP("nouns", "sucursal")
    noun_many = QT_TRANSLATE_NOOP("nouns", "sucursales")
    feminine = True
    new_icon = "branch_new"
    service = branches
    record_dialog = BranchDialog
    deactivate_text = QT_TRANSLATE_NOOP(
        "catalog.branches_dialog", "¿Desactivar la sucursal «{name}»? Sus solicitudes se conservan."
    )
    create_permission = edit_permission = deactivate_permission = "branches.manage"

    def __init__(self, parent=None):
        title = translate("catalog.branches_dialog", "Sucursales")
        super().__init__(RowsTableModel(branch_columns()), parent, title, "branches", (980, 380))
        self.view.setObjectName("branches_table")
        for number, width in enumerate((90, 150, 125, 120, 80)):
            self.view.horizontalHeader().resizeSection(number, width)
        self.default_button = self.push_button(
            "default", translate("catalog.branches_dialog", "&Predeterminada"), self.make_default
        )
        buttons = self.record_buttons()
        buttons.insert(2, self.default_button)
        self.build_layout(
            buttons,
            translate(
                "catalog.branches_dialog",
                "★ La sucursal predeterminada se usa en las solicitudes nuevas y no se "
                "puede desactivar. Intro: editar · Ctrl+N: nueva.",
            ),
        )
        self.reload()
        if self.model.rowCount():
            self.select_id(self.model.row_id(0))
        self.view.setFocus()

    def rows(self) -> list[dict]:
        return branches.list_all()

    def can_deactivate(self, row: dict | None) -> bool:
        return super().can_deactivate(row) and not row["is_default"]

    def deactivate_question(self, row: dict) -> str:
        notice = open_requests_notice(row["id"])
        question = super().deactivate_question(row)
        return f"{question}\n\n{notice}" if notice else question

    def update_actions(self) -> None:
        super().update_actions()
        row = self.selected_row()
        self.default_button.setEnabled(bool(row and row["active"] and not row["is_default"]))

    def make_default(self) -> bool:
        row = self.selected_row()
        failed = translate("catalog.branches_dialog", "No se pudo cambiar")
        return row is not None and self.change_row(
            row, lambda: branches.set_default(row["id"]), failed
        )


def open_branches(parent) -> bool:
    """The branches list; a role without ``branches.manage`` gets a message, not the crash
    dialog (issue 16)."""
    from ...services.errors import ServiceError

    try:
        dialog = BranchesDialog(parent)
    except ServiceError as exc:  # PermissionDenied: the list needs branches.manage
        prompts.error(parent, translate("catalog.branches_dialog", "Sucursales"), str(exc))
        return False
    dialog.exec()
    return True
