"""The list of lab requests: search, filters, paged rows sorted in SQL, open the detail."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate, QEvent, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ...i18n import translate
from ...services import requests as requests_service
from ...services.catalog import branches as branches_service
from ...services.errors import ServiceError
from ..icons import icon
from ..models.paged_table import Column, PagedTableModel
from ..widgets.forms import add_labelled, push_buttons
from ..widgets.table import SearchBox, make_table_view
from .common import (
    error_label,
    fill_combo,
    format_date,
    format_money,
    priority_color,
    priority_icon,
    priority_label,
    show_error,
    source_label,
    status_color,
    status_icon,
    status_label,
)
from .entry_texts import doctor_lookup, patient_lookup

FILTER_DEBOUNCE_MS = 150
RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter


def request_columns() -> list[Column]:
    sorts = getattr(requests_service, "SORTS", {})

    def column(key: str, title: str, sort: str = "", **more) -> Column:
        """Sorted by ``sort`` (the key by default) when the service knows that order."""
        sort = sort or key
        return Column(key, title, sort=sort if sort in sorts else None, **more)

    def coded(key: str, title: str, text, icon_of, color_of) -> Column:
        """A priority or status: its label, icon and colour."""
        return column(
            key,
            title,
            format=text,
            decoration=lambda r: icon_of(r.get(key)),
            foreground=lambda r: color_of(r.get(key)),
        )

    return [
        column("request_number", translate("requests.requests_window", "Número")),
        column("requested_at", translate("requests.requests_window", "Fecha"), format=format_date),
        column("patient_name", translate("requests.requests_window", "Paciente")),
        column("doctor_name", translate("requests.requests_window", "Médico"), "doctor"),
        coded(
            "priority",
            translate("requests.requests_window", "Prioridad"),
            priority_label,
            priority_icon,
            priority_color,
        ),
        coded(
            "status",
            translate("requests.requests_window", "Estado"),
            status_label,
            status_icon,
            status_color,
        ),
        column("progress", translate("requests.requests_window", "Resultados")),
        column("source", translate("requests.requests_window", "Origen"), format=source_label),
        column(
            "branch_code",
            translate("requests.requests_window", "Sucursal"),
            "branch",
            tooltip=lambda r: r.get("branch_name") or "",
        ),
        column(
            "line_count",
            translate("requests.requests_window", "Inv."),
            align=RIGHT,
            tooltip=lambda r: translate(
                "requests.requests_window",
                "Investigaciones en la solicitud (incluye las de los paneles)",
            ),
        ),
        column(
            "net_amount",
            translate("requests.requests_window", "Neto"),
            format=format_money,
            align=RIGHT,
            tooltip=lambda r: translate(
                "requests.requests_window", "Total {format_money} − descuento {format_money2}"
            ).format(
                format_money=format_money(r.get("total_amount")),
                format_money2=format_money(r.get("discount_amount")),
            ),
        ),
    ]


DATE_COLUMN = 1


class RequestsModel(PagedTableModel):
    """The paged model; a refusal of the filters by the service (e.g. "from" after "to")
    is kept in ``error`` and shown, instead of raised."""

    reloaded = Signal()
    error = ""

    def reload(self, slow: bool = False) -> bool:
        shown = True
        try:
            shown = super().reload(slow)
        except ServiceError as exc:
            self.error = str(exc)
        else:
            self.error = ""
        self.reloaded.emit()
        return shown


class DateFilter(QWidget):
    """A check box that turns a date limit on, and a dd/MM/yyyy date edit with a calendar."""

    changed = Signal()

    def __init__(self, caption: str, default: QDate, parent=None):
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        self.check = QCheckBox(caption)
        self.edit = QDateEdit(default)
        self.edit.setCalendarPopup(True)
        self.edit.setDisplayFormat("dd/MM/yyyy")
        self.edit.setEnabled(False)
        layout.addWidget(self.check)
        layout.addWidget(self.edit)
        self.check.toggled.connect(self.edit.setEnabled)
        self.check.toggled.connect(lambda _on: self.changed.emit())
        self.edit.dateChanged.connect(
            lambda _d: self.changed.emit() if self.check.isChecked() else None
        )

    def value(self) -> dt.date | None:
        if not self.check.isChecked():
            return None
        d = self.edit.date()
        return dt.date(d.year(), d.month(), d.day())

    def set_value(self, value: dt.date | None) -> None:
        if value is not None:
            self.edit.setDate(QDate(value.year, value.month, value.day))
        self.check.setChecked(value is not None)


class RequestsWindow(QWidget):
    """Paged list of requests. ``open_request(id)`` asks the area to show the detail."""

    open_request = Signal(int)
    new_request = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self._patient_id: int | None = None
        self._doctor_id: int | None = None
        self._build()
        self.model = RequestsModel(request_columns(), requests_service.page, parent=self)
        self.model.sort(DATE_COLUMN, Qt.SortOrder.DescendingOrder)  # newest first; no query yet
        self.view.setModel(self.model)
        header = self.view.horizontalHeader()
        header.blockSignals(True)
        header.setSortIndicator(DATE_COLUMN, Qt.SortOrder.DescendingOrder)
        header.blockSignals(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(False)
        number_width = self.view.fontMetrics().horizontalAdvance("LAB-0000-000000") + 22
        widths = (number_width, 115, 0, 170, 145, 140, 105, 95, 75, 45, 110)
        for column, width in enumerate(widths[: self.model.columnCount()]):
            if width:
                self.view.setColumnWidth(column, width)
        # the request number, its date, its status and the amount are never cut on a narrow
        # screen («Pendiente» read «Pendie…» at 1024 px)
        status = next(i for i, c in enumerate(self.model.columns) if c.key == "status")
        self.view.keep_whole = {0, 1, status, self.model.columnCount() - 1}
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)  # the patient takes the rest
        self.view.doubleClicked.connect(lambda index: self._open_row(index.row()))
        for key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            shortcut = QShortcut(QKeySequence(key), self.view)
            shortcut.setContext(Qt.ShortcutContext.WidgetShortcut)
            shortcut.activated.connect(self.open_current)
        self.model.reloaded.connect(self._update_count)
        self.model.rowsInserted.connect(self._update_count)
        self.apply_filters_now()

    # --- building ---------------------------------------------------------------------
    def _build(self) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        top = QHBoxLayout()
        self.search = SearchBox(
            translate(
                "requests.requests_window",
                "Buscar por número de solicitud o nombre del paciente (Ctrl+F)",
            )
        )
        top.addWidget(self.search, 1)
        new_text = translate("requests.requests_window", "Nueva solicitud")
        open_text = translate("requests.requests_window", "Abrir (Enter)")
        charge_text = translate(
            "requests.requests_window", "Cobrar y facturar…"
        )  # billing (issue 17)
        refresh_text = translate("requests.requests_window", "Actualizar (F5)")
        buttons = push_buttons(
            (new_text, "request_new", self.new_request.emit),
            (open_text, "request_detail", self.open_current),
            (charge_text, "add", self.charge_current),
            (refresh_text, "refresh", self.refresh),
        )
        self.new_button, self.open_button, self.charge_button, self.refresh_button = buttons
        for button in buttons:
            top.addWidget(button)
        layout.addLayout(top)

        filters = QGridLayout()
        filters.setHorizontalSpacing(6)
        self.status_combo = QComboBox()
        fill_combo(
            self.status_combo,
            requests_service.STATUS_LABELS,
            "status_",
            translate("requests.requests_window", "Todos los estados"),
        )
        self.progress_combo = QComboBox()
        fill_combo(
            self.progress_combo,
            requests_service.PROGRESS_LABELS,
            None,
            translate("requests.requests_window", "Todos los resultados"),
        )
        self.priority_combo = QComboBox()
        fill_combo(
            self.priority_combo,
            requests_service.PRIORITY_LABELS,
            "priority_",
            translate("requests.requests_window", "Todas las prioridades"),
        )
        self.source_combo = QComboBox()
        fill_combo(
            self.source_combo,
            requests_service.SOURCE_LABELS,
            None,
            translate("requests.requests_window", "Todos los orígenes"),
        )
        self.branch_combo = QComboBox()
        self.branch_combo.addItem(
            translate("requests.requests_window", "Todas las sucursales"), None
        )
        for branch in branches_service.list_for_filters():  # a closed one's requests too
            text = f"{branch['name']} ({branch['code']})"
            if not branch["active"]:
                text += translate("requests.requests_window", " (inactiva)")
            self.branch_combo.addItem(text, branch["id"])
        self.patient_filter = patient_lookup(
            translate("requests.requests_window", "Paciente (todos)")
        )
        self.doctor_filter = doctor_lookup(  # a retired doctor's requests are still here
            translate("requests.requests_window", "Médico (todos)"), include_inactive=True
        )
        today = QDate.currentDate()
        self.date_from = DateFilter(
            translate("requests.requests_window", "Desde"), today.addDays(-30)
        )
        self.date_to = DateFilter(translate("requests.requests_window", "Hasta"), today)
        self.clear_button = QPushButton(
            icon("clear"), translate("requests.requests_window", "Quitar filtros")
        )
        for column, (caption, widget) in enumerate(
            (
                (translate("requests.requests_window", "Es&tado"), self.status_combo),
                (translate("requests.requests_window", "Priori&dad"), self.priority_combo),
                (translate("requests.requests_window", "&Origen"), self.source_combo),
                (translate("requests.requests_window", "Sucursa&l"), self.branch_combo),
            )
        ):
            add_labelled(filters, caption, widget, 0, 2 * column)
        patient_label = QLabel(translate("requests.requests_window", "Pac&iente"))
        patient_label.setBuddy(self.patient_filter)
        doctor_label = QLabel(translate("requests.requests_window", "&Médico"))
        doctor_label.setBuddy(self.doctor_filter)
        filters.addWidget(patient_label, 1, 0)
        filters.addWidget(self.patient_filter, 1, 1, 1, 3)
        filters.addWidget(doctor_label, 1, 4)
        filters.addWidget(self.doctor_filter, 1, 5, 1, 3)
        dates = QHBoxLayout()
        dates.addWidget(self.date_from)
        dates.addWidget(self.date_to)
        progress_label = QLabel(translate("requests.requests_window", "Res&ultados"))
        progress_label.setBuddy(self.progress_combo)
        dates.addWidget(progress_label)
        dates.addWidget(self.progress_combo)
        dates.addStretch(1)
        self.count_label = QLabel()
        self.count_label.setStyleSheet("color: #546e7a;")
        dates.addWidget(self.count_label)
        dates.addWidget(self.clear_button)
        filters.addLayout(dates, 2, 0, 1, 8)
        for column in (1, 3, 5, 7):
            filters.setColumnStretch(column, 1)
        layout.addLayout(filters)

        self.error_label = error_label()
        layout.addWidget(self.error_label)
        self.view = make_table_view(self)
        layout.addWidget(self.view, 1)

        self._filter_timer = QTimer(self)
        self._filter_timer.setSingleShot(True)
        self._filter_timer.setInterval(FILTER_DEBOUNCE_MS)
        self._filter_timer.timeout.connect(self.apply_filters_now)
        self.search.search_changed.connect(lambda _t: self.apply_filters_now())
        for combo in self.filter_combos():
            combo.currentIndexChanged.connect(lambda _i: self._filter_timer.start())
        for date in (self.date_from, self.date_to):
            date.changed.connect(self._filter_timer.start)
        self.patient_filter.chosen.connect(self._patient_chosen)
        self.patient_filter.textEdited.connect(
            lambda t: self._patient_cleared() if not t.strip() else None
        )
        self.doctor_filter.chosen.connect(self._doctor_chosen)
        self.doctor_filter.textEdited.connect(
            lambda t: self._doctor_cleared() if not t.strip() else None
        )
        self.clear_button.clicked.connect(self.clear_filters)
        self._update_charge_button()
        find = QShortcut(QKeySequence(QKeySequence.StandardKey.Find), self)
        find.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        find.activated.connect(self.focus_default)
        refresh = QShortcut(QKeySequence(QKeySequence.StandardKey.Refresh), self)
        refresh.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        refresh.activated.connect(self.refresh)
        self.search.returnPressed.connect(self._search_enter)
        self.search.installEventFilter(self)

    # --- filters ----------------------------------------------------------------------
    def filter_combos(self) -> tuple[QComboBox, ...]:
        return (
            self.status_combo,
            self.priority_combo,
            self.source_combo,
            self.branch_combo,
            self.progress_combo,
        )

    def _filter_by(self, key: str, row_id: int | None) -> None:
        """A patient or doctor filter (``key``: "_patient_id" / "_doctor_id") chosen, or
        cleared (None, when it was set): filter again."""
        if row_id is None and getattr(self, key) is None:
            return
        setattr(self, key, row_id)
        self._filter_timer.start()

    def _patient_chosen(self, row: dict) -> None:
        self._filter_by("_patient_id", row["id"])

    def _patient_cleared(self) -> None:
        self._filter_by("_patient_id", None)

    def _doctor_chosen(self, row: dict) -> None:
        self._filter_by("_doctor_id", row["id"])

    def _doctor_cleared(self) -> None:
        self._filter_by("_doctor_id", None)

    def set_patient_filter(self, row: dict | None) -> None:
        self._patient_id = row["id"] if row else None
        self.patient_filter.setText(row.get("name", "") if row else "")
        self.apply_filters_now()

    def set_doctor_filter(self, row: dict | None) -> None:
        self._doctor_id = row["id"] if row else None
        self.doctor_filter.setText(row.get("name", "") if row else "")
        self.apply_filters_now()

    def current_filters(self) -> requests_service.RequestFilter:
        return requests_service.RequestFilter(
            search=self.search.text().strip(),
            status=self.status_combo.currentData(),
            progress=self.progress_combo.currentData(),
            priority=self.priority_combo.currentData(),
            source=self.source_combo.currentData(),
            patient_id=self._patient_id,
            doctor_id=self._doctor_id,
            branch_id=self.branch_combo.currentData(),
            date_from=self.date_from.value(),
            date_to=self.date_to.value(),
        )

    def apply_filters_now(self) -> None:
        self._filter_timer.stop()
        self.model.set_filters(self.current_filters())

    def clear_filters(self) -> None:
        widgets = (
            self.status_combo,
            self.priority_combo,
            self.source_combo,
            self.branch_combo,
            self.progress_combo,
            self.date_from,
            self.date_to,
            self.search,
        )
        for widget in widgets:
            widget.blockSignals(True)
        for combo in self.filter_combos():
            combo.setCurrentIndex(0)
        self.date_from.set_value(None)
        self.date_to.set_value(None)
        self.search.clear()
        for widget in widgets:
            widget.blockSignals(False)
        self._patient_id = self._doctor_id = None
        self.patient_filter.clear()
        self.doctor_filter.clear()
        self.apply_filters_now()

    def _update_charge_button(self) -> None:
        from ...services.access import session

        self.charge_button.setVisible(
            session.current() is not None and session.has("billing.issue")
        )

    def charge_current(self) -> int | None:
        """«Cobrar y facturar» for the selected request (issue 17)."""
        request_id = self.current_id()
        if request_id is None:
            return None
        from ..billing.payment_dialog import charge

        document_id = charge(self, [request_id])
        if document_id is not None:
            self.refresh()
        return document_id

    def refresh(self) -> None:
        """Re-run the query, keeping the selected request selected when it is still listed."""
        self._update_charge_button()
        selected = self.current_id()
        self.model.reload()
        if selected is not None:
            self.select_id(selected)

    def _update_count(self, *_args) -> None:
        show_error(self.error_label, self.model.error)
        rows = self.model.rowCount()
        more = "+" if self.model.canFetchMore() else ""
        self.count_label.setText(
            translate("requests.requests_window", "{rows}{more} solicitudes").format(
                rows=rows, more=more
            )
            if rows != 1
            else translate("requests.requests_window", "1 solicitud")
        )

    # --- rows -------------------------------------------------------------------------
    def current_id(self) -> int | None:
        index = self.view.currentIndex()
        return self.model.row_id(index.row()) if index.isValid() else None

    def select_id(self, request_id: int) -> bool:
        row = self.model.row_of_id(request_id)
        if row < 0:
            return False
        self.view.selectRow(row)
        self.view.scrollTo(self.model.index(row, 0))
        return True

    def _open_row(self, row: int) -> None:
        if 0 <= row < self.model.rowCount():
            self.open_request.emit(self.model.row_id(row))

    def open_current(self) -> None:
        index = self.view.currentIndex()
        if index.isValid():
            self._open_row(index.row())

    def eventFilter(self, watched, event):  # noqa: N802
        # ↓ in the search box goes down to the rows
        if (
            watched is self.search
            and event.type() == QEvent.Type.KeyPress
            and event.key() == Qt.Key.Key_Down
            and self.model.rowCount()
        ):
            self._search_enter()
            return True
        return super().eventFilter(watched, event)

    def _search_enter(self) -> None:
        if self.model.rowCount():
            self.view.setFocus(Qt.FocusReason.OtherFocusReason)
            if not self.view.currentIndex().isValid():
                self.view.selectRow(0)

    def focus_default(self) -> None:
        self.search.setFocus(Qt.FocusReason.OtherFocusReason)
        self.search.selectAll()
