"""«Editar datos…» of a saved request (seed 004: a request is updated, never deleted): the
referring doctor, priority, origin, clinical information and notes; the number, the
patient and the investigations change elsewhere (a new request, «Agregar / Quitar
investigación»). The service checks everything and refuses a change another desk made
meanwhile (the version shown)."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QGridLayout, QPlainTextEdit

from ...i18n import translate
from ...services import requests as requests_service
from ...services.errors import ValidationError
from ..widgets.forms import add_labelled, tab_chain
from .change_dialog import RequestChangeDialog
from .common import acting_user, field, fill_combo, select_data, value_label
from .entry_texts import doctor_lookup


class RequestEditDialog(RequestChangeDialog):
    """``RequestEditDialog(detail)``, ``detail`` as ``requests.get`` gives it; Accepted
    once saved (``saved``)."""

    def __init__(self, detail, parent=None, by: str = ""):
        super().__init__(
            detail,
            parent,
            by,
            translate("requests.edit_dialog", "Editar datos de la solicitud"),
            "edit",
            560,
        )
        self._doctor_id = field(detail, "doctor_id")
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
        self.layout_.addLayout(grid)
        self.add_foot()
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

    def save(self) -> None:
        if self._doctor_id is None:
            self.doctor_edit.setFocus()
            raise ValidationError(
                {
                    "doctor_id": translate(
                        "requests.edit_dialog",
                        "Elija de la lista el médico o la institución que remite.",
                    )
                }
            )
        requests_service.update(
            field(self.detail, "id"),
            self.changes(),
            by=acting_user(self._by),
            version=field(self.detail, "version"),
        )


__all__ = ["RequestEditDialog"]
