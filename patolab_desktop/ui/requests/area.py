"""The requests area: the desk's main screen (entry + list), its menu and CSV export."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QButtonGroup,
    QHBoxLayout,
    QStackedWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from ...i18n import translate
from ...services.access import session
from ..feedback import confirm_saved
from ..icons import icon

NEW_REQUEST_SHORTCUT = "Ctrl+Shift+N"
LIST_SHORTCUT = "Ctrl+Shift+L"
EXPORT_NAME = "solicitudes_patolab.csv"


class RequestsArea(QWidget):
    """Tab "Solicitudes": the one-screen entry and the list, switched with Ctrl+Shift+N/L.

    The list is built the first time it is shown (no query at start-up).
    """

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        from .request_entry import RequestEntry

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.setSpacing(0)
        switch = QHBoxLayout()
        switch.setContentsMargins(8, 0, 8, 0)
        self.entry_button = QToolButton()
        self.entry_button.setText(
            translate("requests.area", "Nueva solicitud ({NEW_REQUEST_SHORTCUT})").format(
                NEW_REQUEST_SHORTCUT=NEW_REQUEST_SHORTCUT
            )
        )
        self.entry_button.setIcon(icon("request_new"))
        self.list_button = QToolButton()
        self.list_button.setText(
            translate("requests.area", "Lista de solicitudes ({LIST_SHORTCUT})").format(
                LIST_SHORTCUT=LIST_SHORTCUT
            )
        )
        self.list_button.setIcon(icon("request_list"))
        self._group = QButtonGroup(self)
        for button in (self.entry_button, self.list_button):
            button.setCheckable(True)
            button.setAutoRaise(True)
            button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
            self._group.addButton(button)
            switch.addWidget(button)
        switch.addStretch(1)
        layout.addLayout(switch)
        self.stack = QStackedWidget()
        layout.addWidget(self.stack, 1)
        self.entry = RequestEntry(self)
        self.stack.addWidget(self.entry)
        self._list = None
        self._list_stale = False
        self.entry_button.clicked.connect(self.show_entry)
        self.list_button.clicked.connect(self.show_list)
        self.entry.saved.connect(lambda *_: self._mark_stale())
        self.entry.saved.connect(self._confirm_saved)
        # Ctrl+N on this tab is a new request (on Clientes it is a new customer)
        new = QShortcut(QKeySequence(QKeySequence.StandardKey.New), self)
        new.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        new.activated.connect(self.new_request)
        self.entry.open_request.connect(self.open_request)
        self.entry_button.setChecked(True)

    # --- pages ------------------------------------------------------------------------
    @property
    def list(self):
        if self._list is None:
            from .requests_window import RequestsWindow

            self._list = RequestsWindow(self)
            self._list.open_request.connect(self.open_request)
            self._list.new_request.connect(self.show_entry)
            self.stack.addWidget(self._list)
        return self._list

    def list_created(self) -> bool:
        return self._list is not None

    def show_entry(self) -> None:
        self.stack.setCurrentWidget(self.entry)
        self.entry_button.setChecked(True)
        self.entry.focus_default()

    def new_request(self) -> None:
        """Ctrl+N: the entry form, ready for the patient (what was typed there is kept)."""
        if not entry_refusal():
            self.show_entry()

    def apply_permissions(self, _allowed=None) -> None:
        """After each sign-in and permission change (``MainWindow.permission_listeners``):
        a role that may not register requests (``entry_refusal``) finds the entry's button
        off with the reason as its tooltip, and the tab on the list."""
        refused = entry_refusal()
        self.entry_button.setEnabled(not refused)
        self.entry_button.setToolTip(refused)
        self.entry.apply_permissions()
        if (
            refused
            and self.stack.currentWidget() is self.entry
            and session.has("lis.requests.view")
        ):
            self.show_list()

    def _confirm_saved(self, _request_id: int, number: str) -> None:
        confirm_saved(
            self, translate("requests.area", "Solicitud {number} guardada").format(number=number)
        )

    def show_list(self) -> None:
        window = self.list
        if self._list_stale:
            self._list_stale = False
            window.refresh()
        self.stack.setCurrentWidget(window)
        self.list_button.setChecked(True)
        window.focus_default()

    def focus_default(self) -> None:
        current = self.stack.currentWidget()
        current.focus_default()

    def reload_from_database(self) -> None:
        """After an unexpected error every screen re-reads the database (``MainWindow``)."""
        self.entry.reload_from_database()
        if self._list is not None:
            self._list.refresh()

    def _mark_stale(self) -> None:
        if self._list is not None:
            self._list_stale = True

    # --- detail -----------------------------------------------------------------------
    def open_request(self, request_id: int) -> None:
        from .request_detail import RequestDetailDialog

        dialog = RequestDetailDialog(request_id, self)
        dialog.changed.connect(self._after_change)
        dialog.exec()

    def _after_change(self, request_id: int | None = None) -> None:
        if self._list is not None:
            self._list.refresh()
        if request_id is not None:
            confirm_saved(self, translate("requests.area", "Cambios de la solicitud guardados"))

    # --- export -----------------------------------------------------------------------
    def current_filters(self):
        from ...services import requests as requests_service

        return (
            self._list.current_filters()
            if self._list is not None
            else requests_service.RequestFilter()
        )

    def export_csv(self) -> int | None:
        from ...services import requests as requests_service
        from ..widgets.csv_export import ask_save_path, rows_written, write_with_progress

        path = ask_save_path(
            self,
            translate("requests.area", "Exportar solicitudes"),
            EXPORT_NAME,
            translate("requests.area", "Archivos CSV (*.csv)"),
        )
        if not path:
            return None
        return write_with_progress(
            self,
            translate("requests.area", "Exportar solicitudes"),
            requests_service.export_requests,
            self.current_filters(),
            path,
            label=translate("requests.area", "Exportando solicitudes"),
            cancelled=(
                translate("requests.area", "Exportación cancelada"),
                translate("requests.area", "No se creó el archivo."),
            ),
            # one whole sentence per number: «Se exportó 1 solicitud», never «Se
            # exportaron 1 solicitudes»
            done=rows_written(
                translate("requests.area", "Solicitudes exportadas"),
                (
                    translate("requests.area", "Se exportó 1 solicitud a:\n{path}"),
                    translate("requests.area", "Se exportaron {count:,} solicitudes a:\n{path}"),
                ),
                path,
            ),
        )


def entry_refusal() -> str:
    """``request_entry.entry_refusal`` (the entry's module is read when first needed)."""
    from .request_entry import entry_refusal as refusal

    return refusal()


def install(window) -> None:
    from ...services import requests as requests_service
    from ..widgets.csv_export import add_export_action

    area = RequestsArea(window)
    window.permission_listeners.append(area.apply_permissions)
    window.add_tab(
        "requests", area, translate("requests.area", "Solicitudes"), permission="lis.requests.view"
    )

    def go(show) -> None:
        window.show_tab("requests")
        show()

    window.add_action(
        "requests",
        translate("requests.area", "&Nueva solicitud…"),
        lambda: go(area.show_entry),
        "request_new",
        NEW_REQUEST_SHORTCUT,
        permission="lis.requests.create",
        needs=requests_service.ENTRY_PERMISSIONS,
    )
    window.add_action(
        "requests",
        translate("requests.area", "&Lista de solicitudes"),
        lambda: go(area.show_list),
        "request_list",
        LIST_SHORTCUT,
        permission="lis.requests.view",
    )
    add_export_action(
        window,
        translate("requests.area", "&Solicitudes (CSV)…"),
        area.export_csv,
        reads="lis.requests.view",
    )
