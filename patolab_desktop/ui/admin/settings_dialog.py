"""Archivo → «Configuración del laboratorio…» (administrators, issue 16 E).

Age discounts (thresholds and percents), the default branch, this computer's branch and
punto de emisión (``workstation_fields``: kept on this computer), the lab header (with
every issuer line a factura demands: ``billing.records.check_issuer`` sends here) and the
idle lock. Every rule is ``services.settings.validate_admin``'s; ``save_admin`` stores the
values in one transaction and audits each change. Enter saves, Esc cancels.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ...i18n import translate
from ...services import settings
from ...services.catalog import branches
from ...services.errors import ServiceError, ValidationError
from .. import prompts
from ..widgets.forms import FieldErrors, dialog_buttons, dialog_frame
from ..widgets.searchable_combo import SearchableCombo
from .workstation_fields import WorkstationFields

CONTEXT = "admin.settings_dialog"


class SettingsDialog(QDialog):
    """The lab-wide settings an administrator changes. ``values()`` is the form."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        layout = dialog_frame(
            self,
            translate("admin.settings_dialog", "Configuración del laboratorio"),
            "settings",
            520,
        )
        # each field with its red message under it; messages no field shows are not kept
        self.field_errors = FieldErrors(self, general=False)
        self.fields: dict[str, QWidget] = self.field_errors.inputs
        self.errors: dict[str, QLabel] = self.field_errors.labels

        form = self._group(layout, translate("admin.settings_dialog", "Descuentos por edad"))
        self._line(
            form, "senior_age", translate("admin.settings_dialog", "&Tercera edad desde (años):")
        )
        self._line(
            form,
            "senior_discount",
            translate("admin.settings_dialog", "Descuento de tercera edad (%):"),
        )
        self._line(
            form, "elder_age", translate("admin.settings_dialog", "&Cuarta edad desde (años):")
        )
        self._line(
            form,
            "elder_discount",
            translate("admin.settings_dialog", "Descuento de cuarta edad (%):"),
        )

        form = self._group(layout, translate("admin.settings_dialog", "Recepción"))
        self.branch_combo = SearchableCombo(self)
        self.branch_combo.set_items(
            [(b["id"], f"{b['code']} — {b['name']}") for b in branches.list_active()]
        )
        self._add(
            form,
            "default_branch_id",
            self.branch_combo,
            translate("admin.settings_dialog", "&Sucursal predeterminada:"),
        )
        self._line(
            form,
            "lock_minutes",
            translate("admin.settings_dialog", "&Bloqueo por inactividad (minutos, 0 = nunca):"),
        )

        form = self._group(layout, translate("admin.settings_dialog", "Esta estación"))
        self.station = WorkstationFields(self, form)

        form = self._group(
            layout, translate("admin.settings_dialog", "Encabezado de los documentos")
        )
        self._line(form, "lab_name", translate("admin.settings_dialog", "&Nombre del laboratorio:"))
        self._line(
            form, "lab_legal_name", translate("admin.settings_dialog", "Ra&zón social (factura):")
        )
        self._line(form, "lab_address", translate("admin.settings_dialog", "&Dirección:"))
        self._line(form, "lab_rtn", translate("admin.settings_dialog", "&RTN:"))
        self._line(form, "lab_phone", translate("admin.settings_dialog", "Teléf&ono:"))
        self._line(form, "lab_email", translate("admin.settings_dialog", "Corr&eo:"))

        self.buttons = dialog_buttons(self, translate("admin.settings_dialog", "Guardar"))
        self.save_button = self.buttons.findChild(QPushButton, "save_button")
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.versions = settings.versions(settings.ADMIN_KEYS)  # optimistic lock
        self.load(settings.admin_values())

    # --- construction ---------------------------------------------------------------------
    def _group(self, layout: QVBoxLayout, title: str) -> QFormLayout:
        """A titled box added to ``layout``; returns its form."""
        group = QGroupBox(title, self)
        layout.addWidget(group)
        return self._form(group)

    @staticmethod
    def _form(group: QGroupBox) -> QFormLayout:
        form = QFormLayout(group)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return form

    def _line(self, form: QFormLayout, key: str, label: str) -> QLineEdit:
        edit = QLineEdit(self)
        edit.setMaxLength(250)
        return self._add(form, key, edit, label)

    def _add(self, form: QFormLayout, key: str, widget: QWidget, label: str):
        self.field_errors.add(form, key, label, widget)
        if isinstance(widget, QLineEdit):
            widget.textEdited.connect(lambda *_a, key=key: self.errors[key].hide())
        return widget

    # --- data -----------------------------------------------------------------------------
    def load(self, values: dict) -> None:
        for key, widget in self.fields.items():
            value = values.get(key)
            if key == "default_branch_id":
                self.branch_combo.set_current_data(value)
            else:
                widget.setText("" if value is None else str(value))

    def values(self) -> dict:
        out = {}
        for key, widget in self.fields.items():
            if key == "default_branch_id":
                out[key] = self.branch_combo.currentData()
            else:
                out[key] = widget.text().strip()
        return out

    def save(self) -> bool:
        self.field_errors.clear()
        if not self.station.check():  # before anything is saved
            self.adjustSize()
            return False
        try:
            changed = settings.save_admin(self.values(), self.versions)
            if self.station.save():
                changed.append("workstation")
        except ValidationError as exc:
            self.field_errors.show(exc.fields)  # the focus goes to the first field in error
            self.adjustSize()
            return False
        except ServiceError as exc:
            prompts.error(
                self, translate("admin.settings_dialog", "No se guardó la configuración"), str(exc)
            )
            return False
        self.changed = changed
        self.accept()
        return True


def open_settings(window) -> bool:
    dialog = SettingsDialog(window)
    if not dialog.exec():
        return False
    if "lock_minutes" in getattr(dialog, "changed", []):
        from .screen_lock import ScreenLock

        for lock in window.findChildren(ScreenLock):  # the idle lock follows at once
            lock.set_minutes(settings.get("lock_minutes"))
    return True


def install(window) -> None:
    window.add_action(
        "file",
        translate("admin.settings_dialog", "Con&figuración del laboratorio…"),
        lambda: open_settings(window),
        "settings",
        permission=settings.PERMISSION,
    )
