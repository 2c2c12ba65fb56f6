"""Issue 16: every window works at 1024×768 and 1366×768 (common front-desk screens), in
Spanish and English: the main window fits with every list's columns on screen, every
dialog opens within the screen, password fields are not squashed and a form shrinks back
after its errors are cleared. With ``PATOLAB_SCREENSHOTS=<folder>`` the screens are saved
as ``<folder>/<lang>/<W>x<H>/<name>.png`` (``scripts/screenshots.py``)."""

from __future__ import annotations

import os
import re
import unicodedata
from pathlib import Path

import pytest
from PySide6.QtWidgets import QAbstractItemView, QApplication, QHeaderView, QLineEdit

from patolab_desktop import i18n
from patolab_desktop.services.access import permissions, session
from tests.security_helpers import login_as

from .requests_helpers import acting, desk, make_request  # noqa: F401 (fixtures)
from .test_translations import _windows

SIZES = ((1024, 768), (1366, 768))
TASKBAR = 48  # what the screen keeps for the taskbar and the window's title bar
OUT = os.environ.get("PATOLAB_SCREENSHOTS", "")


def _save(widget, language: str, size: tuple[int, int], name: str) -> None:
    if not OUT:
        return
    folder = Path(OUT) / language / f"{size[0]}x{size[1]}"
    folder.mkdir(parents=True, exist_ok=True)
    folded = unicodedata.normalize("NFKD", name.lower()).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "_", folded).strip("_")
    QApplication.processEvents()
    widget.grab().save(str(folder / f"{slug}.png"))


def _lists(widget) -> list[QAbstractItemView]:
    return [
        v
        for v in widget.findChildren(QAbstractItemView)
        if not isinstance(v, QHeaderView)
        and v.isVisibleTo(widget)
        and hasattr(v, "horizontalHeader")
    ]


def _columns_off_screen(widget) -> list[str]:
    problems = []
    for view in _lists(widget):
        header = view.horizontalHeader()
        shown = header.length()
        room = view.viewport().width()
        if shown > room + 2:
            problems.append(
                f"{view.objectName() or type(view).__name__}: {shown} px of columns in {room} px"
            )
    return problems


def _squashed_passwords(widget) -> list[str]:
    return [
        f"{edit.objectName() or 'password'}: {edit.width()}x{edit.height()} px"
        for edit in widget.findChildren(QLineEdit)
        if edit.echoMode() == QLineEdit.EchoMode.Password
        and edit.isVisibleTo(widget)
        and (edit.width() < 160 or edit.height() < edit.sizeHint().height() - 2)
    ]


@pytest.fixture(params=["es", "en"])
def language(request, qapp):
    i18n.install_translators(qapp, request.param)
    yield request.param
    i18n.remove_translators(qapp)


def test_main_window_fits_both_screens(qtbot, desk, language, fast_hashing):  # noqa: F811
    from patolab_desktop.ui.admin import login_flow
    from patolab_desktop.ui.main_window import MainWindow

    ids = desk["catalog"]
    for _ in range(3):
        make_request(desk["senior"], desk["doctor"], [ids["LIP"], ids["GLU"]])
    problems = []
    with session.acting_as(None):
        actor = login_as(permissions.ROLE_ADMIN)
        window = MainWindow(db_label="patolab.db")
        qtbot.addWidget(window)
        login_flow.install_admin(window, actor, lock_minutes=0)
        window.apply_permissions(session.has)
        window.show()
        for width, height in SIZES:
            window.resize(width, height - TASKBAR)
            hint = window.minimumSizeHint()
            if hint.width() > width or hint.height() > height - TASKBAR:
                problems.append(f"{width}x{height}: needs {hint.width()}x{hint.height()}")
            for index in range(window.tabs.count()):
                window.tabs.setCurrentIndex(index)
                tab = window.tabs.widget(index)
                pages = [("", tab)]
                if hasattr(tab, "show_list"):
                    tab.show_entry()
                    pages = [("entry", tab)]
                    QApplication.processEvents()
                    _save(
                        window,
                        language,
                        (width, height),
                        f"main_{window.tabs.tabText(index)}_entry",
                    )
                    problems += [
                        f"{width} {window.tabs.tabText(index)} entry: {p}"
                        for p in _columns_off_screen(tab)
                    ]
                    tab.show_list()
                    pages = [("list", tab)]
                QApplication.processEvents()
                name = f"main_{window.tabs.tabText(index)}" + (
                    f"_{pages[0][0]}" if pages[0][0] else ""
                )
                _save(window, language, (width, height), name)
                problems += [f"{width} {name}: {p}" for p in _columns_off_screen(tab)]
        admin = getattr(window, "admin", None)
        if admin is not None:
            admin.lock.stop()
        window.close()
    assert not problems, f"[{language}]\n" + "\n".join(problems)


def _lock_dialog():
    from patolab_desktop.ui.admin.screen_lock import LockDialog

    class Lock:
        def request_switch_user(self):
            pass

    return LockDialog(Lock())


def _reset_password_dialog():
    from patolab_desktop.ui.admin.users_window import ResetPasswordDialog
    from tests.security_helpers import make_user

    user_id = make_user("rosa", permissions.ROLE_RECEPTION)
    return ResetPasswordDialog(user_id, "rosa")


def test_every_dialog_fits_both_screens(qtbot, desk, language, monkeypatch):  # noqa: F811
    from patolab_desktop.ui import help_dialogs, prompts

    for name in ("info", "error"):
        monkeypatch.setattr(prompts, name, lambda *a, **k: None)
    windows = dict(_windows(desk))
    windows.pop("main window")
    windows["quick guide"] = lambda: help_dialogs.quick_guide()
    windows["keyboard shortcuts"] = lambda: help_dialogs.shortcuts()
    windows["screen lock"] = _lock_dialog
    windows["reset password"] = _reset_password_dialog
    problems = []
    for title, build in windows.items():
        widget = build()
        qtbot.addWidget(widget)
        widget.show()
        QApplication.processEvents()
        for width, height in SIZES:
            room = (width, height - TASKBAR)
            size = widget.size()
            hint = widget.minimumSizeHint()
            if hint.width() > room[0] or hint.height() > room[1]:
                problems.append(
                    f"{title} at {width}x{height}: needs {hint.width()}x{hint.height()}"
                )
            if size.width() > room[0] or size.height() > room[1]:
                widget.resize(min(size.width(), room[0]), min(size.height(), room[1]))
                QApplication.processEvents()
            problems += [f"{title} at {width}: {p}" for p in _squashed_passwords(widget)]
            problems += [f"{title} at {width}: {p}" for p in _columns_off_screen(widget)]
            _save(widget, language, (width, height), title)
        widget.close()
    assert not problems, f"[{language}]\n" + "\n".join(problems)


def test_a_form_shrinks_back_after_its_errors_are_cleared(qtbot, desk, monkeypatch):  # noqa: F811
    """The customer form grows to show its messages and returns to its size once they are
    gone (it used to stay inflated)."""
    from patolab_desktop.ui import prompts
    from patolab_desktop.ui.customers.customer_dialog import CustomerDialog

    monkeypatch.setattr(prompts, "confirm", lambda *a, **k: True)
    dialog = CustomerDialog()
    qtbot.addWidget(dialog)
    dialog.show()
    QApplication.processEvents()
    before = dialog.height()
    assert dialog.save() is False  # an empty form: a message under each required field
    QApplication.processEvents()
    assert dialog.height() > before
    dialog.clear_errors()
    QApplication.processEvents()
    assert dialog.height() <= before + 2
