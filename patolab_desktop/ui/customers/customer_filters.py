"""Filter widgets of the customers list: type, gender, department → municipality, inactive."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QCheckBox, QComboBox, QHBoxLayout, QLabel, QSizePolicy, QWidget

from ...i18n import translate
from ...services import customers, reference
from ...services.texts import translated_labels
from ..widgets.searchable_combo import refill_combo


class CustomerFilterBar(QWidget):
    """Emits ``changed`` whenever a filter changes; ``apply_to(filter)`` fills a CustomerFilter."""

    changed = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)

        self.type_combo = self._combo(translate("customers.customer_filters", "Tipo de cliente"))
        refill_combo(
            self.type_combo,
            list(translated_labels(customers.TYPE_LABELS).items()),
            translate("customers.customer_filters", "Todos los tipos"),
        )
        self.gender_combo = self._combo(translate("customers.customer_filters", "Género"))
        refill_combo(
            self.gender_combo,
            reference.genders(),
            translate("customers.customer_filters", "Todos los géneros"),
        )
        self.department_combo = self._combo(translate("customers.customer_filters", "Departamento"))
        refill_combo(
            self.department_combo,
            reference.departments(),
            translate("customers.customer_filters", "Todos los departamentos"),
        )
        self.municipality_combo = self._combo(
            translate("customers.customer_filters", "Municipio (elija antes el departamento)")
        )
        self._reload_municipalities()

        self.inactive_check = QCheckBox(
            translate("customers.customer_filters", "Mostrar i&nactivos"), self
        )
        self.inactive_check.setToolTip(
            translate(
                "customers.customer_filters", "Incluye los clientes desactivados, para reactivarlos"
            )
        )
        self.incomplete_check = QCheckBox(
            translate("customers.customer_filters", "Solo inco&mpletos"), self
        )
        self.incomplete_check.setToolTip(
            translate(
                "customers.customer_filters",
                "Solo los clientes importados a los que les faltan datos",
            )
        )

        label = QLabel(translate("customers.customer_filters", "&Filtros:"), self)
        label.setBuddy(self.type_combo)
        layout.addWidget(label)
        for combo in (
            self.type_combo,
            self.gender_combo,
            self.department_combo,
            self.municipality_combo,
        ):
            layout.addWidget(combo)
        layout.addWidget(self.inactive_check)
        layout.addWidget(self.incomplete_check)
        layout.addStretch(1)

        self.department_combo.currentIndexChanged.connect(self._department_changed)
        for signal in (
            self.type_combo.currentIndexChanged,
            self.gender_combo.currentIndexChanged,
            self.municipality_combo.currentIndexChanged,
            self.inactive_check.toggled,
            self.incomplete_check.toggled,
        ):
            signal.connect(self.changed)

    def _combo(self, tooltip: str) -> QComboBox:
        combo = QComboBox(self)
        combo.setToolTip(tooltip)
        combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        combo.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        combo.setMaxVisibleItems(20)
        return combo

    def _reload_municipalities(self) -> None:
        department_id = self.department_combo.currentData()
        items = reference.municipalities(department_id) if department_id else []
        refill_combo(
            self.municipality_combo,
            items,
            translate("customers.customer_filters", "Todos los municipios"),
        )
        self.municipality_combo.setEnabled(bool(department_id))

    def _department_changed(self) -> None:
        self._reload_municipalities()
        self.changed.emit()

    # --- reading and setting ------------------------------------------------------------
    def apply_to(self, filters: customers.CustomerFilter) -> customers.CustomerFilter:
        filters.type = self.type_combo.currentData()
        filters.gender_id = self.gender_combo.currentData()
        filters.department_id = self.department_combo.currentData()
        filters.municipality_id = self.municipality_combo.currentData()
        filters.include_inactive = self.inactive_check.isChecked()
        filters.incomplete_only = self.incomplete_check.isChecked()
        return filters

    def set_values(
        self,
        type=None,
        gender_id=None,
        department_id=None,  # noqa: A002
        municipality_id=None,
        include_inactive=False,
        incomplete_only=False,
    ) -> None:
        """Set every filter at once and emit ``changed`` once (used by code and tests)."""
        self.blockSignals(True)
        try:
            self._select(self.type_combo, type)
            self._select(self.gender_combo, gender_id)
            self._select(self.department_combo, department_id)
            self._reload_municipalities()
            self._select(self.municipality_combo, municipality_id)
            self.inactive_check.setChecked(include_inactive)
            self.incomplete_check.setChecked(incomplete_only)
        finally:
            self.blockSignals(False)
        self.changed.emit()

    @staticmethod
    def _select(combo: QComboBox, value) -> None:
        index = combo.findData(value) if value is not None else 0
        combo.setCurrentIndex(max(index, 0))
