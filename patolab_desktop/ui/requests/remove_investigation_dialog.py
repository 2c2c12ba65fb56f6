"""Remove an investigation from an active request (a panel goes with its members).

The service recalculates every amount and refuses to remove the last investigation;
its message is shown as it is.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton

from ...i18n import translate
from ...services import requests as requests_service
from .. import prompts
from ..icons import icon
from .common import acting_user, field
from .lines_dialog import RequestLinesDialog


class RemoveInvestigationDialog(RequestLinesDialog):
    def __init__(self, request_id: int, parent=None, by: str = ""):
        super().__init__(
            request_id,
            parent,
            by,
            translate("requests.remove_investigation_dialog", "Quitar investigación"),
        )
        self.setWindowIcon(icon("remove"))
        row = QHBoxLayout()
        self.hint = QLabel(
            translate(
                "requests.remove_investigation_dialog",
                "Elija la línea y pulse Supr o «Quitar». Quitar un panel quita también "
                "sus investigaciones.",
            )
        )
        self.hint.setWordWrap(True)
        self.hint.setStyleSheet("color: #546e7a;")
        self.remove_button = QPushButton(
            icon("remove"), translate("requests.remove_investigation_dialog", "&Quitar (Supr)")
        )
        self.remove_button.setDefault(True)
        row.addWidget(self.hint, 1)
        row.addWidget(self.remove_button)
        self.action_area.addLayout(row)
        self.remove_button.clicked.connect(self.remove_selected)
        delete = QShortcut(QKeySequence(QKeySequence.StandardKey.Delete), self.lines_view)
        delete.setContext(Qt.ShortcutContext.WidgetShortcut)
        delete.activated.connect(self.remove_selected)
        self.lines_view.selectionModel().currentRowChanged.connect(lambda *_: self._update_button())
        self.lines_model.modelReset.connect(self._update_button)
        self.reload()
        if self.lines_model.rowCount():
            self.lines_view.selectRow(0)
        self.lines_view.setFocus(Qt.FocusReason.OtherFocusReason)

    def set_read_only(self, read_only: bool) -> None:
        self._read_only = read_only
        self._update_button()

    def selected_line(self) -> dict | None:
        index = self.lines_view.currentIndex()
        return self.lines_model.row_dict(index.row()) if index.isValid() else None

    def select_investigation(self, investigation_id: int) -> bool:
        for row, line in enumerate(self.lines_model.rows()):
            if line["investigation_id"] == investigation_id:
                self.lines_view.selectRow(row)
                return True
        return False

    def _update_button(self) -> None:
        line = self.selected_line()
        member = bool(line and line["is_member"])
        self.remove_button.setEnabled(
            line is not None and not member and not getattr(self, "_read_only", False)
        )
        if member:
            panel = next(
                (
                    r["name"]
                    for r in self.lines_model.rows()
                    if r["investigation_id"] == line["parent_investigation_id"]
                ),
                translate("requests.remove_investigation_dialog", "su panel"),
            )
            self.hint.setText(
                translate(
                    "requests.remove_investigation_dialog",
                    "«{name}» es parte del panel «{panel}»: quite el panel.",
                ).format(name=line["name"], panel=panel)
            )
        else:
            self.hint.setText(
                translate(
                    "requests.remove_investigation_dialog",
                    "Elija la línea y pulse Supr o «Quitar». Quitar un panel quita también "
                    "sus investigaciones.",
                )
            )

    def remove_selected(self) -> bool:
        line = self.selected_line()
        if line is None or not self.remove_button.isEnabled():
            return False
        from ..billing.settlement import refuse_invoiced_removal  # issue 17

        if refuse_invoiced_removal(self, self.request_id, line["line_id"]):
            self.reload()
            return False
        name = f"{line['code']} {line['name']}"
        extra = (
            translate("requests.remove_investigation_dialog", " y sus investigaciones")
            if line["is_panel"]
            else ""
        )
        if not prompts.confirm(
            self,
            translate("requests.remove_investigation_dialog", "Quitar investigación"),
            translate(
                "requests.remove_investigation_dialog",
                "¿Quitar {name}{extra} de la solicitud? Los montos se recalculan.",
            ).format(name=name, extra=extra),
        ):
            return False
        if not self.change(
            lambda: requests_service.remove_investigation(
                self.request_id,
                line["investigation_id"],
                by=acting_user(self._by),
                version=field(self.detail, "version"),  # as shown (reloaded after each change)
            ),
            translate("requests.remove_investigation_dialog", "No se quitó la investigación"),
        ):
            self.select_investigation(line["investigation_id"])
            return False
        if self.lines_model.rowCount():
            self.lines_view.selectRow(0)
        self.show_message(
            translate(
                "requests.remove_investigation_dialog",
                "Se quitó {name}{extra}. Nuevo neto: {net_text}",
            ).format(name=name, extra=extra, net_text=self.net_text())
        )
        return True
