"""What a receptionist reads is whole on a 1024 × 768 screen (issue 16), as Recepción:
the request number, date and amount in the requests list, the identity number and phone
in the customers list; the request's investigations keep their room in its detail; the
label settings' hint is not cut. Screenshots go to /work/notes/shots-papers2/ when it
exists (``scripts/screenshots.py`` makes the full set)."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication, QLabel

from patolab_desktop.services.access import permissions, session
from tests.security_helpers import login_as

from .requests_helpers import acting, desk, make_request  # noqa: F401 (fixtures)

SHOTS = Path("/work/notes/shots-papers2")
ROOM = (1024, 768 - 48)  # the taskbar and the title bar


def _shot(widget, name: str) -> None:
    if SHOTS.is_dir():
        QApplication.processEvents()
        widget.grab().save(str(SHOTS / f"{name}.png"))


def _whole(view, column: int) -> list[str]:
    """The cells of ``column`` wider than the column (their text would be cut)."""
    model, metrics = view.model(), view.fontMetrics()
    width = view.horizontalHeader().sectionSize(column)
    cut = []
    for row in range(model.rowCount()):
        text = str(model.index(row, column).data() or "")
        if metrics.horizontalAdvance(text) + 8 > width:
            cut.append(f"{text!r} in {width} px")
    return cut


@pytest.fixture
def reception(desk):  # noqa: F811
    ids = desk["catalog"]
    for patient in ("senior", "elder", "young"):
        make_request(desk[patient], desk["doctor"], [ids["LIP"], ids["GLU"], ids["HEM"]])
    with session.acting_as(None):
        login_as(permissions.ROLE_RECEPTION)
        yield desk


def test_the_lists_keep_numbers_phones_amounts_and_labels_whole(qtbot, reception):
    from patolab_desktop.ui.admin import login_flow
    from patolab_desktop.ui.main_window import MainWindow

    window = MainWindow(db_label="patolab.db")
    qtbot.addWidget(window)
    login_flow.install_admin(window, session.current(), lock_minutes=0)
    window.apply_permissions(session.has)
    window.resize(*ROOM)
    window.show()
    problems = []
    for index in range(window.tabs.count()):
        window.tabs.setCurrentIndex(index)
        tab = window.tabs.widget(index)
        if hasattr(tab, "show_list"):
            tab.show_list()
        QApplication.processEvents()
        view = getattr(getattr(tab, "list", tab), "view", None) or getattr(tab, "view", None)
        if view is None or not view.keep_whole:
            continue
        qtbot.waitUntil(lambda v=view: v.model().rowCount() > 0)
        view.fit_columns()
        words = {  # one-word labels read all day: «Paciente», «Pendiente»
            number
            for number, column in enumerate(view.model().columns)
            if column.key in ("type_label", "status")
        }
        for column in sorted(view.keep_whole | words):
            problems += [f"{window.tabs.tabText(index)}: {c}" for c in _whole(view, column)]
        _shot(window, f"reception-1024-{index}")
    checked = {
        window.tabs.tabText(i)
        for i in range(window.tabs.count())
        if getattr(getattr(window.tabs.widget(i), "list", window.tabs.widget(i)), "view", None)
        is not None
    }
    assert {"Solicitudes", "Clientes"} <= checked
    assert not problems, problems
    window.admin.lock.stop()


def test_the_request_detail_keeps_room_for_the_investigations(qtbot, reception):
    from patolab_desktop.ui.requests.request_detail import RequestDetailDialog

    ids = reception["catalog"]
    request_id, _number = make_request(
        reception["senior"], reception["doctor"], [ids["LIP"], ids["GLU"], ids["HEM"], ids["EGO"]]
    )
    dialog = RequestDetailDialog(request_id)
    qtbot.addWidget(dialog)
    dialog.show()
    QApplication.processEvents()
    assert dialog.width() <= ROOM[0] and dialog.height() <= ROOM[1]
    rows = dialog.lines_model.rowCount()
    assert rows == 7  # the panel, its 3 members and 3 more
    room = dialog.lines_view.viewport().height()
    assert room >= rows * dialog.lines_view.verticalHeader().defaultSectionSize()
    # the history and the WhatsApp messages share one tabbed area below
    assert dialog.lower_tabs.count() == 2 and dialog.lower_tabs.currentIndex() == 0
    _shot(dialog, "reception-1024-request-detail")


def test_the_label_settings_hint_is_not_cut(qtbot, database):
    from patolab_desktop.ui.printing.lab_header_dialog import LabHeaderDialog

    with session.acting_as(session.system_actor("tests")):
        dialog = LabHeaderDialog()
    qtbot.addWidget(dialog)
    dialog.show()
    QApplication.processEvents()
    hint = next(label for label in dialog.findChildren(QLabel) if "tipo de muestra" in label.text())
    assert hint.wordWrap()
    assert hint.mapTo(dialog, hint.rect().bottomRight()).x() <= dialog.width()
    needed = hint.heightForWidth(hint.width())
    assert hint.height() >= needed


@pytest.mark.parametrize("language", ["es", "en"])
def test_the_windows_the_size_test_misses_fit_1024(qtbot, desk, language, monkeypatch):  # noqa: F811
    """Settings, database connection, WhatsApp outbox, its settings, a request's messages and
    the request lines dialog — as the administrator who opens them — within 1024 × 768,
    no column off screen, no squashed password field."""
    from patolab_desktop import i18n
    from patolab_desktop.ui import prompts
    from patolab_desktop.ui.admin.database_dialog import DatabaseDialog
    from patolab_desktop.ui.admin.settings_dialog import SettingsDialog
    from patolab_desktop.ui.notify.messages_dialog import MessagesDialog
    from patolab_desktop.ui.notify.outbox_window import OutboxWindow
    from patolab_desktop.ui.notify.settings_dialog import NotifySettingsDialog
    from patolab_desktop.ui.requests.lines_dialog import RequestLinesDialog

    from .test_screen_sizes import _columns_off_screen, _squashed_passwords

    for name in ("info", "error"):
        monkeypatch.setattr(prompts, name, lambda *a, **k: None)
    ids = desk["catalog"]
    request_id, _number = make_request(desk["senior"], desk["doctor"], [ids["LIP"], ids["GLU"]])
    i18n.install_translators(QApplication.instance(), language)
    problems = []
    try:
        with session.acting_as(None):
            login_as(permissions.ROLE_ADMIN)
            windows = {
                "settings": SettingsDialog,
                "database": DatabaseDialog,
                "whatsapp outbox": OutboxWindow,
                "whatsapp settings": NotifySettingsDialog,
                "request messages": lambda: MessagesDialog(request_id=request_id),
                "request lines": lambda: RequestLinesDialog(request_id),
            }
            for title, build in windows.items():
                widget = build()
                qtbot.addWidget(widget)
                widget.show()
                QApplication.processEvents()
                hint = widget.minimumSizeHint()
                if hint.width() > ROOM[0] or hint.height() > ROOM[1]:
                    problems.append(f"{title}: needs {hint.width()}x{hint.height()}")
                widget.resize(min(widget.width(), ROOM[0]), min(widget.height(), ROOM[1]))
                QApplication.processEvents()
                problems += [f"{title}: {p}" for p in _columns_off_screen(widget)]
                problems += [f"{title}: {p}" for p in _squashed_passwords(widget)]
                _shot(widget, f"more-1024-{language}-{title.replace(' ', '_')}")
                widget.close()
    finally:
        i18n.remove_translators(QApplication.instance())
    assert not problems, problems
