"""The customers tab: search-as-you-type, filters, a lazily paged table and its actions.

Filtering and sorting happen in SQL through ``services.customers.page`` (keyset pages);
the table model only keeps the rows fetched so far.
"""

from __future__ import annotations

import dataclasses

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QLabel,
    QToolButton,
    QWidget,
)

from ...i18n import translate
from ...services import bootstrap, customers
from ...services.access import session
from ...services.errors import NotFoundError
from ...services.paging import DEFAULT_PAGE_SIZE
from .. import prompts
from ..feedback import confirm_saved
from ..models.paged_table import PagedTableModel
from ..prompts import REFUSED
from ..widgets.forms import tab_chain
from ..widgets.list_editor import action_button, allowed, make_action
from ..widgets.page_reader import PageReader
from ..widgets.paged_search import PagedSearch
from ..widgets.table import RowSelectionMixin, SearchBox, make_table_view, search_key, size_columns
from .customer_columns import COLUMN_SAMPLES, customer_columns
from .customer_filters import CustomerFilterBar

COUNT_CAP: int | None = getattr(customers, "COUNT_CAP", None)  # count() caps at this + 1


class CustomersWindow(PagedSearch, RowSelectionMixin, QWidget):
    """The widget of the "Clientes" tab."""

    # a frequent term costs tens of milliseconds to count on a million customers: the
    # count runs in a worker thread, not on each keystroke's way to the screen (issue 20)
    count_in_background = True
    new_icon = "customer_new"
    create_permission = "patients.create"

    customer_saved = Signal(int)  # id of a customer created or edited here
    request_for_patient = Signal(int)  # "Nueva solicitud" / "Guardar y crear solicitud"

    def __init__(self, parent=None, page_size: int = DEFAULT_PAGE_SIZE):
        super().__init__(parent)
        self.setObjectName("customers_window")

        self.search_box = SearchBox(
            translate(
                "customers.customers_window",
                "Buscar por nombre, teléfono, correo o identidad…  (Ctrl+F)",
            ),
            self,
        )
        self.search_box.setObjectName("customer_search")
        self.search_box.setMinimumWidth(360)
        self.filter_bar = CustomerFilterBar(self)

        self.model = PagedTableModel(
            customer_columns(), customers.page, page_size=page_size, parent=self
        )
        if bootstrap.database_is_remote():  # the window paints while the server searches
            self.model.page_wait = PageReader().run
        self.view = make_table_view(self)
        self.view.setObjectName("customer_table")
        self.view.setModel(self.model)
        self._set_column_widths()
        # Default order: by name (the service's first sort), shown on the header.
        self.view.horizontalHeader().setSortIndicator(0, Qt.SortOrder.AscendingOrder)

        self.count_label = QLabel(self)
        self.count_label.setObjectName("customer_count")

        self._build_actions()
        self._build_layout()

        self.search_box.search_changed.connect(self._search_changed)
        self.search_box.installEventFilter(self)
        self.filter_bar.changed.connect(self.refresh)
        self.view.doubleClicked.connect(lambda _index: self.edit_selected())
        self.view.installEventFilter(self)  # Enter on a row edits it
        self.view.selectionModel().currentRowChanged.connect(lambda *_: self._update_actions())
        self.model.modelReset.connect(self._count_total)
        self.model.modelReset.connect(self._update_count)
        self.model.rowsInserted.connect(lambda *_: self._update_count())
        self.model.modelReset.connect(self._update_actions)

        self.refresh()
        self.follow_role()

    # --- construction ------------------------------------------------------------------
    def _action(self, text: str, icon_name: str, slot, shortcuts=(), tip: str = "", **kwargs):
        return make_action(self, text, icon_name, slot, shortcuts, tip, **kwargs)

    def _build_actions(self) -> None:
        self.new_action = self._action(
            translate("customers.customers_window", "&Nuevo"),
            self.new_icon,
            self.new_customer,
            ("Ctrl+N",),
            translate("customers.customers_window", "Registrar un cliente nuevo"),
        )
        edit_text = translate("customers.customers_window", "&Editar")
        self.edit_action = self._action(
            edit_text,
            "edit",
            self.edit_selected,
            ("F2",),
            translate(
                "customers.customers_window", "Editar el cliente seleccionado (Intro o doble clic)"
            ),
        )
        # the same action for a role that may see patients but not edit them
        view_tip = translate(
            "customers.customers_window", "Ver el cliente seleccionado (Intro o doble clic)"
        )
        self._edit_texts = {
            True: (edit_text, self.edit_action.toolTip()),
            False: (translate("customers.customers_window", "&Ver"), f"{view_tip} (F2)"),
        }
        self.deactivate_action = self._action(
            translate("customers.customers_window", "&Desactivar"),
            "deactivate",
            self.deactivate_selected,
            (QKeySequence.StandardKey.Delete,),
            translate("customers.customers_window", "Desactivar el cliente seleccionado"),
            widget=self.view,
            context=Qt.ShortcutContext.WidgetShortcut,
        )
        self.reactivate_action = self._action(
            translate("customers.customers_window", "&Reactivar"),
            "reactivate",
            self.reactivate_selected,
            ("Ctrl+R",),
            translate("customers.customers_window", "Reactivar el cliente seleccionado"),
        )
        self.refresh_action = self._action(
            translate("customers.customers_window", "Actuali&zar"),
            "refresh",
            self.reload,
            ("F5",),
            translate("customers.customers_window", "Volver a leer la lista de la base de datos"),
        )
        self.request_action = self._action(
            translate("customers.customers_window", "Nueva so&licitud"),
            "request_new",
            self.new_request_for_selected,
            ("F9",),
            translate(
                "customers.customers_window",
                "Abrir una solicitud nueva para el paciente seleccionado",
            ),
        )
        self.find_action = self._action(
            translate("customers.customers_window", "Buscar"),
            "search",
            self.focus_default,
            ("Ctrl+F",),
            translate("customers.customers_window", "Ir al cuadro de búsqueda"),
        )

    def _button(self, action: QAction) -> QToolButton:
        return action_button(self, action)

    def _build_layout(self) -> None:
        self.new_button = self._button(self.new_action)
        self.edit_button = self._button(self.edit_action)
        self.deactivate_button = self._button(self.deactivate_action)
        self.reactivate_button = self._button(self.reactivate_action)
        self.refresh_button = self._button(self.refresh_action)
        self.request_button = self._button(self.request_action)
        self.lay_out(
            translate("customers.customers_window", "&Buscar:"),
            [
                self.new_button,
                self.request_button,
                self.edit_button,
                self.deactivate_button,
                self.reactivate_button,
                self.refresh_button,
            ],
            self.filter_bar,
            "",  # the keys the role may use (``follow_role``)
        )
        tab_chain(self.refresh_button, self.filter_bar.type_combo)

    def _keys_text(self) -> str:
        """The keys under the list that do something for the acting role: Intro opens the
        read-only «Ver cliente» for a role that may only see patients («Intro: ver»), and
        a key whose action the role may not use is not offered."""
        keys = [
            translate("customers.customers_window", "Intro: editar")
            if self._allowed("patients.edit")
            else translate("customers.customers_window", "Intro: ver"),
        ]
        for permission, text in (
            (self.create_permission, translate("customers.customers_window", "Ctrl+N: nuevo")),
            (
                "lis.requests.create",
                translate("customers.customers_window", "F9: nueva solicitud"),
            ),
            ("patients.delete", translate("customers.customers_window", "Supr: desactivar")),
        ):
            if self._allowed(permission):
                keys.append(text)
        keys.append(translate("customers.customers_window", "F5: actualizar"))
        return " · ".join(keys)

    def _set_column_widths(self) -> None:
        size_columns(self.view, self.model.columns, COLUMN_SAMPLES)
        # what the receptionist reads out or dials, and the one-word kind of customer, are
        # never cut on a 1024 px screen («Paciente» read «Pacie…»)
        self.view.keep_whole = {
            number
            for number, column in enumerate(self.model.columns)
            if column.key in ("id_number", "type_label", "phone", "created_at")
        }

    # --- the query ---------------------------------------------------------------------
    def current_filters(self) -> customers.CustomerFilter:
        """The filters on screen (what the export and the list use)."""
        filters = customers.CustomerFilter(search=self._search_text)
        return self.filter_bar.apply_to(filters)

    def count(self, filters) -> int:
        return customers.count(filters)

    reload_from_database = RowSelectionMixin.reload

    def _update_count(self) -> None:
        shown = self.model.rowCount()
        total = shown if self.model.exhausted else self._total
        if shown == 0:
            text = (
                translate(
                    "customers.customers_window", "No hay clientes que coincidan con la búsqueda."
                )
                if self._search_text or self._has_filters()
                else translate("customers.customers_window", "No hay clientes registrados.")
            )
        elif total is None or total < shown:
            text = translate(
                "customers.customers_window",
                "Mostrando {shown:,} clientes (hay más: baje para verlos)",
            ).format(shown=shown)
        elif shown == total:
            text = (
                translate("customers.customers_window", "{total:,} cliente").format(total=total)
                if total == 1
                else translate("customers.customers_window", "{total:,} clientes").format(
                    total=total
                )
            )
        elif COUNT_CAP is not None and total > COUNT_CAP:  # count() stops at the cap
            text = translate(
                "customers.customers_window", "Mostrando {shown:,} de más de {COUNT_CAP:,} clientes"
            ).format(shown=shown, COUNT_CAP=COUNT_CAP)
        else:
            text = translate(
                "customers.customers_window", "Mostrando {shown:,} de {total:,} clientes"
            ).format(shown=shown, total=total)
        self.count_label.setText(text)

    def _has_filters(self) -> bool:
        filters = self.current_filters()
        return any(
            (
                filters.type,
                filters.gender_id,
                filters.department_id,
                filters.municipality_id,
                filters.incomplete_only,
            )
        )

    # --- selection (selected_row, select_id… come from RowSelectionMixin) ------------------
    _allowed = staticmethod(allowed)  # courtesy only: the services decide

    def _update_actions(self) -> None:
        row = self.selected_row()
        active = bool(row and row.get("active", True))
        self.new_action.setEnabled(self._allowed(self.create_permission))
        may_edit, may_view = self._allowed("patients.edit"), self._allowed("patients.view")
        self.edit_action.setEnabled(row is not None and (may_edit or may_view))
        self.request_action.setEnabled(active and self._allowed("lis.requests.create"))
        self.deactivate_action.setEnabled(active and self._allowed("patients.delete"))
        self.reactivate_action.setEnabled(
            row is not None and not active and self._allowed("patients.delete")
        )
        self.reactivate_button.setVisible(
            self.filter_bar.inactive_check.isChecked() or (row is not None and not active)
        )

    def follow_role(self, _allowed=None) -> None:
        """At the start and after each sign-in and permission change
        (``MainWindow.permission_listeners``): the words that depend only on the role, then
        the actions. A role that may only see patients opens the record read-only
        (``edit_selected``): «Ver», «Intro: ver»."""
        may_edit = self._allowed("patients.edit")
        self.edit_action.setText(self._edit_texts[may_edit][0])
        self.edit_action.setToolTip(self._edit_texts[may_edit][1])
        self.keys_hint.setText(self._keys_text())
        self._update_actions()

    # --- keyboard --------------------------------------------------------------------------
    def focus_default(self) -> None:
        self.follow_role()  # the acting user may have changed
        self.search_box.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search_box.selectAll()

    def eventFilter(self, watched, event):  # noqa: N802
        if (
            watched is self.view
            and event.type() == QEvent.Type.KeyPress
            and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
            and not event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        ):
            self.edit_selected()
            return True
        # Esc empties the search; Down goes to the results (keyboard-first).
        if watched is self.search_box and search_key(self, event, escape_clears=True):
            return True
        return super().eventFilter(watched, event)

    # --- actions ---------------------------------------------------------------------------
    def new_customer(self) -> int | None:
        from .customer_dialog import CustomerDialog

        session.recheck()  # a window opens: with what her role holds now
        if not self._allowed(self.create_permission):
            prompts.refuse(
                self,
                translate("customers.customers_window", "Nuevo cliente"),
                self.create_permission,
            )
            return None
        dialog = CustomerDialog(parent=self, offer_request=self._allowed("lis.requests.create"))
        if dialog.exec() and dialog.customer_id is not None:
            self._saved(dialog.customer_id)
            confirm_saved(
                self,
                translate("customers.customers_window", "Cliente guardado: {name}").format(
                    name=dialog.data().name
                ),
            )
            if dialog.wants_request:
                self.request_for_patient.emit(dialog.customer_id)
            return dialog.customer_id
        return None

    new_item = new_customer  # what the main window's «Nuevo cliente» menu action calls

    def new_request_for_selected(self) -> bool:
        """*Nueva solicitud* for the selected patient: the request entry opens with them."""
        row = self.selected_row()
        if row is None or not row.get("active", True):
            return False
        if not self._allowed("lis.requests.create"):
            prompts.refuse(
                self,
                translate("customers.customers_window", "Nueva solicitud"),
                "lis.requests.create",
            )
            return False
        self.request_for_patient.emit(row["id"])
        return True

    def edit_selected(self) -> bool:
        """Enter, double click, F2: the selected customer's record, to edit or, for a role
        that may only see patients, to read (every field, not only the list's columns)."""
        customer_id = self.selected_id()
        if customer_id is None:
            return False
        session.recheck()  # a window opens: with what her role holds now
        if not self._allowed("patients.view"):
            prompts.refuse(
                self, translate("customers.customers_window", "Ver cliente"), "patients.view"
            )
            return False
        return self.edit_customer(customer_id, read_only=not self._allowed("patients.edit"))

    def edit_customer(self, customer_id: int, read_only: bool = False) -> bool:
        from .customer_dialog import CustomerDialog

        try:
            dialog = CustomerDialog(customer_id=customer_id, parent=self, read_only=read_only)
        except NotFoundError:
            prompts.error(
                self,
                translate("customers.customers_window", "Cliente no encontrado"),
                translate(
                    "customers.customers_window",
                    "Ese cliente ya no existe en la base de datos. Se actualizará la lista.",
                ),
            )
            self.reload()
            return False
        if dialog.exec() and not read_only:
            self._saved(customer_id)
            confirm_saved(
                self,
                translate("customers.customers_window", "Cambios guardados: {name}").format(
                    name=dialog.data().name
                ),
            )
            return True
        return False

    def _saved(self, customer_id: int) -> None:
        self.reload(keep_id=customer_id)
        self.customer_saved.emit(customer_id)

    def deactivate_selected(self) -> bool:
        row = self.selected_row()
        if row is None or not row.get("active", True):
            return False
        if not prompts.confirm(
            self,
            translate("customers.customers_window", "Desactivar cliente"),
            translate(
                "customers.customers_window",
                "¿Desactivar a «{name}»?\n\nDejará de aparecer en las listas y búsquedas, pero su "
                "historial se conserva. Un administrador puede reactivarlo.",
            ).format(name=row.get("name", "")),
        ):
            return False
        failed = translate("customers.customers_window", "No se pudo desactivar")
        if prompts.attempt(self, failed, lambda: customers.deactivate(row["id"])) is REFUSED:
            self.reload()
            return False
        self._reload_near(self.view.currentIndex().row())
        return True

    def reactivate_selected(self) -> bool:
        row = self.selected_row()
        if row is None or row.get("active", True):
            return False
        failed = translate("customers.customers_window", "No se pudo reactivar")
        if prompts.attempt(self, failed, lambda: customers.reactivate(row["id"])) is REFUSED:
            return False
        self.reload(keep_id=row["id"])
        return True

    def _reload_near(self, row: int) -> None:
        """Reload after a row disappeared and select its neighbour."""
        if self.refresh() and self.model.rowCount():
            self.select_row(min(max(row, 0), self.model.rowCount() - 1))

    def filter_description(self) -> list[str]:
        """The filters on screen in words («Búsqueda: perez», «Tipo de cliente: Empresa»…);
        empty when the list shows every active customer (issue 16 B: no hidden filter)."""
        parts = []
        if self._search_text:
            parts.append(
                translate("customers.customers_window", "Búsqueda: «{text}»").format(
                    text=self._search_text
                )
            )
        bar = self.filter_bar
        for combo, name in (
            (bar.type_combo, translate("customers.customers_window", "Tipo de cliente")),
            (bar.gender_combo, translate("customers.customers_window", "Género")),
            (bar.department_combo, translate("customers.customers_window", "Departamento")),
            (bar.municipality_combo, translate("customers.customers_window", "Municipio")),
        ):
            if combo.currentData() is not None:
                parts.append(f"{name}: {combo.currentText()}")
        if bar.incomplete_check.isChecked():
            parts.append(bar.incomplete_check.text().replace("&", ""))
        return parts

    def clear_filters(self) -> None:
        """Clear the search and every filter (the list shows every active customer)."""
        self.search_box.blockSignals(True)
        self.search_box.clear()
        self.search_box.blockSignals(False)
        self._search_text = ""
        self.filter_bar.set_values()

    def export_filters(self) -> customers.CustomerFilter:
        """Filters for the CSV export: what is on screen, active customers only."""
        return dataclasses.replace(self.current_filters(), include_inactive=False)
