"""The base of the dialogs that change a saved request through one service call
(«Editar datos…», «Descuento…»): the request's number and patient on top, the fields,
then a red error line and «Guardar» / «Cancelar». A refusal stays in the dialog; a change
another desk made meanwhile (the version shown) is said and the dialog closes, so the
detail shows the request as it now is."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QLabel, QVBoxLayout

from ...i18n import translate
from ...services.errors import ConflictError, ServiceError, ValidationError
from .. import prompts
from ..widgets.forms import dialog_frame, error_and_buttons
from .common import field, show_error


class RequestChangeDialog(QDialog):
    """``detail`` as ``requests.get`` gives it. A subclass adds its fields to ``layout``,
    calls ``add_foot()`` and implements ``save()`` (the service call, which raises on a
    refusal). Accepted once saved (``saved``)."""

    def __init__(self, detail, parent, by: str, title: str, icon_name: str, width: int):
        super().__init__(parent)
        self.detail = detail
        self.saved = False
        self._by = by
        self.layout_: QVBoxLayout = dialog_frame(self, title, icon_name, width)
        self.heading = QLabel(
            translate("requests.change_dialog", "Solicitud <b>{number}</b> · {patient}").format(
                number=field(detail, "request_number", ""),
                patient=field(detail, "patient_name", ""),
            )
        )
        self.layout_.addWidget(self.heading)

    def add_foot(self) -> None:
        """The error line and the buttons, after the subclass's fields."""
        self.error, self.buttons, self.save_button, self.close_button = error_and_buttons(
            self.layout_,
            translate("requests.change_dialog", "&Guardar"),
            "save",
            translate("requests.change_dialog", "Cancelar"),
            self,
        )

    def save(self) -> None:
        """The service call; ``ValidationError`` / ``ServiceError`` when refused."""
        raise NotImplementedError

    def after_save(self) -> None:
        """What to say once saved (nothing by default)."""

    def accept(self) -> None:
        if self.saved:
            return  # Enter and the button both asked
        try:
            self.save()
        except ValidationError as exc:
            show_error(self.error, " ".join(exc.fields.values()))
            return
        except ConflictError as exc:  # another desk changed it: the detail reloads
            prompts.error(self, translate("requests.change_dialog", "No se guardó"), str(exc))
            self.reject()
            return
        except ServiceError as exc:  # a rule, or the permission is gone
            show_error(self.error, str(exc))
            return
        self.saved = True
        self.after_save()
        super().accept()


__all__ = ["RequestChangeDialog"]
