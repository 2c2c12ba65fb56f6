"""The base of the account dialogs: log in, unlock the screen, create the first
administrator, change one's password, reset a user's password.

Each is a header, a form (password fields with their inline errors), an optional grey
hint, a boxed message and its buttons; it opens fitted to its text with the focus on its
first field (or the one given to ``finish_layout``). ``submit`` runs the service call
after the form's own checks and shows a refusal: field messages under their fields, the
rest in the boxed message.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QPushButton, QWidget

from ... import APP_NAME
from ...services.errors import ServiceError, ValidationError
from ..icons import icon
from ..widgets.forms import dialog_frame
from .common import (
    FieldErrors,
    PasswordEdit,
    fit_height,
    header,
    hint_label,
    make_form,
    message_label,
    show_message,
)


class AccountDialog(QDialog):
    def __init__(
        self, parent, name: str, title: str, icon_name: str, min_width: int, app: bool = True
    ):
        """``title`` goes after the application's name unless ``app`` is False."""
        super().__init__(parent)
        self.setObjectName(name)
        self.box = dialog_frame(
            self, f"{APP_NAME} — {title}" if app else title, icon_name, min_width
        )
        self.form = make_form()
        self.errors = FieldErrors(self.form)
        self.message = message_label(self)
        self.focus_field: QWidget | None = None

    # --- construction ------------------------------------------------------------------
    def add_header(self, icon_name: str, heading: str, subtitle: str) -> None:
        self.box.addWidget(header(icon_name, heading, subtitle, self))

    def add_field(self, key: str | None, caption: str, widget: QWidget) -> None:
        """A row of the form with the error line of ``key`` (none when ``key`` is None:
        logging in and unlocking say what is wrong in the boxed message). The first field
        added has the focus when the dialog opens."""
        if key is None:
            self.form.addRow(caption, widget)
        else:
            self.errors.add_row(key, caption, widget)
        if self.focus_field is None:
            self.focus_field = widget

    def password(self, key: str, caption: str, name: str, placeholder: str = "") -> PasswordEdit:
        """A password field named ``name`` with the error line of ``key``."""
        edit = PasswordEdit(self, placeholder)
        edit.setObjectName(name)
        self.add_field(key, caption, edit)
        return edit

    def finish_layout(
        self,
        accept_text: str,
        accept_icon: str,
        slot: Callable[[], object],
        reject_text: str = "",
        hint: str = "",
        focus: QWidget | None = None,
    ) -> QPushButton:
        """Add the form, the hint, the message and the buttons; returns the accept one.
        ``focus``, when given, has the focus instead of the first field."""
        if focus is not None:
            self.focus_field = focus
        self.box.addLayout(self.form)
        if hint:
            self.box.addWidget(hint_label(hint, self))
        self.box.addWidget(self.message)
        self.buttons = QDialogButtonBox(self)
        accept = self.buttons.addButton(accept_text, QDialogButtonBox.ButtonRole.AcceptRole)
        accept.setIcon(icon(accept_icon))
        accept.setDefault(True)
        if reject_text:
            self.reject_button = self.buttons.addButton(
                reject_text, QDialogButtonBox.ButtonRole.RejectRole
            )
        self.buttons.accepted.connect(slot)
        self.buttons.rejected.connect(self.reject)
        self.box.addWidget(self.buttons)
        self._focus()
        return accept

    def _focus(self) -> None:
        if self.focus_field is not None:
            self.focus_field.setFocus()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        fit_height(self)
        self._focus()

    # --- messages ----------------------------------------------------------------------
    def message_text(self) -> str:
        return self.message.text() if not self.message.isHidden() else ""

    def say(self, text: str, retry: PasswordEdit | None = None) -> None:
        """Show ``text`` in the boxed message; ``retry`` is emptied for another try."""
        show_message(self.message, text)
        fit_height(self)
        if retry is not None:
            retry.clear()
            retry.setFocus()

    def unequal(self, password: PasswordEdit, message: str) -> dict[str, str]:
        """``{"repeat": message}`` when ``password`` and ``self.repeat_edit`` differ."""
        return {"repeat": message} if password.text() != self.repeat_edit.text() else {}

    def submit(self, problems: dict[str, str], action: Callable[[], object]) -> bool:
        """Show ``problems`` (the form's own checks) or run ``action`` and accept."""
        show_message(self.message, "")
        if problems:
            self.errors.show(problems)
            return False
        try:
            action()
        except ValidationError as exc:
            show_message(self.message, "\n".join(self.errors.show(exc.fields)))
            return False
        except ServiceError as exc:  # e.g. locked after too many wrong passwords
            self.errors.clear()
            show_message(self.message, str(exc))
            return False
        self.accept()
        return True
