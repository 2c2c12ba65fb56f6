"""Edit the lab header printed on every document, the paper size and the tube labels."""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, Qt
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from ...i18n import translate
from ...services import settings
from ...services.errors import ServiceError, ValidationError
from ...services.requests import reports
from .. import prompts
from ..widgets.forms import dialog_frame, error_and_buttons, error_line

PAPER_LABELS = {
    "A4": QT_TRANSLATE_NOOP("printing.lab_header_dialog", "A4 (210 × 297 mm)"),
    "Letter": QT_TRANSLATE_NOOP("printing.lab_header_dialog", "Carta / Letter (216 × 279 mm)"),
}
IMAGE_FILTER = QT_TRANSLATE_NOOP(
    "printing.lab_header_dialog", "Imágenes (*.png *.jpg *.jpeg *.bmp *.gif *.svg)"
)


class LabHeaderDialog(QDialog):
    """Lab name, address, RTN, phone, e-mail and logo; paper size; label size and copies."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        layout = dialog_frame(
            self,
            translate("printing.lab_header_dialog", "Encabezado del laboratorio"),
            "settings",
            560,
        )

        header_box = QGroupBox(
            translate("printing.lab_header_dialog", "Encabezado de los documentos")
        )
        form = QFormLayout(header_box)
        self.fields: dict[str, QWidget] = {}
        self.errors: dict[str, QLabel] = {}
        self.name = self._line("lab_name", 120)
        self.address = self._line("lab_address", 250)
        self.rtn = self._line(
            "lab_rtn",
            20,
            translate("printing.lab_header_dialog", "14 dígitos, p. ej. 08019012345678"),
        )
        self.phone = self._line(
            "lab_phone", 60, translate("printing.lab_header_dialog", "p. ej. +504 2550-1234")
        )
        self.email = self._line(
            "lab_email", 254, translate("printing.lab_header_dialog", "p. ej. info@laboratorio.hn")
        )
        for key, label, widget in (
            ("lab_name", translate("printing.lab_header_dialog", "&Nombre *:"), self.name),
            ("lab_address", translate("printing.lab_header_dialog", "&Dirección:"), self.address),
            ("lab_rtn", translate("printing.lab_header_dialog", "&RTN:"), self.rtn),
            ("lab_phone", translate("printing.lab_header_dialog", "&Teléfono:"), self.phone),
            ("lab_email", translate("printing.lab_header_dialog", "C&orreo:"), self.email),
        ):
            form.addRow(self._label(label, widget), self._with_error(key, widget))

        self.logo = QLineEdit()
        self.logo.setReadOnly(True)
        self.logo.setPlaceholderText(translate("printing.lab_header_dialog", "Sin logotipo"))
        self.fields["lab_logo_path"] = self.logo
        browse = QPushButton(translate("printing.lab_header_dialog", "E&xaminar…"))
        browse.setAutoDefault(False)
        browse.clicked.connect(self.choose_logo)
        clear = QPushButton(translate("printing.lab_header_dialog", "&Quitar"))
        clear.setAutoDefault(False)
        clear.clicked.connect(self.clear_logo)
        logo_row = QHBoxLayout()
        logo_row.addWidget(self.logo, 1)
        logo_row.addWidget(browse)
        logo_row.addWidget(clear)
        logo_widget = QWidget()
        logo_widget.setLayout(logo_row)
        logo_row.setContentsMargins(0, 0, 0, 0)
        form.addRow(
            self._label(translate("printing.lab_header_dialog", "&Logotipo:"), browse),
            self._with_error("lab_logo_path", logo_widget),
        )
        self.logo_preview = QLabel()
        self.logo_preview.setFixedHeight(64)
        self.logo_preview.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        form.addRow("", self.logo_preview)
        layout.addWidget(header_box)

        print_box = QGroupBox(translate("printing.lab_header_dialog", "Impresión"))
        print_form = QFormLayout(print_box)
        self.paper = QComboBox()
        for key, text in PAPER_LABELS.items():
            self.paper.addItem(translate("printing.lab_header_dialog", text), key)
        self.fields["paper_size"] = self.paper
        print_form.addRow(
            self._label(translate("printing.lab_header_dialog", "&Papel:"), self.paper),
            self._with_error("paper_size", self.paper),
        )
        self.label_width = self._spin("label_width_mm", *reports.LABEL_WIDTH_RANGE, " mm")
        self.label_height = self._spin("label_height_mm", *reports.LABEL_HEIGHT_RANGE, " mm")
        self.label_copies = self._spin("label_copies", 1, reports.MAX_COPIES, "")
        size_row = QHBoxLayout()
        size_row.setContentsMargins(0, 0, 0, 0)
        size_row.addWidget(self.label_width)
        size_row.addWidget(QLabel("×"))
        size_row.addWidget(self.label_height)
        size_row.addStretch(1)
        size_widget = QWidget()
        size_widget.setLayout(size_row)
        print_form.addRow(
            self._label(
                translate("printing.lab_header_dialog", "&Etiqueta (ancho × alto):"),
                self.label_width,
            ),
            size_widget,
        )
        copies_row = QHBoxLayout()
        copies_row.setContentsMargins(0, 0, 0, 0)
        copies_row.addWidget(self._with_error("label_copies", self.label_copies))
        copies_hint = QLabel(
            translate(
                "printing.lab_header_dialog",
                "(una etiqueta por tipo de muestra de la solicitud)",
            )
        )
        copies_hint.setWordWrap(True)  # whole on a 1024 px screen, in either language
        copies_row.addWidget(copies_hint, 1)
        copies_widget = QWidget()
        copies_widget.setLayout(copies_row)
        print_form.addRow(
            self._label(
                translate("printing.lab_header_dialog", "&Copias por etiqueta:"), self.label_copies
            ),
            copies_widget,
        )
        layout.addWidget(print_box)

        self.general_error, self.buttons, self.save_button, _cancel = error_and_buttons(
            layout,
            translate("printing.lab_header_dialog", "&Guardar"),
            "save",
            translate("printing.lab_header_dialog", "C&ancelar"),
            self,
        )
        self.load()
        self.name.setFocus(Qt.FocusReason.OtherFocusReason)

    # --- building -------------------------------------------------------------------------
    def _line(self, key: str, max_length: int, placeholder: str = "") -> QLineEdit:
        edit = QLineEdit()
        edit.setMaxLength(max_length)
        edit.setPlaceholderText(placeholder)
        edit.textEdited.connect(lambda _text, key=key: self._clear_error(key))
        self.fields[key] = edit
        return edit

    def _clear_error(self, key: str) -> None:
        label = self.errors.get(key)
        if label is not None:
            label.hide()

    def _spin(self, key: str, low: int, high: int, suffix: str) -> QSpinBox:
        spin = QSpinBox()
        spin.setRange(low, high)
        spin.setSuffix(suffix)
        spin.setMinimumWidth(90)
        spin.setMaximumWidth(110)
        self.fields[key] = spin
        return spin

    @staticmethod
    def _label(text: str, buddy: QWidget) -> QLabel:
        label = QLabel(text)
        label.setBuddy(buddy)  # Alt + the underlined letter focuses the field
        return label

    def _with_error(self, key: str, widget: QWidget) -> QWidget:
        box = QWidget()
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        column.addWidget(widget)
        error = error_line()
        column.addWidget(error)
        self.errors[key] = error
        return box

    # --- values ---------------------------------------------------------------------------
    def load(self) -> None:
        self._versions = settings.versions(
            (*reports.LAB_HEADER_KEYS, *reports.PRINT_KEYS)
        )  # optimistic lock: a save over another desk's newer values is refused
        for key in ("lab_name", "lab_address", "lab_rtn", "lab_phone", "lab_email"):
            self.fields[key].setText(str(settings.get(key) or ""))
        self.set_logo(str(settings.get("lab_logo_path") or ""))
        index = self.paper.findData(reports.paper_size())
        self.paper.setCurrentIndex(max(index, 0))
        size = reports.label_settings()
        self.label_width.setValue(size["width_mm"])
        self.label_height.setValue(size["height_mm"])
        self.label_copies.setValue(size["copies"])

    def values(self) -> dict:
        return {
            "lab_name": self.name.text().strip(),
            "lab_address": self.address.text().strip(),
            "lab_rtn": self.rtn.text().strip(),
            "lab_phone": self.phone.text().strip(),
            "lab_email": self.email.text().strip(),
            "lab_logo_path": self.logo.text().strip(),
            "paper_size": self.paper.currentData(),
            "label_width_mm": self.label_width.value(),
            "label_height_mm": self.label_height.value(),
            "label_copies": self.label_copies.value(),
        }

    def set_logo(self, path: str) -> None:
        self._clear_error("lab_logo_path")
        self.logo.setText(path)
        pixmap = QPixmap(path) if path else QPixmap()
        if pixmap.isNull():
            self.logo_preview.setPixmap(QPixmap())
            self.logo_preview.setText(
                translate("printing.lab_header_dialog", "(no se puede mostrar la imagen)")
                if path
                else ""
            )
        else:
            self.logo_preview.setText("")
            self.logo_preview.setPixmap(
                pixmap.scaledToHeight(60, Qt.TransformationMode.SmoothTransformation)
            )

    def choose_logo(self) -> None:
        path = prompts.open_file(
            self,
            translate("printing.lab_header_dialog", "Elegir logotipo"),
            translate("printing.lab_header_dialog", IMAGE_FILTER),
        )
        if path:
            self.set_logo(path)

    def clear_logo(self) -> None:
        self.set_logo("")

    def show_errors(self, errors: dict[str, str]) -> None:
        for key, label in self.errors.items():
            label.setText(errors.get(key, ""))
            label.setVisible(key in errors)
        parts = []
        for key, what in (
            ("label_width_mm", translate("printing.lab_header_dialog", "Ancho de la etiqueta")),
            ("label_height_mm", translate("printing.lab_header_dialog", "Alto de la etiqueta")),
        ):
            if key in errors:
                parts.append(f"{what}: {errors[key]}")
        parts += [
            message
            for key, message in errors.items()
            if key not in self.errors and key not in ("label_width_mm", "label_height_mm")
        ]
        general = " ".join(parts)
        self.general_error.setText(general)
        self.general_error.setVisible(bool(general))
        for key in self.fields:
            if key in errors:
                self.fields[key].setFocus(Qt.FocusReason.OtherFocusReason)
                break

    def accept(self) -> None:
        try:
            reports.save_print_setup(self.values(), getattr(self, "_versions", None))
        except ValidationError as exc:
            self.show_errors(exc.fields)
            return
        except ServiceError as exc:
            prompts.error(
                self, translate("printing.lab_header_dialog", "No se pudo guardar"), str(exc)
            )
            return
        self.show_errors({})
        super().accept()
