"""Patient import: pick a CSV, see what will be created, updated and rejected, import.

The analysis and the commit run off the GUI thread (``run_with_progress``); nothing is
written before "Importar", and the commit is all or nothing (``services.patient_import``).
"""

from __future__ import annotations

from html import escape
from pathlib import Path

from PySide6.QtCore import QT_TRANSLATE_NOOP, QAbstractTableModel, QModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ...i18n import translate
from ...services import customers
from ...services.customers.importing import ImportPlan, ImportResult, ImportRow
from ...util.release import release_in_background
from ...util.text import clean
from .. import prompts
from ..icons import icon
from ..widgets.progress import run_with_progress
from ..widgets.screen_fit import fit_to_screen
from ..widgets.table import make_table_view

ROOT = QModelIndex()  # the invisible root of a flat table model


FILE_FILTER = QT_TRANSLATE_NOOP(
    "customers.import_dialog", "Archivos CSV (*.csv *.txt);;Todos los archivos (*)"
)

STATUS_TEXT = {
    "create": QT_TRANSLATE_NOOP("customers.import_dialog", "Nuevo"),
    "update": QT_TRANSLATE_NOOP("customers.import_dialog", "Actualizar"),
    "same": QT_TRANSLATE_NOOP("customers.import_dialog", "Sin cambios"),
    "reject": QT_TRANSLATE_NOOP("customers.import_dialog", "Rechazado"),
    "merge": QT_TRANSLATE_NOOP("customers.import_dialog", "Unida a otra línea"),
}
STATUS_ICON = {
    "create": "import_create",
    "update": "import_update",
    "same": "import_same",
    "reject": "import_reject",
    "merge": "import_same",
}
STATUS_COLOR = {
    "create": "#2e7d32",
    "update": "#1565c0",
    "same": "#546e7a",
    "reject": "#c62828",
    "merge": "#546e7a",
}
INCOMPLETE_COLOR = "#c77700"


def row_status(row: ImportRow) -> str:
    if row.action == "update" and not row.changes:
        return "same"
    return row.action


def row_detail(row: ImportRow) -> str:
    if row.action in ("reject", "merge"):
        return row.reason
    parts = []
    if row.note:
        parts.append(row.note)
    if row.merged_lines:
        parts.append(
            translate("customers.import_dialog", "Misma persona en las líneas {lines}").format(
                lines=", ".join(str(line) for line in row.merged_lines)
            )
        )
    if row.action == "update":
        parts.append(
            translate("customers.import_dialog", "Cambia: ") + ", ".join(row.changes)
            if row.changes
            else translate("customers.import_dialog", "Sin cambios")
        )
    if row.missing:
        parts.append(
            translate("customers.import_dialog", "Incompleto; faltan: ") + ", ".join(row.missing)
        )
    return ". ".join(parts)


def _when_counted(*counted: tuple[int, str]) -> list[str]:
    """The texts of the ``(count, text)`` pairs whose count is not zero, in order."""
    return [text for count, text in counted if count]


class ImportPreviewModel(QAbstractTableModel):
    """Rows of an ``ImportPlan`` (already in memory): line, result, values, reason."""

    COLUMNS = (
        QT_TRANSLATE_NOOP("customers.import_dialog", "Línea"),
        QT_TRANSLATE_NOOP("customers.import_dialog", "Resultado"),
        QT_TRANSLATE_NOOP("customers.import_dialog", "Nombre"),
        QT_TRANSLATE_NOOP("customers.import_dialog", "Teléfono"),
        QT_TRANSLATE_NOOP("customers.import_dialog", "Correo"),
        QT_TRANSLATE_NOOP("customers.import_dialog", "Identidad"),
        QT_TRANSLATE_NOOP("customers.import_dialog", "Detalle"),
    )
    VALUE_KEYS = {2: "name", 3: "phone", 4: "email", 5: "id_number"}
    ROW_ROLE = Qt.ItemDataRole.UserRole + 1

    def __init__(self, rows: list[ImportRow] | None = None, parent=None):
        super().__init__(parent)
        self._rows: list[ImportRow] = list(rows or [])

    def set_rows(self, rows: list[ImportRow]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def take_rows(self) -> list[ImportRow]:
        """Empty the model and hand back its list of rows (to be let go of gradually)."""
        self.beginResetModel()
        rows, self._rows = self._rows, []
        self.endResetModel()
        return rows

    def import_row(self, row: int) -> ImportRow:
        return self._rows[row]

    def rowCount(self, parent=ROOT) -> int:  # noqa: N802 (Qt API)
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent=ROOT) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if (
            orientation == Qt.Orientation.Horizontal
            and role == Qt.ItemDataRole.DisplayRole
            and 0 <= section < len(self.COLUMNS)
        ):
            return translate("customers.import_dialog", self.COLUMNS[section])
        return None

    def _text(self, row: ImportRow, column: int) -> str:
        if column == 0:
            return str(row.line)
        if column == 1:
            return translate("customers.import_dialog", STATUS_TEXT[row_status(row)])
        if column == 6:
            return row_detail(row)
        value = clean(row.values.get(self.VALUE_KEYS[column], ""))
        if row.data is not None:  # a valid row: show what will be stored
            if column == 3:
                value = customers.format_phone(customers.normalise_phone(row.data.phone))
            elif column == 5 and value:
                value = customers.format_id_number(customers.normalise_id_number(value))
        return value

    def data(self, index: QModelIndex, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not (0 <= index.row() < len(self._rows)):
            return None
        row, column = self._rows[index.row()], index.column()
        if not 0 <= column < len(self.COLUMNS):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(row, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            if column in (1, 6):
                return row_detail(row) or None
            if column in self.VALUE_KEYS:
                return row.values.get(self.VALUE_KEYS[column]) or None
            return None
        if role == Qt.ItemDataRole.ForegroundRole and column in (1, 6):
            color = STATUS_COLOR[row_status(row)]
            if row.action != "reject" and row.missing and column == 6:
                color = INCOMPLETE_COLOR
            return QBrush(QColor(color))
        if role == Qt.ItemDataRole.DecorationRole and column == 1:
            return icon(STATUS_ICON[row_status(row)])
        if role == Qt.ItemDataRole.TextAlignmentRole and column == 0:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == self.ROW_ROLE:
            return row.line
        return None


class ImportDialog(QDialog):
    """The "Importar pacientes (CSV)" window. ``imported(ImportResult)`` after a commit."""

    imported = Signal(object)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("import_dialog")
        self.setWindowTitle(translate("customers.import_dialog", "Importar pacientes desde CSV"))
        self.setWindowIcon(icon("import"))
        fit_to_screen(self, 1040, 600)
        self.plan: ImportPlan | None = None
        self.import_result: ImportResult | None = None

        self.path_edit = QLineEdit(self)
        self.path_edit.setReadOnly(True)
        self.path_edit.setPlaceholderText(
            translate("customers.import_dialog", "Elija un archivo CSV…")
        )
        self.path_edit.setObjectName("import_path")
        self.choose_button = QPushButton(
            icon("import"), translate("customers.import_dialog", "&Elegir archivo…"), self
        )
        self.choose_button.setObjectName("import_choose")
        self.choose_button.setAutoDefault(False)
        self.choose_button.setToolTip("Ctrl+O")
        self.choose_button.clicked.connect(self.choose_file)
        QShortcut(QKeySequence.StandardKey.Open, self, activated=self.choose_file)

        self.info_label = QLabel(self)
        self.info_label.setObjectName("import_info")
        self.info_label.setWordWrap(True)
        self.info_label.setText(
            translate(
                "customers.import_dialog",
                "Columnas aceptadas (mayúsculas y acentos no importan): nombre, teléfono "
                "(obligatorias), correo, identidad/DNI/RTN, tipo, género, edad, fecha de "
                "nacimiento, departamento, municipio, dirección, notas. Máximo 5 MB.",
            )
        )
        self.counts_label = QLabel(self)
        self.counts_label.setObjectName("import_counts")
        self.counts_label.setTextFormat(Qt.TextFormat.RichText)

        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("import_tabs")
        self.models: dict[str, ImportPreviewModel] = {}
        self.views = {}
        for key in ("all", "create", "update", "reject"):
            model = ImportPreviewModel(parent=self)
            view = make_table_view(self)
            view.setObjectName(f"import_table_{key}")
            view.setSortingEnabled(False)
            view.setModel(model)
            header = view.horizontalHeader()
            header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
            for column, width in enumerate((52, 118, 190, 124, 190, 126)):
                header.resizeSection(column, width)
            self.models[key], self.views[key] = model, view
            self.tabs.addTab(view, "")
            view.selectionModel().currentRowChanged.connect(
                lambda current, _previous, key=key: self._show_detail(key, current.row())
            )
        self.tabs.setTabIcon(1, icon("import_create"))
        self.tabs.setTabIcon(2, icon("import_update"))
        self.tabs.setTabIcon(3, icon("import_reject"))
        self._update_tab_titles()
        self.tabs.currentChanged.connect(lambda _index: self._show_current_detail())

        # the whole reason of the selected row (the table cell may be cut)
        self.detail_label = QLabel(self)
        self.detail_label.setObjectName("import_detail")
        self.detail_label.setWordWrap(True)
        self.detail_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.detail_label.setMinimumHeight(self.fontMetrics().lineSpacing() * 2 + 6)
        self.detail_label.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)

        self.buttons = QDialogButtonBox(self)
        self.import_button = self.buttons.addButton(
            translate("customers.import_dialog", "&Importar"),
            QDialogButtonBox.ButtonRole.AcceptRole,
        )
        self.import_button.setObjectName("import_commit")
        self.import_button.setIcon(icon("save"))
        self.import_button.setDefault(True)
        self.cancel_button = self.buttons.addButton(
            translate("customers.import_dialog", "Cancelar"), QDialogButtonBox.ButtonRole.RejectRole
        )
        self.cancel_button.setObjectName("import_cancel")
        self.import_button.clicked.connect(self.import_now)
        self.cancel_button.clicked.connect(self.reject)
        self.import_button.setEnabled(False)

        top = QHBoxLayout()
        top.addWidget(QLabel(translate("customers.import_dialog", "Archivo:"), self))
        top.addWidget(self.path_edit, 1)
        top.addWidget(self.choose_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.info_label)
        layout.addWidget(self.counts_label)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.detail_label)
        layout.addWidget(self.buttons)

    # --- actions ------------------------------------------------------------------------
    def choose_file(self) -> bool:
        path = prompts.open_file(
            self,
            translate("customers.import_dialog", "Importar pacientes desde CSV"),
            translate("customers.import_dialog", FILE_FILTER),
        )
        return self.load(path) if path else False

    def load(self, path: str) -> bool:
        """Analyse ``path`` (off the GUI thread) and show the preview; False on failure."""
        from ...services.customers import importing as patient_import

        self.path_edit.setText(str(path))
        outcome = run_with_progress(
            self,
            translate("customers.import_dialog", "Analizar el archivo"),
            patient_import.analyse,
            path,
            label=translate("customers.import_dialog", "Leyendo y validando el archivo"),
        )
        if not outcome.ok:
            self.show_plan(None)
            if outcome.error is not None:
                self.counts_label.setText(
                    translate(
                        "customers.import_dialog",
                        "<span style='color:{reject}'>No se puede importar este archivo (vea el "
                        "mensaje).</span>",
                    ).format(reject=STATUS_COLOR["reject"])
                )
            return False
        self.show_plan(outcome.result)
        return True

    def show_plan(self, plan: ImportPlan | None) -> None:
        if self.plan is not None and self.plan is not plan:
            self._let_go_of_plan()
        self.plan = plan
        if plan is None:
            for model in self.models.values():
                model.set_rows([])
            self.counts_label.setText("")
            self.import_button.setEnabled(False)
            self._update_tab_titles()
            return
        self.models["all"].set_rows(plan.rows)
        self.models["create"].set_rows(plan.created)
        self.models["update"].set_rows(plan.updated)
        self.models["reject"].set_rows(plan.rejected)
        self._update_tab_titles()
        self.counts_label.setText(self.counts_text(plan))
        details = [
            translate("customers.import_dialog", "Codificación: {encoding}").format(
                encoding=plan.encoding
            ),
            translate("customers.import_dialog", "separador: «{delimiter}»").format(
                delimiter=plan.delimiter
            ),
            translate("customers.import_dialog", "{total} filas de datos").format(total=plan.total),
        ]
        if plan.ignored_columns:
            details.append(
                translate("customers.import_dialog", "columnas ignoradas: ")
                + ", ".join(plan.ignored_columns)
            )
        self.info_label.setText("; ".join(details) + ".")
        work = len(plan.created) + len(plan.updated) - plan.unchanged_count
        self.import_button.setEnabled(work > 0)
        self.tabs.setCurrentIndex(3 if plan.rejected else 0)
        view = self.views["reject" if plan.rejected else "all"]
        if view.model().rowCount():
            view.selectRow(0)
        view.setFocus()
        self._show_current_detail()

    @staticmethod
    def counts_text(plan: ImportPlan) -> str:
        parts = [
            translate(
                "customers.import_dialog", "<b style='color:{create}'>{len} nuevos</b>"
            ).format(create=STATUS_COLOR["create"], len=len(plan.created)),
            translate(
                "customers.import_dialog", "<b style='color:{update}'>{len} actualizaciones</b>"
            ).format(update=STATUS_COLOR["update"], len=len(plan.updated))
            + (
                translate("customers.import_dialog", " ({unchanged_count} sin cambios)").format(
                    unchanged_count=plan.unchanged_count
                )
                if plan.unchanged_count
                else ""
            ),
            translate(
                "customers.import_dialog", "<b style='color:{reject}'>{len} rechazados</b>"
            ).format(reject=STATUS_COLOR["reject"], len=len(plan.rejected)),
        ]
        parts += _when_counted(
            (
                len(plan.merged),
                translate(
                    "customers.import_dialog", "{len} líneas repetidas unidas a su primera línea"
                ).format(len=len(plan.merged)),
            ),
            (
                plan.family_count,
                translate(
                    "customers.import_dialog",
                    "{len} nuevos con el teléfono de otro paciente (¿familiares?)",
                ).format(len=plan.family_count),
            ),
            (
                plan.incomplete_count,
                translate(
                    "customers.import_dialog",
                    "<span style='color:{INCOMPLETE_COLOR}'>{incomplete_count} quedarán "
                    "incompletos (faltan datos de registro)</span>",
                ).format(INCOMPLETE_COLOR=INCOMPLETE_COLOR, incomplete_count=plan.incomplete_count),
            ),
        )
        text = " · ".join(parts)
        if plan.rejected:
            text += translate(
                "customers.import_dialog",
                "<br>Las filas rechazadas no se importan; corrija el archivo si las necesita.",
            )
        return text

    def _show_current_detail(self) -> None:
        key = ("all", "create", "update", "reject")[max(self.tabs.currentIndex(), 0)]
        current = self.views[key].currentIndex()
        self._show_detail(key, current.row() if current.isValid() else -1)

    def _show_detail(self, key: str, row: int) -> None:
        model = self.models[key]
        if not 0 <= row < model.rowCount():
            self.detail_label.setText("")
            return
        item = model.import_row(row)
        name = clean(item.values.get("name", ""))
        status = translate("customers.import_dialog", STATUS_TEXT[row_status(item)])
        detail = row_detail(item)
        color = STATUS_COLOR[row_status(item)]
        text = translate(
            "customers.import_dialog",
            "<b>Línea {line}</b> — {v}: <span style='color:{color}'>{status}</span>",
        ).format(line=item.line, v=escape(name) or "(sin nombre)", color=color, status=status)
        if detail:
            text += f". {escape(detail)}"
        self.detail_label.setText(text)

    def _update_tab_titles(self) -> None:
        titles = (
            ("all", translate("customers.import_dialog", "Todas")),
            ("create", translate("customers.import_dialog", "Nuevos")),
            ("update", translate("customers.import_dialog", "Actualizaciones")),
            ("reject", translate("customers.import_dialog", "Rechazados")),
        )
        for index, (key, title) in enumerate(titles):
            self.tabs.setTabText(index, f"{title} ({self.models[key].rowCount()})")

    def _let_go_of_plan(self) -> None:
        """Free the shown plan and its preview rows off the GUI thread: 100,000 rows took
        200 ms to free at once, a frozen window (``util.release``)."""
        plan, self.plan = self.plan, None
        lists = [model.take_rows() for model in self.models.values()]
        if plan is not None:
            lists += plan.row_lists()
        release_in_background(lists)

    def done(self, result: int) -> None:  # noqa: D102 (QDialog: accept, reject, Esc, close)
        self._let_go_of_plan()
        super().done(result)

    def import_now(self) -> None:
        from ...services.customers import importing as patient_import

        plan = self.plan
        if plan is None or not self.import_button.isEnabled():
            return
        title = translate("customers.import_dialog", "Importar pacientes")
        if plan.rejected and not prompts.confirm(
            self,
            title,
            translate(
                "customers.import_dialog",
                "{len} filas rechazadas no se importarán. ¿Importar las demás?",
            ).format(len=len(plan.rejected)),
        ):
            return
        outcome = run_with_progress(
            self,
            title,
            patient_import.commit,
            plan,
            label=translate("customers.import_dialog", "Guardando pacientes"),
            skip_rejected=True,  # the rejected rows were confirmed above
        )
        if outcome.cancelled:
            prompts.info(
                self,
                translate("customers.import_dialog", "Importación cancelada"),
                translate(
                    "customers.import_dialog",
                    "Se canceló la importación: no se guardó ningún cambio.",
                ),
            )
            return
        if not outcome.ok:
            return  # the error was shown; nothing was saved (the transaction rolled back)
        self.import_result = result = outcome.result
        lines = [
            translate("customers.import_dialog", "Nuevos: {created}").format(
                created=result.created
            ),
            translate("customers.import_dialog", "Actualizados: {updated}").format(
                updated=result.updated
            ),
        ]
        lines += _when_counted(
            (
                result.unchanged,
                translate("customers.import_dialog", "Sin cambios: {unchanged}").format(
                    unchanged=result.unchanged
                ),
            ),
            (
                result.rejected,
                translate(
                    "customers.import_dialog", "Rechazados (no importados): {rejected}"
                ).format(rejected=result.rejected),
            ),
            (
                result.incomplete,
                translate(
                    "customers.import_dialog",
                    "Incompletos: {incomplete} — complételos cuando vengan (filtro «Incompletos» "
                    "de la lista de clientes).",
                ).format(incomplete=result.incomplete),
            ),
        )
        prompts.info(
            self, translate("customers.import_dialog", "Importación terminada"), "\n".join(lines)
        )
        self.imported.emit(result)
        self.accept()

    def file_name(self) -> str:
        return Path(self.path_edit.text()).name
