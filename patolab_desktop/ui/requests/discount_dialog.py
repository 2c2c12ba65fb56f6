"""«Descuento…» of a saved request (seed 004: a manual discount with its reason): the
percentage and the reason, or «Ninguno» to withdraw it. The service recalculates the
lines (the age discount stays when it is larger), refuses a request already on a factura
and a change another desk made meanwhile (the version shown), and needs the permission
``discounts.manual`` (Supervisor, Administrador)."""

from __future__ import annotations

from decimal import Decimal

from PySide6.QtWidgets import QDoubleSpinBox, QGridLayout, QLabel, QLineEdit

from ...i18n import translate
from ...services import requests as requests_service
from ...services.access import session
from ...services.requests import reports
from .. import prompts
from ..widgets.forms import add_labelled, tab_chain
from .change_dialog import RequestChangeDialog
from .common import acting_user, discount_description, field, format_money


class DiscountDialog(RequestChangeDialog):
    """``DiscountDialog(detail)``, ``detail`` as ``requests.get`` gives it; Accepted once
    saved (``saved``)."""

    def __init__(self, detail, parent=None, by: str = ""):
        super().__init__(
            detail,
            parent,
            by,
            translate("requests.discount_dialog", "Descuento manual"),
            "discount",
            460,
        )
        now = discount_description(
            field(detail, "discount_kind", ""),
            field(detail, "discount_percent", 0),
            field(detail, "patient_age"),
        )
        to_pay = reports.charge_totals(detail)  # as the factura charges it
        self.amounts = QLabel(
            translate(
                "requests.discount_dialog",
                "Total {total} · descuento actual: {discount} · neto a pagar {net}",
            ).format(
                total=format_money(to_pay["total"]),
                discount=now or translate("requests.discount_dialog", "ninguno"),
                net=format_money(to_pay["net"]),
            )
        )
        self.layout_.addWidget(self.amounts)
        self.percent_spin = QDoubleSpinBox()
        self.percent_spin.setRange(0, 100)
        self.percent_spin.setDecimals(2)
        self.percent_spin.setSuffix(" %")
        self.percent_spin.setSpecialValueText(translate("requests.discount_dialog", "Ninguno"))
        self.reason_edit = QLineEdit()
        self.reason_edit.setPlaceholderText(
            translate("requests.discount_dialog", "Motivo del descuento manual")
        )
        if field(detail, "discount_kind", "") == "manual":
            self.percent_spin.setValue(float(field(detail, "discount_percent", 0) or 0))
            self.reason_edit.setText(field(detail, "discount_reason", "") or "")
        grid = QGridLayout()
        add_labelled(
            grid, translate("requests.discount_dialog", "&Porcentaje"), self.percent_spin, 0, 0
        )
        add_labelled(grid, translate("requests.discount_dialog", "&Motivo"), self.reason_edit, 1, 0)
        self.layout_.addLayout(grid)
        hint = QLabel(
            translate(
                "requests.discount_dialog",
                "Reemplaza al descuento por edad solo si es mayor. «Ninguno» retira el "
                "descuento manual.",
            )
        )
        hint.setWordWrap(True)
        self.layout_.addWidget(hint)
        self.add_foot()
        tab_chain(self.percent_spin, self.reason_edit, self.save_button)

    def percent(self) -> Decimal | None:
        """The percentage typed (None: «Ninguno», the manual discount withdrawn)."""
        value = Decimal(str(round(self.percent_spin.value(), 2)))
        return value if value > 0 else None

    def save(self) -> None:
        requests_service.set_manual_discount(
            field(self.detail, "id"),
            self.percent(),
            self.reason_edit.text().strip(),
            by=acting_user(self._by),
            version=field(self.detail, "version"),
        )

    def after_save(self) -> None:
        """A manual discount smaller than the age discount leaves the age one: say so."""
        kept = requests_service.get(field(self.detail, "id"))
        if self.percent() is not None and kept.discount_kind != "manual":
            prompts.info(
                self,
                translate("requests.discount_dialog", "Descuento manual"),
                translate(
                    "requests.discount_dialog",
                    "El descuento por edad ({percent} %) es igual o mayor: la solicitud "
                    "lo conserva.",
                ).format(percent=f"{kept.discount_percent.normalize():f}"),
            )


def discount_tip(invoice_number: str | None, editable: bool) -> str:
    """The detail's «Descuento…» button: why it is off, or what it does. ``editable``: the
    request takes changes (not finished or cancelled, and the role may change requests)."""
    if invoice_number:
        return translate(
            "requests.discount_dialog",
            "La solicitud ya está en la factura {number}: su importe no cambia.",
        ).format(number=invoice_number)
    if not session.has("discounts.manual"):
        return translate("requests.discount_dialog", "Su rol no puede aplicar descuentos manuales.")
    if not editable:
        return translate(
            "requests.discount_dialog", "Solo una solicitud en curso admite un descuento."
        )
    return translate("requests.discount_dialog", "Aplicar o retirar un descuento manual")


__all__ = ["DiscountDialog", "discount_tip"]
