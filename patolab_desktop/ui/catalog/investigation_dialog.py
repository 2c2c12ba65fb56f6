"""Create / edit one investigation, with the panel members editor and its price history.

Rules live in ``services.catalog``; the dialog shows ``validate`` messages next to their
fields. Keyboard: the code has focus for a new investigation (the name when editing),
Enter saves, Esc cancels; in the members editor Enter adds the picked investigation.
"""

from __future__ import annotations

from PySide6.QtCore import QRegularExpression, Qt
from PySide6.QtGui import QKeySequence, QRegularExpressionValidator, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QCompleter,
    QDialog,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ...i18n import translate
from ...services import catalog
from ...services.errors import ConflictError, NotFoundError, ServiceError, ValidationError
from .. import prompts
from ..icons import icon
from .forms import HINT_STYLE, FieldErrors, dialog_buttons, make_form
from .members_editor import PanelMembersEditor

PRICE_PATTERN = QRegularExpression(r"^\s*(L\s*)?[0-9][0-9,]*(\.[0-9]{0,3})?\s*$")


class InvestigationDialog(QDialog):
    """``InvestigationDialog(investigation_id=None)``; ``saved_id`` after Accepted."""

    def __init__(self, investigation_id: int | None = None, parent=None, changed_by: str = ""):
        super().__init__(parent)
        self.setObjectName("investigation_dialog")
        self.investigation_id = investigation_id
        self.saved_id: int | None = None
        self._changed_by = changed_by or _acting_user()
        self._data = (
            catalog.get(investigation_id)
            if investigation_id is not None
            else catalog.InvestigationData()
        )
        self.setWindowTitle(
            translate("catalog.investigation_dialog", "Editar investigación")
            if investigation_id
            else translate("catalog.investigation_dialog", "Nueva investigación")
        )
        self.setWindowIcon(icon("edit" if investigation_id else "investigation_new"))
        self.setModal(True)
        self.resize(720, 640)
        self._build()
        self._load(self._data)
        (self.name_edit if investigation_id else self.code_edit).setFocus()

    # --- construction ------------------------------------------------------------------
    def _build(self) -> None:
        self.errors = FieldErrors(self)
        form = make_form()
        self.code_edit = QLineEdit(self)
        self.code_edit.setObjectName("code_edit")
        self.code_edit.setMaxLength(20)
        self.code_edit.setPlaceholderText(
            translate("catalog.investigation_dialog", "p. ej. GLU (se guarda en mayúsculas)")
        )
        self.code_edit.setMaximumWidth(220)
        self.errors.add(
            form, "code", translate("catalog.investigation_dialog", "&Código:"), self.code_edit
        )
        self.name_edit = QLineEdit(self)
        self.name_edit.setMaxLength(catalog.NAME_MAX)
        self.name_edit.setPlaceholderText(
            translate("catalog.investigation_dialog", "Glucosa en ayunas")
        )
        self.errors.add(
            form, "name", translate("catalog.investigation_dialog", "&Nombre:"), self.name_edit
        )
        self.sample_combo = QComboBox(self)
        self.sample_combo.setEditable(True)
        self.sample_combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.sample_combo.lineEdit().setMaxLength(catalog.SAMPLE_MAX)
        self.sample_combo.lineEdit().setPlaceholderText(
            translate("catalog.investigation_dialog", "Suero, Sangre total (EDTA), Orina…")
        )
        self.sample_combo.addItems([""] + catalog.sample_types())
        self.sample_combo.completer().setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.sample_combo.completer().setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.errors.add(
            form,
            "sample_type",
            translate("catalog.investigation_dialog", "&Tipo de muestra:"),
            self.sample_combo,
        )
        self.price_edit = QLineEdit(self)
        self.price_edit.setObjectName("price_edit")
        self.price_edit.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.price_edit.setPlaceholderText("0.000")
        self.price_edit.setMaximumWidth(220)
        self.price_edit.setValidator(QRegularExpressionValidator(PRICE_PATTERN, self))
        price_row = QHBoxLayout()
        price_row.addWidget(self.price_edit)
        self.price_note = QLabel(self)
        self.price_note.setStyleSheet(HINT_STYLE)
        price_row.addWidget(self.price_note, 1)
        self.history_button = QPushButton(
            icon("price_history"),
            translate("catalog.investigation_dialog", "&Historial de precios…"),
            self,
        )
        self.history_button.setAutoDefault(False)
        self.history_button.clicked.connect(self.show_history)
        price_row.addWidget(self.history_button)
        price_box = QWidget(self)
        price_box.setLayout(price_row)
        price_row.setContentsMargins(0, 0, 0, 0)
        self.errors.add(
            form, "price", translate("catalog.investigation_dialog", "&Precio (L):"), price_box
        )
        self.errors.inputs["price"] = self.price_edit
        self.active_check = QCheckBox(
            translate(
                "catalog.investigation_dialog", "&Activa (se ofrece en las solicitudes nuevas)"
            ),
            self,
        )
        form.addRow("", self.active_check)
        self.panel_check = QCheckBox(
            translate(
                "catalog.investigation_dialog",
                "Es un pe&rfil (panel): agrupa otras investigaciones",
            ),
            self,
        )
        self.panel_check.setObjectName("panel_check")
        form.addRow("", self.panel_check)

        self.members_group = QGroupBox(
            translate("catalog.investigation_dialog", "Investigaciones del perfil"), self
        )
        self.members_editor = PanelMembersEditor(self.members_group)
        group_layout = QVBoxLayout(self.members_group)
        group_layout.addWidget(self.members_editor)
        members_error = QLabel(self.members_group)
        group_layout.addWidget(members_error)
        self.errors.register("members", members_error, self.members_editor.picker)

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.members_group, 1)
        layout.addWidget(self.errors.general)
        self.buttons = dialog_buttons(self)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        for key in ("Ctrl+Return", "Ctrl+Enter", "Ctrl+S"):
            QShortcut(QKeySequence(key), self, activated=self.save)

        self.panel_check.toggled.connect(self._panel_toggled)
        self.code_edit.textEdited.connect(self._code_edited)

    def _load(self, data: catalog.InvestigationData) -> None:
        self.code_edit.setText(data.code)
        self.name_edit.setText(data.name)
        self.sample_combo.setCurrentText(data.sample_type)
        self.price_edit.setText("" if data.id is None else f"{data.price:.3f}")
        self.active_check.setChecked(data.active)
        self.active_check.setVisible(data.id is not None)
        self.members_editor.set_panel(data.id, data.code)
        self.members_editor.set_members(
            catalog.members_detail(data.id) if data.id is not None else []
        )
        self.panel_check.setChecked(bool(data.is_panel or data.member_ids))
        self._panel_toggled(self.panel_check.isChecked())
        self.history_button.setVisible(data.id is not None)
        if data.id is not None:
            history = catalog.price_history(data.id)
            if history:
                last = history[0]
                self.price_note.setText(
                    translate(
                        "catalog.investigation_dialog", "Precio desde el {changed_at:%d/%m/%Y}"
                    ).format(changed_at=last["changed_at"])
                )
        else:
            self.price_note.setText(
                translate("catalog.investigation_dialog", "3 decimales, p. ej. 180.000")
            )

    def _panel_toggled(self, checked: bool) -> None:
        self.members_group.setEnabled(checked)

    def _code_edited(self, text: str) -> None:
        """Codes are upper case: show them so while typing (the service stores them so)."""
        if text != text.upper():
            cursor = self.code_edit.cursorPosition()
            self.code_edit.setText(text.upper())
            self.code_edit.setCursorPosition(cursor)
        self.members_editor.set_code(catalog.normalize_code(text))

    # --- saving ------------------------------------------------------------------------
    def data(self) -> catalog.InvestigationData:
        is_panel = self.panel_check.isChecked()
        return catalog.InvestigationData(
            id=self._data.id,
            code=self.code_edit.text(),
            name=self.name_edit.text(),
            sample_type=self.sample_combo.currentText(),
            price=self.price_edit.text(),
            is_panel=is_panel,
            active=self.active_check.isChecked(),
            member_ids=self.members_editor.member_ids() if is_panel else [],
            version=self._data.version,
        )

    def save(self) -> bool:
        data = self.data()
        if (
            not data.is_panel
            and self.members_editor.member_ids()
            and not prompts.confirm(
                self,
                translate("catalog.investigation_dialog", "Dejar de ser perfil"),
                translate(
                    "catalog.investigation_dialog",
                    "Desmarcó «Es un perfil»: se quitarán sus {len} investigaciones. ¿Continuar?",
                ).format(len=len(self.members_editor.member_ids())),
            )
        ):
            return False
        errors = catalog.validate(data)
        if errors:
            self.errors.show(errors)
            return False
        self.errors.clear()
        try:
            if data.id is None:
                self.saved_id = catalog.create(data, changed_by=self._changed_by)
            else:
                catalog.update(data, changed_by=self._changed_by)
                self.saved_id = data.id
        except ValidationError as exc:
            self.errors.show(exc.fields)
            return False
        except ConflictError as exc:
            prompts.error(
                self, translate("catalog.investigation_dialog", "La investigación cambió"), str(exc)
            )
            try:
                self._data = catalog.get(data.id)
            except NotFoundError:
                self.reject()
                return False
            self._load(self._data)
            return False
        except ServiceError as exc:  # RuleError (deactivating a panel member, …)
            self.errors.show({"__all__": str(exc)})
            return False
        self.accept()
        return True

    def show_history(self) -> None:
        from .price_history import PriceHistoryDialog

        if self._data.id is not None:
            PriceHistoryDialog(self._data.id, self).exec()


def _acting_user() -> str:
    """Who is changing prices, for the history ("" when nobody is logged in)."""
    try:
        from ...services.access import session
    except ImportError:  # the users area is not installed
        return ""
    actor = session.current()
    return actor.display_name if actor is not None else ""
