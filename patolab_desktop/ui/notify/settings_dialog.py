"""WhatsApp settings for administrators: phone-number id, WABA id, Graph version, the
template and language of each event (and whether it is sent), the access token (kept in
the OS credential store; only its last 4 characters are shown) and *Enviar prueba*."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QGridLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QVBoxLayout,
)

from ...i18n import translate
from ...services.errors import ServiceError, ValidationError
from ...services.notify import config
from ...services.notify.events import EVENT_LABELS, EVENTS
from ...util.translation import translate as service_translate
from .. import prompts
from ..widgets.forms import (
    ERROR_STYLE,
    button_row,
    hint_label,
    labelled_row,
    push_button,
    push_buttons,
)
from ..widgets.keyed_form import keyed_form_box
from ..widgets.screen_fit import fit_to_screen


class NotifySettingsDialog(QDialog):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.setWindowTitle(translate("notify.settings_dialog", "Configuración de WhatsApp"))
        fit_to_screen(self, 760, 560)
        layout = QVBoxLayout(self)
        captions = {
            "notify_phone_number_id": translate("notify.settings_dialog", "Id. del &número:"),
            "notify_waba_id": translate("notify.settings_dialog", "Id. de la &cuenta (WABA):"),
            "notify_graph_version": translate("notify.settings_dialog", "&Versión de Graph:"),
        }
        account, form, self.edits = keyed_form_box(
            translate("notify.settings_dialog", "Cuenta de WhatsApp Cloud API"),
            captions,
            lambda _key: QLineEdit(),
        )
        self.token_edit = QLineEdit()
        self.token_edit.setEchoMode(QLineEdit.EchoMode.Password)
        form.addRow(translate("notify.settings_dialog", "Clave de &acceso:"), self.token_edit)
        self.token_hint = QLabel()
        self.token_hint.setStyleSheet("color: #546e7a;")
        form.addRow("", self.token_hint)
        layout.addWidget(account)

        templates = QGroupBox(
            translate("notify.settings_dialog", "Plantillas aprobadas (UTILITY) por aviso")
        )
        grid = QGridLayout(templates)
        for column, caption in enumerate(
            (
                translate("notify.settings_dialog", "Aviso"),
                translate("notify.settings_dialog", "Plantilla"),
                translate("notify.settings_dialog", "Idioma"),
                translate("notify.settings_dialog", "Enviar"),
            )
        ):
            grid.addWidget(QLabel(f"<b>{caption}</b>"), 0, column)
        self.enabled: dict[str, QCheckBox] = {}
        for row, event in enumerate(EVENTS, start=1):
            grid.addWidget(
                QLabel(service_translate("services.notify", EVENT_LABELS[event])), row, 0
            )
            for column, part in ((1, "template"), (2, "language")):
                edit = QLineEdit()
                self.edits[f"notify_{event}_{part}"] = edit
                grid.addWidget(edit, row, column)
            check = QCheckBox()
            self.enabled[event] = check
            grid.addWidget(check, row, 3)
        layout.addWidget(templates)

        test = QGroupBox(translate("notify.settings_dialog", "Prueba"))
        self.test_phone = QLineEdit()
        self.test_phone.setPlaceholderText("9999-8888")
        self.test_button = push_button(
            translate("notify.settings_dialog", "Enviar &prueba"), slot=self.send_test
        )
        test.setLayout(
            labelled_row(
                translate("notify.settings_dialog", "Ce&lular:"), self.test_phone, self.test_button
            )
        )
        layout.addWidget(test)
        self.error = hint_label("", style=ERROR_STYLE)
        layout.addWidget(self.error)
        buttons = push_buttons(
            (translate("notify.settings_dialog", "&Guardar"), "", self.save),
            (translate("notify.settings_dialog", "C&errar"), "", self.reject),
        )
        self.save_button, self.close_button = buttons
        button_row(layout, right=buttons)
        self.load()

    def load(self) -> None:
        values = config.values()
        for key, edit in self.edits.items():
            edit.setText(str(values.get(key, "")))
        for event, check in self.enabled.items():
            check.setChecked(bool(values.get(f"notify_{event}_enabled", 1)))
        hint = config.token_hint()
        self.token_hint.setText(
            translate("notify.settings_dialog", "Guardada en el almacén de claves: {hint}").format(
                hint=hint
            )
            if hint
            else translate("notify.settings_dialog", "Sin clave guardada.")
        )
        self.token_edit.clear()
        self.token_edit.setPlaceholderText(
            translate("notify.settings_dialog", "Escriba una nueva para cambiarla")
        )

    def current_values(self) -> dict:
        values = {key: edit.text().strip() for key, edit in self.edits.items()}
        for event, check in self.enabled.items():
            values[f"notify_{event}_enabled"] = check.isChecked()
        return values

    def save(self) -> bool:
        """The settings first (nothing is saved when one is wrong), then the new token:
        when the token is refused (mistyped, or no credential store on this computer) the
        settings stay saved and the message says so; the typed token stays to correct."""
        self.error.clear()
        try:
            config.save(self.current_values())
        except ServiceError as exc:
            self.error.setText(str(exc))
            return False
        token = self.token_edit.text().strip()
        try:
            if token:
                config.set_token(token)
        except ServiceError as exc:
            self.error.setText(
                translate(
                    "notify.settings_dialog",
                    "Los demás datos se guardaron; la clave de acceso no: {reason}",
                ).format(reason=exc)
            )
            return False
        self.load()
        return True

    def send_test(self) -> None:
        self.error.clear()
        try:
            config.queue_test(self.test_phone.text())
        except ValidationError as exc:
            self.error.setText(str(exc))
            return
        if config.stopped():  # no desk sends
            text = translate(
                "notify.settings_dialog",
                "Mensaje de prueba en cola, pero el envío está detenido: no se enviará hasta "
                "que pulse «Reanudar el envío» en Archivo › Cola de WhatsApp.",
            )
        elif not config.has_token():  # another desk may hold the token and send it
            text = translate(
                "notify.settings_dialog",
                "Mensaje de prueba en cola. Esta computadora no tiene la clave de acceso: lo "
                "enviará una computadora que la tenga; si ninguna la tiene, no se enviará.",
            )
        else:
            text = translate(
                "notify.settings_dialog",
                "Mensaje de prueba en cola; el envío automático lo manda en unos segundos.",
            )
        prompts.info(self, translate("notify.settings_dialog", "Enviar prueba"), text)
