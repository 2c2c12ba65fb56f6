"""The list tab shared by the referrers and catalog windows (same approach as customers).

A debounced search box and filters build the service's filter object; a
``PagedTableModel`` asks the service for keyset pages (filter and sort in SQL); the
table sorts by clicking a header (a new SQL query). Keyboard: the search box has the
focus on open, Down goes to the table, Enter edits, Ctrl+N new, Supr deactivates,
Ctrl+R reactivates, F5 reloads, Ctrl+F back to the search box.
"""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, QEvent, Qt, Signal
from PySide6.QtGui import QAction, QFontMetrics, QKeySequence
from PySide6.QtWidgets import QHBoxLayout, QLabel, QToolButton, QVBoxLayout, QWidget

from ...i18n import translate
from ...services.access import session
from ...services.errors import NotFoundError, ServiceError
from ...services.paging import DEFAULT_PAGE_SIZE
from .. import prompts
from ..feedback import confirm_saved
from ..icons import icon
from ..models.paged_table import Column, PagedTableModel
from ..widgets.table import RowSelectionMixin, SearchBox, make_table_view
from .forms import HINT_STYLE


class ListTab(RowSelectionMixin, QWidget):
    """Subclasses set the nouns and implement ``current_filters``, ``open_dialog``,
    ``do_deactivate`` and ``do_reactivate``."""

    saved = Signal(int)  # id of a row created or edited here

    noun_one = QT_TRANSLATE_NOOP("nouns", "registro")
    noun_many = QT_TRANSLATE_NOOP("nouns", "registros")
    feminine = False  # "investigación" → "Nueva", "desactivada"
    new_icon = "add"
    # the permission each action needs ("new", "deactivate"); a role without it sees the
    # control disabled instead of meeting the service's refusal (issue 16)
    action_permissions: dict[str, str] = {}

    def __init__(
        self,
        columns: list[Column],
        fetch,
        count,
        placeholder: str,
        samples: dict[str, str],
        parent=None,
        page_size: int = DEFAULT_PAGE_SIZE,
    ):
        super().__init__(parent)
        self._count_service = count
        self._search_text = ""
        self._total: int | None = None
        self.search_box = SearchBox(placeholder + translate("catalog.list_tab", "  (Ctrl+F)"), self)
        self.search_box.setMinimumWidth(320)
        self.model = PagedTableModel(columns, fetch, page_size=page_size, parent=self)
        self.view = make_table_view(self)
        self.view.setModel(self.model)
        self._samples = samples
        self._set_column_widths()
        self.view.horizontalHeader().setSortIndicator(
            self.default_sort_column(), Qt.SortOrder.AscendingOrder
        )
        self.count_label = QLabel(self)
        self.filters_row = QHBoxLayout()
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

    def action(
        self,
        text: str,
        icon_name: str,
        slot,
        shortcuts=(),
        tip: str = "",
        widget: QWidget | None = None,
        context=Qt.ShortcutContext.WidgetWithChildrenShortcut,
    ) -> QAction:
        action = QAction(icon(icon_name), text, self)
        if shortcuts:
            action.setShortcuts([QKeySequence(s) for s in shortcuts])
            action.setShortcutContext(context)
            keys = " / ".join(
                QKeySequence(s).toString(QKeySequence.SequenceFormat.NativeText) for s in shortcuts
            )
            tip = f"{tip or text.replace('&', '')} ({keys})"
        action.setToolTip(tip or text.replace("&", ""))
        action.triggered.connect(lambda _checked=False: slot())
        (widget or self).addAction(action)
        return action

    def _build_actions(self) -> None:
        one = translate("nouns", self.noun_one)
        o = "a" if self.feminine else "o"  # Spanish gender ending; English ignores it
        self.new_action = self.action(
            translate("catalog.list_tab", "&Nueva")
            if self.feminine
            else translate("catalog.list_tab", "&Nuevo"),
            self.new_icon,
            self.new_item,
            ("Ctrl+N",),
            translate("catalog.list_tab", "Registrar {one} nuev{o}").format(one=one, o=o),
        )
        self.edit_action = self.action(
            translate("catalog.list_tab", "&Editar"),
            "edit",
            self.edit_selected,
            ("F2",),
            translate(
                "catalog.list_tab", "Editar {one} seleccionad{o} (Intro o doble clic)"
            ).format(one=one, o=o),
        )
        self.deactivate_action = self.action(
            translate("catalog.list_tab", "&Desactivar"),
            "deactivate",
            self.deactivate_selected,
            (QKeySequence.StandardKey.Delete,),
            translate("catalog.list_tab", "Desactivar {one} seleccionad{o}").format(one=one, o=o),
            widget=self.view,
            context=Qt.ShortcutContext.WidgetShortcut,
        )
        self.reactivate_action = self.action(
            translate("catalog.list_tab", "&Reactivar"),
            "reactivate",
            self.reactivate_selected,
            ("Ctrl+R",),
            translate("catalog.list_tab", "Reactivar {one} seleccionad{o}").format(one=one, o=o),
        )
        self.refresh_action = self.action(
            translate("catalog.list_tab", "Actuali&zar"),
            "refresh",
            self.reload,
            ("F5",),
            translate("catalog.list_tab", "Volver a leer la lista de la base de datos"),
        )
        self.find_action = self.action(
            translate("catalog.list_tab", "Buscar"),
            "search",
            self.focus_default,
            ("Ctrl+F",),
            translate("catalog.list_tab", "Ir al cuadro de búsqueda"),
        )

    def button(self, action: QAction) -> QToolButton:
        button = QToolButton(self)
        button.setDefaultAction(action)
        button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        button.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        return button

    def build_layout(self, hint: str) -> None:
        """Call at the end of the subclass constructor, after adding filter widgets."""
        top = QHBoxLayout()
        search_label = QLabel(translate("catalog.list_tab", "&Buscar:"), self)
        search_label.setBuddy(self.search_box)
        top.addWidget(search_label)
        top.addWidget(self.search_box, 1)
        self.new_button = self.button(self.new_action)
        self.edit_button = self.button(self.edit_action)
        self.deactivate_button = self.button(self.deactivate_action)
        self.reactivate_button = self.button(self.reactivate_action)
        self.refresh_button = self.button(self.refresh_action)
        buttons = [
            self.new_button,
            self.edit_button,
            self.deactivate_button,
            self.reactivate_button,
            self.refresh_button,
        ]
        for button in buttons:
            top.addWidget(button)
        bottom = QHBoxLayout()
        bottom.addWidget(self.count_label, 1)
        hint_label = QLabel(hint, self)
        hint_label.setStyleSheet(HINT_STYLE)
        bottom.addWidget(hint_label)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        self.filters_row.addStretch(1)
        for button in self.extra_buttons:
            self.filters_row.addWidget(button)
        layout.addLayout(self.filters_row)
        layout.addWidget(self.view, 1)
        layout.addLayout(bottom)
        chain = [self.search_box, self.view, *buttons]
        for first, second in zip(chain, chain[1:], strict=False):
            QWidget.setTabOrder(first, second)

    def _set_column_widths(self) -> None:
        metrics = QFontMetrics(self.view.font())
        header_metrics = QFontMetrics(self.view.horizontalHeader().font())
        header = self.view.horizontalHeader()
        for number, column in enumerate(self.model.columns):
            sample = self._samples.get(column.key, column.title)
            icon_room = 22 if column.decoration is not None else 0
            width = max(
                metrics.horizontalAdvance(sample) + 16 + icon_room,
                header_metrics.horizontalAdvance(column.title) + 30,
            )
            header.resizeSection(number, width)

    # --- the query ---------------------------------------------------------------------
    def current_filters(self):  # pragma: no cover - abstract
        raise NotImplementedError

    def has_filters(self) -> bool:
        return False

    @property
    def search_text(self) -> str:
        return self._search_text

    def _search_changed(self, text: str) -> None:
        if text.strip() == self._search_text and self.model.filters is not None:
            return
        self._search_text = text.strip()
        self.refresh()

    def refresh(self) -> bool:
        try:
            self.model.set_filters(self.current_filters())
        except ServiceError as exc:  # e.g. PermissionDenied: show it instead of rows
            self.count_label.setText(str(exc))
            return False
        return True

    def reload(self, keep_id: int | None = None) -> None:
        if keep_id is None:
            keep_id = self.selected_id()
        if self.refresh() and keep_id is not None:
            self.select_id(keep_id)

    def reload_from_database(self) -> None:
        self.reload()

    def _count_total(self) -> None:
        self._total = None
        if self.model.exhausted:
            return
        try:
            self._total = self._count_service(self.model.filters)
        except ServiceError:
            self._total = None

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
        else:
            text = translate(
                "catalog.list_tab", "Mostrando {shown:,} de {total:,} {noun_many}"
            ).format(shown=shown, total=total, noun_many=translate("nouns", self.noun_many))
        self.count_label.setText(text)

    # --- selection (selected_row, select_id… come from RowSelectionMixin) ----------------
    def show_inactive(self) -> bool:
        return False

    def allowed(self, key: str) -> bool:
        """May the acting user do the action ``key`` of ``action_permissions``?"""
        permission = self.action_permissions.get(key)
        return not permission or session.has(permission)

    def update_actions(self) -> None:
        row = self.selected_row()
        active = bool(row and row.get("active", True))
        self.new_action.setEnabled(self.allowed("new"))
        self.edit_action.setEnabled(row is not None)
        self.deactivate_action.setEnabled(active and self.allowed("deactivate"))
        self.reactivate_action.setEnabled(
            row is not None and not active and self.allowed("deactivate")
        )
        self.reactivate_button.setVisible(self.show_inactive() or (row is not None and not active))

    # --- keyboard ----------------------------------------------------------------------
    def focus_default(self) -> None:
        self.search_box.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search_box.selectAll()

    def eventFilter(self, watched, event):  # noqa: N802
        if (
            watched is self.search_box
            and event.type() == QEvent.Type.KeyPress
            and event.key() in (Qt.Key.Key_Down, Qt.Key.Key_PageDown)
        ):
            self.search_box.flush()
            if self.model.rowCount():
                self.view.setFocus(Qt.FocusReason.TabFocusReason)
                if self.selected_row() is None:
                    self.select_row(0)
                return True
        return super().eventFilter(watched, event)

    # --- actions -----------------------------------------------------------------------
    def open_dialog(self, row_id: int | None):  # pragma: no cover - abstract
        """Build the create/edit dialog (NotFoundError when ``row_id`` is gone)."""
        raise NotImplementedError

    def dialog_saved_id(self, dialog) -> int | None:
        return getattr(dialog, "saved_id", None)

    def new_item(self) -> int | None:
        if not self.allowed("new"):  # Ctrl+N reaches here too
            return None
        dialog = self.open_dialog(None)
        if dialog.exec() and self.dialog_saved_id(dialog) is not None:
            self._saved(self.dialog_saved_id(dialog))
            return self.dialog_saved_id(dialog)
        return None

    def edit_selected(self) -> bool:
        row_id = self.selected_id()
        return False if row_id is None else self.edit_item(row_id)

    def edit_item(self, row_id: int) -> bool:
        try:
            dialog = self.open_dialog(row_id)
        except NotFoundError:
            prompts.error(
                self,
                translate("catalog.list_tab", "No encontrado"),
                translate(
                    "catalog.list_tab",
                    "Ese {noun_one} ya no existe en la base de datos. Se actualizará la lista.",
                ).format(noun_one=translate("nouns", self.noun_one)),
            )
            self.reload()
            return False
        if dialog.exec():
            self._saved(row_id)
            return True
        self.reload(keep_id=row_id)  # e.g. the price history or members changed meanwhile
        return False

    def _saved(self, row_id: int) -> None:
        self.reload(keep_id=row_id)
        self.saved.emit(row_id)
        row = self.selected_row() or {}
        confirm_saved(
            self,
            translate("catalog.list_tab", "Guardado: {name}").format(
                name=row.get("name") or translate("nouns", self.noun_one)
            ),
        )

    def deactivate_question(self, row: dict) -> str:  # pragma: no cover - abstract
        raise NotImplementedError

    def do_deactivate(self, row_id: int) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    def do_reactivate(self, row_id: int) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    def deactivate_selected(self) -> bool:
        row = self.selected_row()
        if row is None or not row.get("active", True):
            return False
        title = translate("catalog.list_tab", "Desactivar {noun_one}").format(
            noun_one=translate("nouns", self.noun_one)
        )
        if not prompts.confirm(self, title, self.deactivate_question(row)):
            return False
        try:
            self.do_deactivate(row["id"])
        except ServiceError as exc:
            prompts.error(self, translate("catalog.list_tab", "No se pudo desactivar"), str(exc))
            self.reload()
            return False
        number = self.view.currentIndex().row()
        if self.refresh() and self.model.rowCount() and not self.select_id(row["id"]):
            self.select_row(min(max(number, 0), self.model.rowCount() - 1))
        return True

    def reactivate_selected(self) -> bool:
        row = self.selected_row()
        if row is None or row.get("active", True):
            return False
        try:
            self.do_reactivate(row["id"])
        except ServiceError as exc:
            prompts.error(self, translate("catalog.list_tab", "No se pudo reactivar"), str(exc))
            return False
        self.reload(keep_id=row["id"])
        return True
