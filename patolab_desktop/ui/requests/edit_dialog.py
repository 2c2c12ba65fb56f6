"""«Editar datos…» of a saved request (seed 004: a request is updated, never deleted): the
referring doctor, priority, origin, clinical information and notes; the number, the
patient and the investigations change elsewhere (a new request, «Agregar / Quitar
investigación»). The service checks everything and refuses a change another desk made
meanwhile (the version shown)."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QDialog, QGridLayout, QLabel, QPlainTextEdit

from ...i18n import translate
from ...services import requests as requests_service
from ...services.errors import ConflictError, ServiceError, ValidationError
from .. import prompts
from ..widgets.forms import add_labelled, dialog_frame, error_and_buttons, tab_chain
from .common import acting_user, field, fill_combo, select_data, show_error, value_label
from .entry_texts import doctor_lookup


class RequestEditDialog(QDialog):
    """``RequestEditDialog(detail)``, ``detail`` as ``requests.get`` gives it; Accepted
    once saved (``saved``)."""

    def __init__(self, detail, parent=None, by: str = ""):
        super().__init__(parent)
        self.detail = detail
        self.saved = False
        self._by = by
        self._doctor_id = field(detail, "doctor_id")
        layout = dialog_frame(
            self, translate("requests.edit_dialog", "Editar datos de la solicitud"), "edit", 560
        )
        layout.addWidget(
            QLabel(
                translate("requests.edit_dialog", "Solicitud <b>{number}</b> · {patient}").format(
                    number=field(detail, "request_number", ""),
                    patient=field(detail, "patient_name", ""),
                )
            )
        )
        grid = QGridLayout()
        self.doctor_edit = doctor_lookup(
            translate("requests.edit_dialog", "Médico o institución que remite")
        )
        self.doctor_edit.setText(field(detail, "doctor_name", ""))
        self.doctor_edit.chosen.connect(self._doctor_chosen)
        self.doctor_edit.textEdited.connect(self._doctor_edited)
        self.doctor_info = value_label()
        self.priority_combo = QComboBox()
        fill_combo(self.priority_combo, requests_service.PRIORITY_LABELS, "priority_")
        select_data(self.priority_combo, field(detail, "priority"))
        self.source_combo = QComboBox()
        fill_combo(self.source_combo, requests_service.SOURCE_LABELS)
        select_data(self.source_combo, field(detail, "source"))
        self.clinical_edit = QPlainTextEdit(field(detail, "clinical_info", "") or "")
        self.notes_edit = QPlainTextEdit(field(detail, "notes", "") or "")
        for edit in (self.clinical_edit, self.notes_edit):
            edit.setTabChangesFocus(True)
            edit.setFixedHeight(edit.fontMetrics().lineSpacing() * 3 + 12)
        rows = (
            (translate("requests.edit_dialog", "&Médico *"), self.doctor_edit),
            ("", self.doctor_info),
            (translate("requests.edit_dialog", "Priori&dad"), self.priority_combo),
            (translate("requests.edit_dialog", "&Origen"), self.source_combo),
            (translate("requests.edit_dialog", "&Información clínica"), self.clinical_edit),
            (translate("requests.edit_dialog", "&Notas"), self.notes_edit),
        )
        for row, (caption, widget) in enumerate(rows):
            add_labelled(grid, caption, widget, row, 0)
        layout.addLayout(grid)
        self.error, self.buttons, self.save_button, self.close_button = error_and_buttons(
            layout,
            translate("requests.edit_dialog", "&Guardar"),
            "save",
            translate("requests.edit_dialog", "Cancelar"),
            self,
        )
        tab_chain(
            self.doctor_edit,
            self.priority_combo,
            self.source_combo,
            self.clinical_edit,
            self.notes_edit,
            self.save_button,
        )

    def _doctor_chosen(self, row: dict) -> None:
        self._doctor_id = row.get("id")
        self.doctor_info.setText(row.get("institution") or "")

    def _doctor_edited(self, _text: str) -> None:
        self._doctor_id = None  # typed over: a doctor is one chosen from the list
        self.doctor_info.setText("")

    def changes(self) -> requests_service.RequestChanges:
        """What differs from the request shown (None: unchanged)."""

        def changed(key: str, value):
            return value if value != (field(self.detail, key) or type(value)()) else None

        return requests_service.RequestChanges(
            doctor_id=(
                self._doctor_id if self._doctor_id != field(self.detail, "doctor_id") else None
            ),
            priority=changed("priority", self.priority_combo.currentData()),
            source=changed("source", self.source_combo.currentData()),
            clinical_info=changed("clinical_info", self.clinical_edit.toPlainText().strip()),
            notes=changed("notes", self.notes_edit.toPlainText().strip()),
        )

    def accept(self) -> None:
        if self.saved:
            return
        if self._doctor_id is None:
            show_error(
                self.error,
                translate(
                    "requests.edit_dialog",
                    "Elija de la lista el médico o la institución que remite.",
                ),
            )
            self.doctor_edit.setFocus()
            return
        try:
            requests_service.update(
                field(self.detail, "id"),
                self.changes(),
                by=acting_user(self._by),
                version=field(self.detail, "version"),
            )
        except ValidationError as exc:
            show_error(self.error, " ".join(exc.fields.values()))
            return
        except ConflictError as exc:  # another desk changed it: the detail reloads
            prompts.error(self, translate("requests.edit_dialog", "No se guardó"), str(exc))
            self.reject()
            return
        except ServiceError as exc:
            show_error(self.error, str(exc))
            return
        self.saved = True
        super().accept()


__all__ = ["RequestEditDialog"]
