"""Create / edit one investigation, with the panel members editor and its price history.

Rules live in ``services.catalog``; the dialog shows ``validate`` messages next to their
fields. Keyboard: the code has focus for a new investigation (the name when editing),
Enter saves, Esc cancels; in the members editor Enter adds the picked investigation.
"""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, QRegularExpression, Qt
from PySide6.QtGui import QRegularExpressionValidator
from PySide6.QtWidgets import (
    QComboBox,
    QCompleter,
    QGroupBox,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
)

from ...i18n import translate
from ...services import catalog
from ...util.money import edit_text
from .. import prompts
from ..icons import icon
from ..widgets.forms import HINT_STYLE, inline_row, make_form
from ..widgets.record_dialog import RecordDialog
from ..widgets.screen_fit import fit_to_screen
from .members_editor import PanelMembersEditor

# commas only between thousands ("1,250.50"); "12,50" is still typed on its way to
# "12,500", and the service refuses it if it stays so (``util.money.without_thousands``)
PRICE_PATTERN = QRegularExpression(r"^\s*(L\s*)?([0-9]{1,3}(,[0-9]{3})+|[0-9]+)(\.[0-9]{0,3})?\s*$")


class InvestigationDialog(RecordDialog):
    """``InvestigationDialog(investigation_id=None)``; ``saved_id`` after Accepted."""

    new_icon = "investigation_new"
    service = catalog
    data_class = catalog.InvestigationData
    new_title = QT_TRANSLATE_NOOP("catalog.investigation_dialog", "Nueva investigación")
    edit_title = QT_TRANSLATE_NOOP("catalog.investigation_dialog", "Editar investigación")
    changed_title = QT_TRANSLATE_NOOP("catalog.investigation_dialog", "La investigación cambió")

    def __init__(self, investigation_id: int | None = None, parent=None, changed_by: str = ""):
        self._changed_by = changed_by or _acting_user()
        super().__init__(investigation_id, parent)
        fit_to_screen(self, 720, 640)

    def first_field(self):
        return self.name_edit if self.record_id is not None else self.code_edit

    def build(self) -> None:
        form = make_form()
        self.code_edit = self.line_edit(
            form,
            "code",
            translate("catalog.investigation_dialog", "&Código:"),
            translate("catalog.investigation_dialog", "p. ej. GLU (se guarda en mayúsculas)"),
            20,
        )
        self.code_edit.setObjectName("code_edit")
        self.code_edit.setMaximumWidth(220)
        self.name_edit = self.line_edit(
            form,
            "name",
            translate("catalog.investigation_dialog", "&Nombre:"),
            translate("catalog.investigation_dialog", "Glucosa en ayunas"),
            catalog.NAME_MAX,
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
        price_box, price_row = inline_row(self)
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
        self.errors.add(
            form, "price", translate("catalog.investigation_dialog", "&Precio (L):"), price_box
        )
        self.errors.inputs["price"] = self.price_edit
        from ...services.billing.types import TAX_CLASS_LABELS, TAX_CLASSES
        from ...services.billing.types import label as tax_label

        self.tax_combo = QComboBox(self)  # billing (issue 17): exento / gravado 15 / 18 %
        for key in TAX_CLASSES:
            self.tax_combo.addItem(tax_label(TAX_CLASS_LABELS, key), key)
        self.tax_combo.setMaximumWidth(220)
        # saved with the rest of the row by ``catalog.create``/``update``, one transaction: a
        # second step after the create needed catalog.edit, and a role that may only create
        # was told «not saved» about an investigation already in the catalog
        self.bind("tax_class", self.tax_combo)
        form.addRow(
            translate("catalog.investigation_dialog", "Impuesto (factura):"), self.tax_combo
        )
        self.active_check = self.check_box(
            form,
            "active",
            translate(
                "catalog.investigation_dialog", "&Activa (se ofrece en las solicitudes nuevas)"
            ),
        )
        self.panel_check = self.check_box(
            form,
            "is_panel",
            translate(
                "catalog.investigation_dialog",
                "Es un pe&rfil (panel): agrupa otras investigaciones",
            ),
        )
        self.panel_check.setObjectName("panel_check")

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
        self.finish_layout(layout)

        self.panel_check.toggled.connect(self._panel_toggled)
        self.code_edit.textEdited.connect(self._code_edited)

    def load(self, data: catalog.InvestigationData) -> None:
        super().load(data)
        self.price_edit.setText("" if data.id is None else edit_text(data.price))
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
        data = super().data()
        data.member_ids = self.members_editor.member_ids() if data.is_panel else []
        return data

    def before_save(self, data: catalog.InvestigationData) -> bool:
        if data.is_panel or not self.members_editor.member_ids():
            return True
        return prompts.confirm(
            self,
            translate("catalog.investigation_dialog", "Dejar de ser perfil"),
            translate(
                "catalog.investigation_dialog",
                "Desmarcó «Es un perfil»: se quitarán sus {len} investigaciones. ¿Continuar?",
            ).format(len=len(self.members_editor.member_ids())),
        )

    def create(self, data: catalog.InvestigationData) -> int:
        return catalog.create(data, changed_by=self._changed_by)

    def update(self, data: catalog.InvestigationData) -> None:
        catalog.update(data, changed_by=self._changed_by)

    def show_history(self) -> None:
        from .price_history import PriceHistoryDialog

        if self.record.id is not None:
            PriceHistoryDialog(self.record.id, self).exec()


def _acting_user() -> str:
    """Who is changing prices, for the history ("" when nobody is logged in)."""
    try:
        from ...services.access import session
    except ImportError:  # the users area is not installed
        return ""
    actor = session.current()
    return actor.display_name if actor is not None else ""
