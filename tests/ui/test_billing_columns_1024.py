"""Facturación → Autorizaciones fiscales (CAI) on a 1024 × 768 screen, as the
Administrador who registers and checks the CAI, in Spanish and English: every column but
the authorised range shows its heading and its values whole (the point and type, the
CAI), the empty «Avisos» keeps no more than its heading, and nothing runs off the window;
the range, narrowed, is whole in its tooltip. The billing table windows size their
columns to what they hold (``ui.billing.base.BillingTableWindow.size_columns``)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from patolab_desktop import i18n
from patolab_desktop.services.access import permissions

from .billing_ui_helpers import billing_setup

ON_1024 = (1000, 520)  # the window's own size, which a 1024 × 768 screen leaves it
RANGE = 4


@pytest.mark.parametrize("language", ["es", "en"])
def test_the_cai_window_keeps_point_cai_and_counts_whole(qtbot, as_role, language):
    from patolab_desktop.ui.billing.authorisations_window import AuthorisationsWindow

    billing_setup(with_request=False)
    as_role(permissions.ROLE_ADMIN)
    i18n.install_translators(QApplication.instance(), language)
    try:
        window = AuthorisationsWindow()
        qtbot.addWidget(window)
        window.resize(*ON_1024)
        window.show()
        qtbot.waitExposed(window)
        view, header, model = window.view, window.view.horizontalHeader(), window.model
        assert model.rowCount() == 2
        last = model.columnCount() - 1
        cut = []
        for column in range(last):
            if column == RANGE:
                continue
            need = max(header.sectionSizeHint(column), view.sizeHintForColumn(column))
            if header.sectionSize(column) < need:
                title = model.headerData(column, Qt.Orientation.Horizontal)
                cut.append(f"{title!r}: {header.sectionSize(column)} px of {need}")
        assert not cut, cut
        range_need = view.sizeHintForColumn(RANGE)
        if header.sectionSize(RANGE) < range_need:  # the empty «Avisos» gives it the room
            assert header.sectionSize(last) <= header.sectionSizeHint(last) + 2
        assert header.length() <= view.viewport().width()  # nothing off the window
        whole = model.index(0, RANGE).data()
        assert model.index(0, RANGE).data(Qt.ItemDataRole.ToolTipRole) == whole
    finally:
        i18n.remove_translators(QApplication.instance())
