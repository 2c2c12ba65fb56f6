"""The base of every dialog that creates or edits one record of reference data
(branches, referrers, investigations, users; customers can use it the same way).

What it does once for all of them:

- loads the record (``fetch``: a ``NotFoundError`` goes to the caller, which says so
  and reloads its list) or starts from ``initial`` / ``blank()``;
- the title and icon of "new" or "edit";
- inline errors: the service's ``validate`` messages next to their fields
  (``FieldErrors``), a ``ValidationError`` the same way, any other refusal (a rule, a
  permission) under the form;
- the optimistic lock: the service raises ``ConflictError`` when someone else saved
  the record first (its ``version`` changed): the dialog says so and shows the saved
  data, so nobody overwrites a change unseen;
- the dirty check: ``is_dirty()`` compares the form with what was loaded; a dialog
  with ``ask_before_discarding`` asks before Esc/Cancelar throws changes away;
- Guardar (Enter, Ctrl+Enter, Ctrl+S) and Cancelar (Esc).

The dialog's object name comes from its class (``BranchDialog`` → ``branch_dialog``)
and the context of its translated titles from its module ("catalog.branches_dialog").
A subclass names its ``service`` (a module with ``get``, ``validate``, ``create`` and
``update``) and ``data_class``, its titles (``QT_TRANSLATE_NOOP`` in its module's
context), builds its fields in ``build`` (``line_edit``, ``text_edit``, ``check_box``,
or ``self.errors.add`` / ``bind`` for other widgets) and ends its layout with
``finish_layout``. A field is read into (``data``) and shown from (``load``) the data
attribute of its key; a subclass extends ``load``/``data`` only where a value needs
formatting or more than one field. After ``exec()`` returns Accepted, ``saved_id`` is
the saved record's id. When the service names an ``ACTIVE_PERMISSION`` (the one that
deactivating needs), the bound «active» box is turned off for a role without it, with
the service's refusal as its tooltip.

A customer dialog adopts it with ``ask_before_discarding = True``, ``confirm_save``
(likely duplicates on every save), ``conflict_message`` (its longer explanation),
``record_gone`` (say it and close) and, for its own error rows, ``show_errors`` /
``clear_errors``.
"""

from __future__ import annotations

import dataclasses

from PySide6.QtCore import QT_TRANSLATE_NOOP
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from ...i18n import translate
from ...services.access import session
from ...services.errors import ConflictError, NotFoundError, ServiceError, ValidationError
from .. import prompts
from ..icons import icon
from .forms import (
    FieldErrors,
    dialog_buttons,
    field_value,
    module_context,
    set_field_value,
    snake_name,
)

SAVE_SHORTCUTS = ("Ctrl+Return", "Ctrl+Enter", "Ctrl+S")


def confirm_discard(dialog: QWidget) -> bool:
    """Ask before closing a form with changes (True: close without saving)."""
    return prompts.confirm(
        dialog,
        translate("widgets.record_dialog", "Descartar cambios"),
        translate("widgets.record_dialog", "¿Cerrar sin guardar los cambios?"),
    )


SHOWN_DUPLICATES = 8


def ask_about_duplicates(
    dialog: QWidget, matches, describe, title: str, intro: str, question: str, more: str = ""
) -> bool:
    """Before saving a new record like others already there: True when ``matches`` is
    empty; else «intro», a «• describe(match)» line for each of the first few, ``more``
    (with its {v}: how many were left out) and «question», asked under ``title``."""
    if not matches:
        return True
    lines = [f"• {describe(match)}" for match in matches[:SHOWN_DUPLICATES]]
    if more and len(matches) > SHOWN_DUPLICATES:
        lines.append(more.format(v=len(matches) - SHOWN_DUPLICATES))
    return prompts.confirm(dialog, title, intro + "\n".join(lines) + question)


class RecordDialog(QDialog):
    new_icon = "add"
    edit_icon = "edit"
    service = None  # the module with get / validate / create / update
    data_class = None  # the service's data class (a blank record)
    new_title = QT_TRANSLATE_NOOP("widgets.record_dialog", "Nuevo registro")
    edit_title = QT_TRANSLATE_NOOP("widgets.record_dialog", "Editar registro")
    changed_title = QT_TRANSLATE_NOOP("widgets.record_dialog", "El registro cambió")
    first_field_name = "name_edit"  # the field with the focus on open
    min_width = 0
    ask_before_discarding = False  # Esc/Cancelar asks when the form has changes

    def __init__(self, record_id: int | None = None, parent=None, initial=None):
        super().__init__(parent)
        self.setObjectName(snake_name(self))  # "BranchDialog" → "branch_dialog"
        self.context = module_context(self)  # the texts below are in the module's context
        self.record_id = record_id
        self.saved_id: int | None = None
        self._snapshot = None
        self.errors = FieldErrors(self)
        self.bound: dict[str, QWidget] = {}  # data attribute -> field (besides the errors')
        editing = record_id is not None
        self.record = self.fetch(record_id) if editing else (initial or self.blank())
        self.setWindowTitle(self.text("edit_title" if editing else "new_title"))
        self.setWindowIcon(icon(self.edit_icon if editing else self.new_icon))
        self.setModal(True)
        self.setMinimumWidth(self.min_width)
        self.build()
        self.load_record(self.record)
        self.first_field().setFocus()

    def text(self, name: str) -> str:
        """The translated class text ``name`` (the subclass's, or this base's default)."""
        value = getattr(self, name)
        own = value != getattr(RecordDialog, name)
        return translate(self.context if own else "widgets.record_dialog", value)

    # --- what a subclass provides ------------------------------------------------------
    def fetch(self, record_id: int):
        """The record from its service (``NotFoundError`` when it is gone)."""
        return self.service.get(record_id)

    def blank(self):
        return self.data_class()

    def build(self) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    def bind(self, key: str, widget: QWidget) -> QWidget:
        """Read and show the data attribute ``key`` in ``widget`` (e.g. «Activo»)."""
        self.bound[key] = widget
        return widget

    def fields(self) -> dict[str, QWidget]:
        """The form's fields by data attribute: those with an error line, and the bound."""
        fields = {**self.errors.inputs, **self.bound}
        return {key: widget for key, widget in fields.items() if hasattr(self.record, key)}

    def load(self, data) -> None:
        """Show ``data`` in the form."""
        for key, widget in self.fields().items():
            set_field_value(widget, getattr(data, key))

    def data(self):
        """The form as the service's data object (the loaded id, version… kept)."""
        values = {key: field_value(widget) for key, widget in self.fields().items()}
        return dataclasses.replace(self.record, **values)

    def validate(self, data) -> dict[str, str]:
        check = getattr(self.service, "validate", None)
        return check(data) if check is not None else {}

    def create(self, data) -> int:
        return self.service.create(data)

    def update(self, data) -> None:
        self.service.update(data)

    def first_field(self) -> QWidget:
        return getattr(self, self.first_field_name)

    def before_save(self, data) -> bool:
        """Last questions before validating (e.g. "remove the panel's members?")."""
        return True

    def confirm_save(self, data) -> bool:
        """Asked after validating, before saving (e.g. about likely duplicates)."""
        return True

    def record_gone(self, exc: NotFoundError) -> bool:
        """The record was deleted meanwhile: say it under the form (False: not saved)."""
        self.show_errors({"__all__": str(exc)})
        return False

    def conflict_message(self, exc: ConflictError) -> str:
        return str(exc)

    # --- fields ------------------------------------------------------------------------
    def line_edit(
        self, form, key: str, caption: str, placeholder: str = "", max_length: int = 0, hint=""
    ) -> QLineEdit:
        """A one-line field for data attribute ``key``, with its error line."""
        edit = QLineEdit(self)
        if max_length:
            edit.setMaxLength(max_length)
        edit.setPlaceholderText(placeholder)
        self.errors.add(form, key, caption, edit, hint)
        return edit

    def text_edit(self, form, key: str, caption: str, height: int) -> QPlainTextEdit:
        """A few lines of text (Tab leaves it) for data attribute ``key``."""
        edit = QPlainTextEdit(self)
        edit.setTabChangesFocus(True)
        edit.setFixedHeight(height)
        self.errors.add(form, key, caption, edit)
        return edit

    def check_box(self, form, key: str, caption: str) -> QCheckBox:
        """A check box under the fields for the yes/no data attribute ``key``."""
        check = QCheckBox(caption, self)
        form.addRow("", self.bind(key, check))
        return check

    # --- layout ------------------------------------------------------------------------
    def finish_layout(self, layout: QVBoxLayout, save_text: str | None = None) -> QDialogButtonBox:
        """Add the general error line, Guardar/Cancelar and the save shortcuts."""
        layout.addWidget(self.errors.general)
        self.buttons = dialog_buttons(self, save_text)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        for key in SAVE_SHORTCUTS:
            QShortcut(QKeySequence(key), self, activated=self.save)
        return self.buttons

    # --- loading and the dirty check ---------------------------------------------------
    def load_record(self, data) -> None:
        self.record = data
        self.load(data)
        self._lock_active_box()
        self._snapshot = self.data()

    def _lock_active_box(self) -> None:
        """Turn «Activo» off for a role that may edit but not deactivate (the service
        refuses the change anyway): the box says why instead of a refusal after Guardar."""
        check = self.bound.get("active")
        permission = getattr(self.service, "ACTIVE_PERMISSION", "")
        if check is None or not permission:
            return
        refused = session.refusal(permission)
        if refused:
            check.setEnabled(False)
            check.setToolTip(refused)

    def is_dirty(self) -> bool:
        """Whether the form differs from the record as loaded."""
        return self._snapshot is not None and self.data() != self._snapshot

    def reject(self) -> None:
        if self.ask_before_discarding and self.is_dirty() and not confirm_discard(self):
            return
        super().reject()

    def reload_record(self) -> bool:
        """Show the record as saved now (after a conflict); closes when it is gone."""
        try:
            fresh = self.fetch(self.record.id)
        except NotFoundError:
            QDialog.reject(self)
            return False
        self.load_record(fresh)
        return True

    # --- errors ------------------------------------------------------------------------
    def show_errors(self, errors: dict[str, str]) -> None:
        self.errors.show(errors)

    def clear_errors(self) -> None:
        self.errors.clear()

    # --- saving ------------------------------------------------------------------------
    def write(self, data) -> int:
        if data.id is None:
            return self.create(data)
        self.update(data)
        return data.id

    def save(self) -> bool:
        data = self.data()
        if not self.before_save(data):
            return False
        problems = self.validate(data)
        if problems:
            self.show_errors(problems)
            return False
        self.clear_errors()
        if not self.confirm_save(data):
            return False
        try:
            self.saved_id = self.write(data)
        except ValidationError as exc:
            self.show_errors(exc.fields)
            return False
        except ConflictError as exc:
            prompts.error(self, self.text("changed_title"), self.conflict_message(exc))
            self.reload_record()
            return False
        except NotFoundError as exc:
            return self.record_gone(exc)
        except ServiceError as exc:  # a rule or a permission refused it: say it under the form
            self.show_errors({"__all__": str(exc)})
            return False
        self._snapshot = None
        self.accept()
        return True
