"""«Esta estación» in Archivo → Configuración del laboratorio: the branch and punto de
emisión THIS computer issues from in the open database (``services.workstation``; kept in
this computer's settings, not in the database). Empty = the lab's. Only for who may
manage the CAI authorisations (``workstation.PERMISSION``)."""

from __future__ import annotations

from PySide6.QtWidgets import QFormLayout, QLabel, QLineEdit, QWidget

from ...i18n import translate
from ...services import workstation
from ...services.access import session
from ...services.catalog import branches
from ...services.errors import ServiceError, ValidationError
from ..widgets.forms import FieldErrors
from ..widgets.searchable_combo import SearchableCombo


class WorkstationFields:
    """The two fields, their red messages and their save; ``form`` is the group's."""

    def __init__(self, owner: QWidget, form: QFormLayout):
        self.errors = FieldErrors(owner, general=False)
        note = QLabel(
            translate(
                "admin.settings_dialog",
                "Solo esta computadora, en esta base de datos: sus facturas toman los números "
                "del CAI de esta sucursal y punto, y su caja es de esta sucursal. Vacío = la "
                "sucursal predeterminada y el punto del laboratorio.",
            ),
            owner,
        )
        note.setWordWrap(True)
        form.addRow(note)
        self.branch_combo = SearchableCombo(owner)
        self.branch_combo.set_items(
            [(b["id"], f"{b['code']} — {b['name']}") for b in branches.list_active()],
            translate("admin.settings_dialog", "La predeterminada del laboratorio"),
        )
        self.errors.add(
            form,
            "branch_id",
            translate("admin.settings_dialog", "Sucursal de esta &estación:"),
            self.branch_combo,
        )
        self.point_edit = QLineEdit(owner)
        self.point_edit.setMaxLength(3)
        self.errors.add(
            form,
            "point",
            translate("admin.settings_dialog", "&Punto de emisión de esta estación:"),
            self.point_edit,
        )
        current = workstation.here()
        self.point_edit.setPlaceholderText(current.point if not current.point_here else "")
        self.branch_combo.set_current_data(current.branch_id if current.branch_here else None)
        self.point_edit.setText(current.point if current.point_here else "")
        self.loaded = self.values()  # saving the lab's settings alone changes nothing here
        try:  # a branch deactivated since: said, not silently shown as the lab's
            workstation.issuing()
        except ServiceError as exc:
            self.errors.show({"branch_id": str(exc)})
        self.allowed = session.has(workstation.PERMISSION)
        for widget in (self.branch_combo, self.point_edit):
            widget.setEnabled(self.allowed)

    def values(self) -> tuple[int | None, str]:
        return self.branch_combo.currentData(), self.point_edit.text().strip()

    def check(self) -> bool:
        """Show what ``workstation.validate`` refuses; True when nothing (or nothing to save)."""
        self.errors.clear()
        found = workstation.validate(*self.values()) if self.allowed else {}
        self.errors.show(found)
        return not found

    def save(self) -> bool:
        """Keep the values on this computer when they changed; True when they did."""
        if not self.allowed or self.values() == self.loaded:
            return False
        try:
            workstation.set_here(*self.values())
        except ValidationError as exc:
            self.errors.show(exc.fields)
            raise
        self.loaded = self.values()
        return True
