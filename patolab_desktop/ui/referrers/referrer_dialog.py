"""Create / edit one referrer (doctor, hospital, clinic, company…).

Rules live in ``services.referrers``: the dialog shows ``validate`` messages next to
their fields, asks about likely duplicates (``find_duplicates``) before saving a new
referrer, says how many requests an edited referrer has, and refuses to overwrite a
change someone else saved first (``ConflictError``).
Keyboard: the name has focus, Enter saves (Ctrl+Enter from the notes), Esc cancels.
"""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP
from PySide6.QtWidgets import QComboBox, QVBoxLayout

from ...i18n import translate
from ...services.catalog import referrer_types, referrers
from ..widgets.forms import NOTICE_STYLE, hint_label, make_form
from ..widgets.record_dialog import RecordDialog, ask_about_duplicates


class ReferrerDialog(RecordDialog):
    """``ReferrerDialog(referrer_id=None)``: new when None, else edits that referrer.

    After ``exec()`` returns Accepted, ``saved_id`` is the saved referrer's id. The
    constructor raises ``NotFoundError`` when ``referrer_id`` does not exist.
    """

    new_icon = "referrer_new"
    service = referrers
    data_class = referrers.ReferrerData
    new_title = QT_TRANSLATE_NOOP("referrers.referrer_dialog", "Nuevo remitente")
    edit_title = QT_TRANSLATE_NOOP("referrers.referrer_dialog", "Editar remitente")
    changed_title = QT_TRANSLATE_NOOP("referrers.referrer_dialog", "El remitente cambió")
    min_width = 520

    def __init__(
        self,
        referrer_id: int | None = None,
        parent=None,
        initial: referrers.ReferrerData | None = None,
    ):
        super().__init__(referrer_id, parent, initial)

    # --- construction ------------------------------------------------------------------
    def build(self) -> None:
        layout = QVBoxLayout(self)
        self.notice = hint_label("", self, NOTICE_STYLE)
        self.notice.setObjectName("requests_notice")
        self.notice.hide()
        layout.addWidget(self.notice)

        form = make_form()
        self.name_edit = self.line_edit(
            form,
            "name",
            translate("referrers.referrer_dialog", "&Nombre:"),
            translate(
                "referrers.referrer_dialog", "Dra. María López · Hospital Mario Catarino Rivas"
            ),
            referrers.NAME_MAX,
        )
        self.type_combo = QComboBox(self)
        self.type_combo.setObjectName("type_combo")
        self.errors.add(
            form, "type_id", translate("referrers.referrer_dialog", "&Tipo:"), self.type_combo
        )
        self.institution_edit = self.line_edit(
            form,
            "institution",
            translate("referrers.referrer_dialog", "&Institución:"),
            translate("referrers.referrer_dialog", "Especialidad, hospital o clínica"),
            200,
        )
        self.phone_edit = self.line_edit(
            form,
            "phone",
            translate("referrers.referrer_dialog", "Teléf&ono:"),
            translate(
                "referrers.referrer_dialog", "9988-7766 (sin código se asume Honduras, +504)"
            ),
            30,
        )
        self.email_edit = self.line_edit(
            form,
            "email",
            translate("referrers.referrer_dialog", "&Correo:"),
            translate("referrers.referrer_dialog", "nombre@correo.hn"),
            254,
        )
        self.address_edit = self.text_edit(
            form, "address", translate("referrers.referrer_dialog", "&Dirección:"), 52
        )
        self.notes_edit = self.text_edit(
            form, "notes", translate("referrers.referrer_dialog", "Nota&s:"), 64
        )
        self.active_check = self.check_box(
            form,
            "active",
            translate(
                "referrers.referrer_dialog",
                "&Activo (aparece al elegir remitente en una solicitud)",
            ),
        )
        layout.addLayout(form)
        self.finish_layout(layout)

    def _fill_types(self, current_id: int | None) -> None:
        self.type_combo.clear()
        self.type_combo.addItem(translate("referrers.referrer_dialog", "— Elija el tipo —"), None)
        for row in referrer_types.list_all():
            if row["active"] or row["id"] == current_id:
                self.type_combo.addItem(row["name"], row["id"])
        index = self.type_combo.findData(current_id)
        self.type_combo.setCurrentIndex(max(index, 0))

    def load(self, data: referrers.ReferrerData) -> None:
        default_type = data.type_id
        if default_type is None and data.id is None:
            default_type = referrer_types.find_by_name("Doctor")
        super().load(data)
        self._fill_types(default_type)
        self.phone_edit.setText(referrers.format_phone(data.phone))
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
    def confirm_save(self, data: referrers.ReferrerData) -> bool:
        return data.id is not None or self._confirm_duplicates(data)  # new ones only

    def _confirm_duplicates(self, data: referrers.ReferrerData) -> bool:
        def line(row: dict) -> str:
            extra = " · ".join(v for v in (row["institution"], row["phone"]) if v)
            state = "" if row["active"] else translate("referrers.referrer_dialog", " (inactivo)")
            return f"{row['name']}{state} — {extra or row['type']} ({row['reason']})"

        return ask_about_duplicates(
            self,
            referrers.find_duplicates(data),
            line,
            translate("referrers.referrer_dialog", "Posible remitente duplicado"),
            translate("referrers.referrer_dialog", "Ya existe un remitente parecido:\n\n"),
            translate("referrers.referrer_dialog", "\n\n¿Registrar de todos modos uno nuevo?"),
        )
