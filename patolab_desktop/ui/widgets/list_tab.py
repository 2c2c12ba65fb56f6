"""The list tab of reference data: referrers and catalog (customers can use it too).

A debounced search box and filters build the service's filter object; a
``PagedTableModel`` asks the service for keyset pages (filter and sort in SQL); the
table sorts by clicking a header (a new SQL query). Keyboard: the search box has the
focus on open, Down goes to the table, Enter edits, Ctrl+N new, Supr deactivates,
Ctrl+R reactivates, F5 reloads, Ctrl+F back to the search box. What it does with the
rows (actions by permission, new/edit/deactivate, selection-keeping reload) comes from
``ListEditor``.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QToolButton,
    QWidget,
)

from ...i18n import translate
from ...services.paging import DEFAULT_PAGE_SIZE
from ..feedback import confirm_saved
from ..models.paged_table import Column, PagedTableModel
from .list_editor import ListEditor, action_button
from .paged_search import PagedSearch
from .table import SearchBox, make_table_view, search_key, size_columns


class ListTab(PagedSearch, ListEditor, QWidget):
    """Subclasses set the nouns, the ``service`` (a module with ``page``, ``count``,
    ``deactivate`` and ``reactivate``) and its ``filter_class``, add their filters
    (``add_filter``, ``add_inactive_check``, read in ``filter_values``) and implement
    ``open_dialog`` and ``deactivate_question``."""

    filter_class = None  # the service's filter dataclass (search, include_inactive…)
    count_cap: int | None = None  # the service's count() stops counting past this
    escape_clears_search = False  # Esc in a non-empty search box empties it

    saved = Signal(int)  # id of a row created or edited here

    def __init__(
        self,
        columns: list[Column],
        placeholder: str,
        samples: dict[str, str],
        parent=None,
        page_size: int = DEFAULT_PAGE_SIZE,
    ):
        super().__init__(parent)
        self.search_box = SearchBox(placeholder + translate("catalog.list_tab", "  (Ctrl+F)"), self)
        self.search_box.setMinimumWidth(320)
        self.model = PagedTableModel(columns, self.service.page, page_size=page_size, parent=self)
        self.view = make_table_view(self)
        self.view.setModel(self.model)
        self._samples = samples
        self._set_column_widths()
        self.view.horizontalHeader().setSortIndicator(
            self.default_sort_column(), Qt.SortOrder.AscendingOrder
        )
        self.count_label = QLabel(self)
        self.filters_row = QHBoxLayout()
        self.inactive_check: QCheckBox | None = None
        self.extra_buttons: list[QToolButton] = []
        self._build_actions()
        self.search_box.search_changed.connect(self._search_changed)
        self.search_box.installEventFilter(self)
        self.view.activated.connect(lambda _index: self.edit_selected())
        self.view.selectionModel().currentRowChanged.connect(lambda *_: self.update_actions())
        self.model.modelReset.connect(self._count_total)
        self.model.modelReset.connect(self._update_count)
        self.model.rowsInserted.connect(lambda *_: self._update_count())
        self.model.modelReset.connect(self.update_actions)

    # --- construction ------------------------------------------------------------------
    def default_sort_column(self) -> int:
        return 0

    def _build_actions(self) -> None:
        one = translate("nouns", self.noun_one)
        o = "a" if self.feminine else "o"  # Spanish gender ending; English ignores it
        on_view = {"widget": self.view, "context": Qt.ShortcutContext.WidgetShortcut}
        for name, text, icon_name, slot, keys, tip, where in (
            (
                "new_action",
                translate("catalog.list_tab", "&Nueva")
                if self.feminine
                else translate("catalog.list_tab", "&Nuevo"),
                self.new_icon,
                self.new_item,
                ("Ctrl+N",),
                translate("catalog.list_tab", "Registrar {one} nuev{o}"),
                {},
            ),
            (
                "edit_action",
                translate("catalog.list_tab", "&Editar"),
                "edit",
                self.edit_selected,
                ("F2",),
                translate("catalog.list_tab", "Editar {one} seleccionad{o} (Intro o doble clic)"),
                {},
            ),
            (
                "deactivate_action",
                translate("catalog.list_tab", "&Desactivar"),
                "deactivate",
                self.deactivate_selected,
                (QKeySequence.StandardKey.Delete,),
                translate("catalog.list_tab", "Desactivar {one} seleccionad{o}"),
                on_view,
            ),
            (
                "reactivate_action",
                translate("catalog.list_tab", "&Reactivar"),
                "reactivate",
                self.reactivate_selected,
                ("Ctrl+R",),
                translate("catalog.list_tab", "Reactivar {one} seleccionad{o}"),
                {},
            ),
            (
                "refresh_action",
                translate("catalog.list_tab", "Actuali&zar"),
                "refresh",
                self.reload,
                ("F5",),
                translate("catalog.list_tab", "Volver a leer la lista de la base de datos"),
                {},
            ),
            (
                "find_action",
                translate("catalog.list_tab", "Buscar"),
                "search",
                self.focus_default,
                ("Ctrl+F",),
                translate("catalog.list_tab", "Ir al cuadro de búsqueda"),
                {},
            ),
        ):
            tip = tip.format(one=one, o=o)
            setattr(self, name, self.action(text, icon_name, slot, keys, tip, **where))

    def button(self, action: QAction) -> QToolButton:
        return action_button(self, action)

    def build_layout(self, hint: str) -> None:
        """Call at the end of the subclass constructor, after adding filter widgets."""
        self.new_button = self.button(self.new_action)
        self.edit_button = self.button(self.edit_action)
        self.deactivate_button = self.button(self.deactivate_action)
        self.reactivate_button = self.button(self.reactivate_action)
        self.refresh_button = self.button(self.refresh_action)
        self.filters_row.addStretch(1)
        for button in self.extra_buttons:
            self.filters_row.addWidget(button)
        self.lay_out(
            translate("catalog.list_tab", "&Buscar:"),
            [
                self.new_button,
                self.edit_button,
                self.deactivate_button,
                self.reactivate_button,
                self.refresh_button,
            ],
            self.filters_row,
            hint,
        )
        self.update_actions()

    def _set_column_widths(self) -> None:
        size_columns(self.view, self.model.columns, self._samples)

    # --- the query ---------------------------------------------------------------------
    def add_filter(self, caption: str, combo: QComboBox) -> QComboBox:
        """A combo in the filters row (with its label); choosing in it queries again."""
        label = QLabel(caption, self)
        label.setBuddy(combo)
        self.filters_row.addWidget(label)
        self.filters_row.addWidget(combo)
        combo.currentIndexChanged.connect(lambda _i: self.refresh())
        return combo

    def add_inactive_check(self, caption: str) -> QCheckBox:
        """The «show inactive ones» check box of the filters row."""
        self.inactive_check = QCheckBox(caption, self)
        self.filters_row.addWidget(self.inactive_check)
        self.inactive_check.toggled.connect(lambda _c: self.refresh())
        return self.inactive_check

    def filter_values(self) -> dict:
        """The subclass's own filters, by the filter class's field names."""
        return {}

    def current_filters(self):
        """The filters on screen (what the list and the export use)."""
        values = dict(self.filter_values(), search=self.search_text)
        if self.inactive_check is not None:
            values["include_inactive"] = self.inactive_check.isChecked()
        return self.filter_class(**values)

    def export_filters(self):
        return self.current_filters()

    def has_filters(self) -> bool:
        return any(value is not None for value in self.filter_values().values())

    def count(self, filters) -> int:
        return self.service.count(filters)

    def _update_count(self) -> None:
        shown = self.model.rowCount()
        total = shown if self.model.exhausted else self._total
        if shown == 0:
            suffix = "as" if self.feminine else "os"
            text = (
                translate(
                    "catalog.list_tab", "No hay {noun_many} que coincidan con la búsqueda."
                ).format(noun_many=translate("nouns", self.noun_many))
                if self._search_text or self.has_filters()
                else translate("catalog.list_tab", "No hay {noun_many} registrad{suffix}.").format(
                    noun_many=translate("nouns", self.noun_many), suffix=suffix
                )
            )
        elif total is None or total < shown:
            text = translate(
                "catalog.list_tab", "Mostrando {shown:,} {noun_many} (hay más: baje para verlos)"
            ).format(shown=shown, noun_many=translate("nouns", self.noun_many))
        elif shown == total:
            noun = translate("nouns", self.noun_one if total == 1 else self.noun_many)
            text = f"{total:,} {noun}"
        elif self.count_cap is not None and total > self.count_cap:  # count() stops there
            text = translate(
                "catalog.list_tab", "Mostrando {shown:,} de más de {cap:,} {noun_many}"
            ).format(shown=shown, cap=self.count_cap, noun_many=translate("nouns", self.noun_many))
        else:
            text = translate(
                "catalog.list_tab", "Mostrando {shown:,} de {total:,} {noun_many}"
            ).format(shown=shown, total=total, noun_many=translate("nouns", self.noun_many))
        self.count_label.setText(text)

    # --- selection (selected_row, select_id… come from RowSelectionMixin) ----------------
    def show_inactive(self) -> bool:
        return self.inactive_check is not None and self.inactive_check.isChecked()

    def update_actions(self) -> None:
        row = self.selected_row()
        self.new_action.setEnabled(self.can_create())
        self.edit_action.setEnabled(self.can_edit(row))
        self.deactivate_action.setEnabled(self.can_deactivate(row))
        self.reactivate_action.setEnabled(self.can_reactivate(row))
        self.reactivate_button.setVisible(self.show_inactive() or self.can_reactivate(row))

    # --- keyboard ----------------------------------------------------------------------
    def focus_default(self) -> None:
        self.update_actions()  # the acting user may have changed
        self.search_box.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search_box.selectAll()

    def eventFilter(self, watched, event):
        if watched is self.search_box and search_key(self, event, self.escape_clears_search):
            return True
        return super().eventFilter(watched, event)

    # --- actions (new/edit/deactivate… come from ListEditor) ---------------------------
    def saved_row(self, row_id: int) -> None:
        super().saved_row(row_id)
        self.saved.emit(row_id)
        row = self.selected_row() or {}
        confirm_saved(  # a visible confirmation after each save (issue 16)
            self,
            translate("catalog.list_tab", "Guardado: {name}").format(
                name=row.get("name") or translate("nouns", self.noun_one)
            ),
        )
