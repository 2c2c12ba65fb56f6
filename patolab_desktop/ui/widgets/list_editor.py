"""What every list of reference data does with its rows, whatever holds it.

``ListEditor`` is mixed into a widget that has ``self.view`` (a table view) over
``self.model`` (a model of row dicts) and implements ``refresh()`` (query again; False
when the service refused) — ``ListTab`` (a paged, searchable tab) and ``ListDialog``
(a small modal list). It gives them, once:

- actions and buttons enabled by permission (``create_permission``,
  ``edit_permission``, ``deactivate_permission``; courtesy only, the services decide;
  with nobody logged in nothing is disabled);
- a reload that keeps the selected row (``reload(keep_id)``);
- new / edit through the record dialog of ``open_dialog`` (a record deleted meanwhile
  is said and the list reloaded);
- deactivate (with a question) / reactivate / toggle, a refusal shown in a message and
  the neighbour row selected when the deactivated one leaves the list.
"""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QAbstractButton, QToolButton, QWidget

from ...i18n import translate
from ...services.access import session
from ...services.errors import NotFoundError, ServiceError
from .. import prompts
from ..icons import icon
from .forms import module_context
from .table import RowSelectionMixin


def allowed(permission: str) -> bool:
    """Whether the logged-in role has ``permission`` ("" and nobody logged in: yes)."""
    if not permission:
        return True
    actor = session.current()
    return actor is None or actor.has(permission)


def make_action(
    owner: QWidget,
    text: str,
    icon_name: str,
    slot,
    shortcuts=(),
    tip: str = "",
    widget: QWidget | None = None,
    context=Qt.ShortcutContext.WidgetWithChildrenShortcut,
) -> QAction:
    """An action with its icon, shortcuts (shown in the tooltip) and slot, added to
    ``widget`` (by default ``owner``) so the shortcuts work there."""
    action = QAction(icon(icon_name), text, owner)
    if shortcuts:
        action.setShortcuts([QKeySequence(s) for s in shortcuts])
        action.setShortcutContext(context)
        keys = " / ".join(
            QKeySequence(s).toString(QKeySequence.SequenceFormat.NativeText) for s in shortcuts
        )
        tip = f"{tip or text.replace('&', '')} ({keys})"
    action.setToolTip(tip or text.replace("&", ""))
    action.triggered.connect(lambda _checked=False: slot())
    (widget or owner).addAction(action)
    return action


def action_button(owner: QWidget, action: QAction) -> QToolButton:
    """A tool button for ``action`` (text beside the icon) that Tab reaches."""
    button = QToolButton(owner)
    button.setDefaultAction(action)
    button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
    button.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
    return button


class ListEditor(RowSelectionMixin):
    noun_one = QT_TRANSLATE_NOOP("nouns", "registro")
    noun_many = QT_TRANSLATE_NOOP("nouns", "registros")
    feminine = False  # "investigación" → "Nueva", "desactivada"
    new_icon = "add"
    service = None  # a module with deactivate / reactivate (or set_active)
    record_dialog = None  # the RecordDialog class that creates and edits a row
    deactivate_text = ""  # the question before deactivating (QT_TRANSLATE_NOOP, {row keys})
    create_permission = ""  # "" = everyone who can open the list
    edit_permission = ""
    deactivate_permission = ""

    allowed = staticmethod(allowed)

    def action(self, text: str, icon_name: str, slot, shortcuts=(), tip: str = "", **kwargs):
        return make_action(self, text, icon_name, slot, shortcuts, tip, **kwargs)

    # --- the query (the host provides ``refresh``) -------------------------------------
    def refresh(self) -> bool:  # pragma: no cover - abstract
        raise NotImplementedError

    def reload_from_database(self) -> None:
        self.reload()

    # --- what the buttons may do -------------------------------------------------------
    def can_create(self) -> bool:
        return self.allowed(self.create_permission)

    def can_edit(self, row: dict | None) -> bool:
        return row is not None and self.allowed(self.edit_permission)

    def can_deactivate(self, row: dict | None) -> bool:
        return bool(row and row.get("active", True)) and self.allowed(self.deactivate_permission)

    def can_reactivate(self, row: dict | None) -> bool:
        return (
            row is not None
            and not row.get("active", True)
            and self.allowed(self.deactivate_permission)
        )

    def set_toggle(self, button: QAbstractButton | QAction, row: dict | None, texts) -> None:
        """A Desactivar/Reactivar button: text, icon and enabled state for ``row``."""
        active = row is None or row.get("active", True)
        button.setText(texts[0] if active else texts[1])
        button.setIcon(icon("deactivate" if active else "reactivate"))
        button.setEnabled(self.can_deactivate(row) or self.can_reactivate(row))

    # --- new and edit ------------------------------------------------------------------
    def open_dialog(self, row_id: int | None):
        """Build the create/edit dialog (NotFoundError when ``row_id`` is gone)."""
        return self.record_dialog(row_id, parent=self)

    def dialog_saved_id(self, dialog) -> int | None:
        return getattr(dialog, "saved_id", None)

    def new_item(self) -> int | None:
        session.recheck()  # a window opens: with what her role holds now
        if not self.can_create():
            return None
        dialog = self.open_dialog(None)
        if dialog.exec() and self.dialog_saved_id(dialog) is not None:
            self.saved_row(self.dialog_saved_id(dialog))
            return self.dialog_saved_id(dialog)
        return None

    def edit_selected(self) -> bool:
        session.recheck()  # a window opens: with what her role holds now
        row = self.selected_row()
        return self.can_edit(row) and self.edit_item(row["id"])

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
            self.saved_row(row_id)
            return True
        self.reload(keep_id=row_id)  # e.g. the price history or members changed meanwhile
        return False

    def saved_row(self, row_id: int) -> None:
        """A dialog saved ``row_id``: show it selected."""
        self.reload(keep_id=row_id)

    # --- deactivate / reactivate -------------------------------------------------------
    def deactivate_question(self, row: dict) -> str:
        """The question before deactivating ``row`` ("" deactivates without asking)."""
        if not self.deactivate_text:
            return ""
        return translate(module_context(self), self.deactivate_text).format(**row)

    def do_deactivate(self, row_id: int) -> None:
        self.service.deactivate(row_id)

    def do_reactivate(self, row_id: int) -> None:
        self.service.reactivate(row_id)

    def deactivate_selected(self) -> bool:
        row = self.selected_row()
        if not self.can_deactivate(row):
            return False
        title = translate("catalog.list_tab", "Desactivar {noun_one}").format(
            noun_one=translate("nouns", self.noun_one)
        )
        question = self.deactivate_question(row)
        if question and not prompts.confirm(self, title, question):
            return False
        try:
            self.do_deactivate(row["id"])
        except ServiceError as exc:
            prompts.error(self, translate("catalog.list_tab", "No se pudo desactivar"), str(exc))
            self.reload()
            return False
        number = self.view.currentIndex().row()
        refreshed = self.refresh() and self.model.rowCount()
        if refreshed and not self.select_id(row["id"]):  # it left the list: its neighbour
            self.select_row(min(max(number, 0), self.model.rowCount() - 1))
        return True

    def reactivate_selected(self) -> bool:
        row = self.selected_row()
        if not self.can_reactivate(row):
            return False
        failed = translate("catalog.list_tab", "No se pudo reactivar")
        return self.change_row(row, lambda: self.do_reactivate(row["id"]), failed)

    def change_row(self, row: dict, change, failed_title: str) -> bool:
        """Run ``change()`` (a service call about ``row``): a refusal is shown under
        ``failed_title``; done, the list reloads keeping ``row`` selected."""
        try:
            change()
        except ServiceError as exc:
            prompts.error(self, failed_title, str(exc))
            return False
        self.reload(keep_id=row["id"])
        return True

    def toggle_selected(self) -> bool:
        """Deactivate the selected row, or reactivate it when it is inactive."""
        row = self.selected_row()
        if row is None:
            return False
        if row.get("active", True):
            return self.deactivate_selected()
        return self.reactivate_selected()
