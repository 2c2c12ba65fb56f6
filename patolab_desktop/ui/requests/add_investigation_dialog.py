"""Add an investigation to an active request; every amount is recalculated by the service.

Keys: type a code or a name, Enter picks it, (optional notes), Enter adds it.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGridLayout, QLabel, QLineEdit, QPushButton

from ...i18n import translate
from ...services import catalog as catalog_service
from ...services import requests as requests_service
from ..icons import icon
from .common import LookupEdit, acting_user, field, value_label
from .lines_dialog import RequestLinesDialog
from .request_entry import describe_investigation


class AddInvestigationDialog(RequestLinesDialog):
    def __init__(self, request_id: int, parent=None, by: str = ""):
        super().__init__(
            request_id,
            parent,
            by,
            translate("requests.add_investigation_dialog", "Agregar investigación"),
        )
        self.setWindowIcon(icon("add"))
        self._picked: dict | None = None
        grid = QGridLayout()
        self.search_edit = LookupEdit(
            lambda t: catalog_service.search(t, limit=20),
            describe_investigation,
            translate("requests.add_investigation_dialog", "Código o nombre de la investigación"),
            display=lambda r: f"{r.get('code', '')} {r.get('name', '')}",
        )
        self.picked_label = value_label(
            translate(
                "requests.add_investigation_dialog",
                "Escriba el código o el nombre y elija con Enter.",
            )
        )
        self.picked_label.setStyleSheet("color: #546e7a;")
        self.notes_edit = QLineEdit()
        self.notes_edit.setPlaceholderText(
            translate(
                "requests.add_investigation_dialog",
                "Notas de la investigación (opcional), p. ej. «en ayunas»",
            )
        )
        self.notes_edit.setMaxLength(500)
        self.add_button = QPushButton(
            icon("add"), translate("requests.add_investigation_dialog", "&Agregar")
        )
        self.add_button.setDefault(True)
        search_label = QLabel(translate("requests.add_investigation_dialog", "&Investigación"))
        search_label.setBuddy(self.search_edit)
        notes_label = QLabel(translate("requests.add_investigation_dialog", "&Notas"))
        notes_label.setBuddy(self.notes_edit)
        grid.addWidget(search_label, 0, 0)
        grid.addWidget(self.search_edit, 0, 1)
        grid.addWidget(self.add_button, 0, 2)
        grid.addWidget(self.picked_label, 1, 1, 1, 2)
        grid.addWidget(notes_label, 2, 0)
        grid.addWidget(self.notes_edit, 2, 1, 1, 2)
        self.action_area.addLayout(grid)
        self.search_edit.chosen.connect(self.pick)
        self.search_edit.textEdited.connect(lambda _t: self._unpick())
        self.add_button.clicked.connect(self.add)
        self.notes_edit.returnPressed.connect(self.add)
        self.reload()
        self._update_button()
        self.search_edit.setFocus(Qt.FocusReason.OtherFocusReason)

    def set_read_only(self, read_only: bool) -> None:
        for widget in (self.search_edit, self.notes_edit):
            widget.setEnabled(not read_only)
        self._read_only = read_only
        self._update_button()

    def _update_button(self) -> None:
        self.add_button.setEnabled(
            self._picked is not None and not getattr(self, "_read_only", False)
        )

    def pick(self, row: dict) -> None:
        self._picked = dict(row)
        panel = (
            translate(
                "requests.add_investigation_dialog",
                " (panel: agrega también sus investigaciones a precio 0)",
            )
            if row.get("is_panel")
            else ""
        )
        self.picked_label.setText(describe_investigation(row) + panel)
        self._update_button()
        self.notes_edit.setFocus(Qt.FocusReason.OtherFocusReason)

    def _unpick(self) -> None:
        if self._picked is not None:
            self._picked = None
            self.picked_label.setText(
                translate(
                    "requests.add_investigation_dialog",
                    "Escriba el código o el nombre y elija con Enter.",
                )
            )
            self._update_button()

    def picked(self) -> dict | None:
        return self._picked

    def add(self) -> bool:
        if self._picked is None:
            self.search_edit.setFocus(Qt.FocusReason.OtherFocusReason)
            return False
        picked = self._picked
        if not self.change(
            lambda: requests_service.add_investigation(
                self.request_id,
                picked["id"],
                notes=self.notes_edit.text().strip(),
                by=acting_user(self._by),
                version=field(self.detail, "version"),  # as shown (reloaded after each change)
            ),
            translate("requests.add_investigation_dialog", "No se agregó la investigación"),
        ):
            return False
        self.show_message(
            translate(
                "requests.add_investigation_dialog",
                "Se agregó {code} {name}. Nuevo neto: {net_text}",
            ).format(
                code=picked.get("code", ""), name=picked.get("name", ""), net_text=self.net_text()
            )
        )
        self.search_edit.clear()
        self.notes_edit.clear()
        self._unpick()
        self.search_edit.setFocus(Qt.FocusReason.OtherFocusReason)
        return True
