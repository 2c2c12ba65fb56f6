"""Create / edit one referrer (doctor, hospital, clinic, company…).

Rules live in ``services.referrers``: the dialog shows ``validate`` messages next to
their fields, asks about likely duplicates (``find_duplicates``) before saving a new
referrer, says how many requests an edited referrer has, and refuses to overwrite a
change someone else saved first (``ConflictError``).
Keyboard: the name has focus, Enter saves (Ctrl+Enter from the notes), Esc cancels.
"""

from __future__ import annotations

from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
)

from ...i18n import translate
from ...services.catalog import referrer_types, referrers
from ...services.errors import ConflictError, NotFoundError, ValidationError
from .. import prompts
from ..catalog.forms import NOTICE_STYLE, FieldErrors, dialog_buttons, make_form
from ..icons import icon


class ReferrerDialog(QDialog):
    """``ReferrerDialog(referrer_id=None)``: new when None, else edits that referrer.

    After ``exec()`` returns Accepted, ``saved_id`` is the saved referrer's id. The
    constructor raises ``NotFoundError`` when ``referrer_id`` does not exist.
    """

    def __init__(
        self,
        referrer_id: int | None = None,
        parent=None,
        initial: referrers.ReferrerData | None = None,
    ):
        super().__init__(parent)
        self.setObjectName("referrer_dialog")
        self.referrer_id = referrer_id
        self.saved_id: int | None = None
        self._data = (
            referrers.get(referrer_id)
            if referrer_id is not None
            else (initial or referrers.ReferrerData())
        )
        self.setWindowTitle(
            translate("referrers.referrer_dialog", "Editar remitente")
            if referrer_id
            else translate("referrers.referrer_dialog", "Nuevo remitente")
        )
        self.setWindowIcon(icon("edit" if referrer_id else "referrer_new"))
        self.setModal(True)
        self.setMinimumWidth(520)
        self._build()
        self._load(self._data)
        self.name_edit.setFocus()

    # --- construction ------------------------------------------------------------------
    def _build(self) -> None:
        layout = QVBoxLayout(self)
        self.notice = QLabel(self)
        self.notice.setObjectName("requests_notice")
        self.notice.setStyleSheet(NOTICE_STYLE)
        self.notice.setWordWrap(True)
        self.notice.hide()
        layout.addWidget(self.notice)

        form = make_form()
        self.errors = FieldErrors(self)
        self.name_edit = QLineEdit(self)
        self.name_edit.setMaxLength(referrers.NAME_MAX)
        self.name_edit.setPlaceholderText(
            translate(
                "referrers.referrer_dialog", "Dra. María López · Hospital Mario Catarino Rivas"
            )
        )
        self.errors.add(
            form, "name", translate("referrers.referrer_dialog", "&Nombre:"), self.name_edit
        )
        self.type_combo = QComboBox(self)
        self.type_combo.setObjectName("type_combo")
        self.errors.add(
            form, "type_id", translate("referrers.referrer_dialog", "&Tipo:"), self.type_combo
        )
        self.institution_edit = QLineEdit(self)
        self.institution_edit.setMaxLength(200)
        self.institution_edit.setPlaceholderText(
            translate("referrers.referrer_dialog", "Especialidad, hospital o clínica")
        )
        self.errors.add(
            form,
            "institution",
            translate("referrers.referrer_dialog", "&Institución:"),
            self.institution_edit,
        )
        self.phone_edit = QLineEdit(self)
        self.phone_edit.setMaxLength(30)
        self.phone_edit.setPlaceholderText(
            translate("referrers.referrer_dialog", "9988-7766 (sin código se asume Honduras, +504)")
        )
        self.errors.add(
            form, "phone", translate("referrers.referrer_dialog", "Teléf&ono:"), self.phone_edit
        )
        self.email_edit = QLineEdit(self)
        self.email_edit.setMaxLength(254)
        self.email_edit.setPlaceholderText(
            translate("referrers.referrer_dialog", "nombre@correo.hn")
        )
        self.errors.add(
            form, "email", translate("referrers.referrer_dialog", "&Correo:"), self.email_edit
        )
        self.address_edit = QPlainTextEdit(self)
        self.address_edit.setTabChangesFocus(True)
        self.address_edit.setFixedHeight(52)
        self.errors.add(
            form,
            "address",
            translate("referrers.referrer_dialog", "&Dirección:"),
            self.address_edit,
        )
        self.notes_edit = QPlainTextEdit(self)
        self.notes_edit.setTabChangesFocus(True)
        self.notes_edit.setFixedHeight(64)
        self.errors.add(
            form, "notes", translate("referrers.referrer_dialog", "Nota&s:"), self.notes_edit
        )
        self.active_check = QCheckBox(
            translate(
                "referrers.referrer_dialog",
                "&Activo (aparece al elegir remitente en una solicitud)",
            ),
            self,
        )
        form.addRow("", self.active_check)
        layout.addLayout(form)
        layout.addWidget(self.errors.general)

        self.buttons = dialog_buttons(self)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        for key in ("Ctrl+Return", "Ctrl+Enter", "Ctrl+S"):
            QShortcut(QKeySequence(key), self, activated=self.save)

    def _fill_types(self, current_id: int | None) -> None:
        self.type_combo.clear()
        self.type_combo.addItem(translate("referrers.referrer_dialog", "— Elija el tipo —"), None)
        for row in referrer_types.list_all():
            if row["active"] or row["id"] == current_id:
                self.type_combo.addItem(row["name"], row["id"])
        index = self.type_combo.findData(current_id)
        self.type_combo.setCurrentIndex(max(index, 0))

    def _load(self, data: referrers.ReferrerData) -> None:
        default_type = data.type_id
        if default_type is None and data.id is None:
            default_type = referrer_types.find_by_name("Doctor")
        self._fill_types(default_type)
        self.name_edit.setText(data.name)
        self.institution_edit.setText(data.institution)
        self.phone_edit.setText(referrers.format_phone(data.phone))
        self.email_edit.setText(data.email)
        self.address_edit.setPlainText(data.address)
        self.notes_edit.setPlainText(data.notes)
        self.active_check.setChecked(data.active)
        self.active_check.setVisible(data.id is not None)
        notice = referrers.edit_notice(data.id) if data.id is not None else ""
        if notice:  # the service says it in Spanish; say it in the interface language
            used = referrers.request_count(data.id)
            notice = (
                translate(
                    "referrers.referrer_dialog",
                    "Este remitente tiene 1 solicitud; el cambio se verá también en ella.",
                )
                if used == 1
                else translate(
                    "referrers.referrer_dialog",
                    "Este remitente tiene {used:,} solicitudes; el cambio se verá también en "
                    "ellas.",
                ).format(used=used)
            )
        self.notice.setText(notice)
        self.notice.setVisible(bool(notice))

    # --- saving ------------------------------------------------------------------------
    def data(self) -> referrers.ReferrerData:
        return referrers.ReferrerData(
            id=self._data.id,
            name=self.name_edit.text(),
            type_id=self.type_combo.currentData(),
            phone=self.phone_edit.text(),
            email=self.email_edit.text(),
            address=self.address_edit.toPlainText(),
            institution=self.institution_edit.text(),
            notes=self.notes_edit.toPlainText(),
            active=self.active_check.isChecked(),
            version=self._data.version,
        )

    def save(self) -> bool:
        data = self.data()
        errors = referrers.validate(data)
        if errors:
            self.errors.show(errors)
            return False
        self.errors.clear()
        if data.id is None and not self._confirm_duplicates(data):
            return False
        try:
            if data.id is None:
                self.saved_id = referrers.create(data)
            else:
                referrers.update(data)
                self.saved_id = data.id
        except ValidationError as exc:
            self.errors.show(exc.fields)
            return False
        except ConflictError as exc:
            prompts.error(
                self, translate("referrers.referrer_dialog", "El remitente cambió"), str(exc)
            )
            try:
                self._data = referrers.get(data.id)
            except NotFoundError:
                self.reject()
                return False
            self._load(self._data)
            return False
        self.accept()
        return True

    def _confirm_duplicates(self, data: referrers.ReferrerData) -> bool:
        found = referrers.find_duplicates(data)
        if not found:
            return True
        lines = []
        for row in found[:8]:
            extra = " · ".join(v for v in (row["institution"], row["phone"]) if v)
            state = "" if row["active"] else translate("referrers.referrer_dialog", " (inactivo)")
            lines.append(f"• {row['name']}{state} — {extra or row['type']} ({row['reason']})")
        text = (
            translate("referrers.referrer_dialog", "Ya existe un remitente parecido:\n\n")
            + "\n".join(lines)
            + translate("referrers.referrer_dialog", "\n\n¿Registrar de todos modos uno nuevo?")
        )
        return prompts.confirm(
            self, translate("referrers.referrer_dialog", "Posible remitente duplicado"), text
        )
