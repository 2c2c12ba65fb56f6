"""Issue 16: keyboard shortcuts and Alt mnemonics have no conflicts, in Spanish and in
English: every menu of the main window (as an administrator, who sees them all) and every
window and dialog. The Help menu has a quick guide and the list of shortcuts."""

from __future__ import annotations

import re
from collections import Counter

import pytest
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractButton,
    QDialog,
    QGroupBox,
    QLabel,
    QMainWindow,
    QTabWidget,
    QWidget,
)

from patolab_desktop import i18n
from patolab_desktop.services.access import permissions
from tests.security_helpers import no_session  # noqa: F401 (fixture)

from .requests_helpers import acting, desk  # noqa: F401 (fixtures)
from .role_helpers import main_window_as
from .test_translations import _windows

MNEMONIC = re.compile(r"(?<!&)&([^&\s])")


@pytest.fixture(params=["es", "en"])
def language(request, qapp):
    i18n.install_translators(qapp, request.param)
    yield request.param
    i18n.remove_translators(qapp)


def mnemonic(text: str) -> str | None:
    found = MNEMONIC.search((text or "").split("\t")[0].replace("&&", ""))
    return found.group(1).lower() if found else None


def _duplicates(pairs) -> list[str]:
    counts = Counter(key for key, _ in pairs if key)
    return [
        f"{key!r}: " + ", ".join(repr(t) for k, t in pairs if k == key)
        for key, n in counts.items()
        if n > 1
    ]


def _shown(widget: QWidget, top: QWidget) -> bool:
    return widget.isVisibleTo(top) and widget.isEnabled()


def dialog_mnemonics(top: QWidget) -> list[tuple[str, str]]:
    """(letter, text) of every control on screen in ``top`` that an Alt key reaches; the
    pages of a tab widget are separate screens (only the current page counts)."""
    pairs = []
    for w in top.findChildren(QWidget):
        if not _shown(w, top) or (w.window() is not top):
            continue
        if isinstance(w, QLabel) and w.buddy() is not None or isinstance(w, QAbstractButton):
            pairs.append((mnemonic(w.text()), w.text()))
        elif isinstance(w, QGroupBox) and w.isCheckable():
            pairs.append((mnemonic(w.title()), w.title()))
        elif isinstance(w, QTabWidget):
            for i in range(w.count()):
                if w.isTabVisible(i):
                    pairs.append((mnemonic(w.tabText(i)), w.tabText(i)))
    return pairs


def _keys(sequence: QKeySequence) -> str:
    return sequence.toString(QKeySequence.SequenceFormat.PortableText)


def dialog_shortcuts(top: QWidget) -> list[tuple[str, str]]:
    """(keys, owner) of the shortcuts active in ``top`` (buttons, actions, QShortcuts)."""
    pairs = []
    seen = set()
    for w in [top, *top.findChildren(QWidget)]:
        if w.window() is not top or not w.isVisibleTo(top) and w is not top:
            continue
        # a button's Alt letter is counted with the letters; other keys count here
        if (
            isinstance(w, QAbstractButton)
            and not w.shortcut().isEmpty()
            and mnemonic(w.text()) is None
        ):
            pairs.append((_keys(w.shortcut()), w.text()))
        for action in w.actions():
            if action.isVisible() and action.isEnabled() and action not in seen:
                seen.add(action)
                for seq in action.shortcuts():
                    pairs.append((_keys(seq), action.text()))
    for shortcut in top.findChildren(QShortcut):
        parent = shortcut.parent()
        if isinstance(parent, QWidget) and (
            parent.window() is not top or not parent.isVisibleTo(top)
        ):
            continue
        if shortcut.isEnabled() and not shortcut.key().isEmpty():
            pairs.append((_keys(shortcut.key()), f"QShortcut on {type(parent).__name__}"))
    # one slot may own several keys of one action; the same key twice is a conflict
    return [(k, t) for k, t in pairs if k]


def menu_problems(window: QMainWindow) -> list[str]:
    problems = []
    bar = [(mnemonic(a.text()), a.text()) for a in window.menuBar().actions() if a.isVisible()]
    problems += [f"menu bar {d}" for d in _duplicates(bar)]
    problems += [f"menu bar: {t!r} has no Alt letter" for k, t in bar if not k]
    window_keys = []
    for top in window.menuBar().actions():
        menu = top.menu()
        if menu is None or not top.isVisible():
            continue
        entries = [a for a in menu.actions() if a.isVisible() and not a.isSeparator()]
        pairs = [(mnemonic(a.text()), a.text()) for a in entries]
        problems += [f"{top.text()} {d}" for d in _duplicates(pairs)]
        problems += [f"{top.text()}: {t!r} has no Alt letter" for k, t in pairs if not k]
        for action in entries:
            for seq in action.shortcuts():
                window_keys.append((_keys(seq), action.text()))
            shown = action.text().partition("\t")[2]
            if shown and action.shortcut().isEmpty():  # a key named in the text only
                window_keys.append((_keys(QKeySequence(shown)), action.text() + " (tab)"))
    problems += [f"menu shortcuts {d}" for d in _duplicates(window_keys)]
    return problems


def tab_problems(window: QMainWindow) -> list[str]:
    """Within each tab, its keys are unique and none takes a menu's key."""
    menu_keys = {
        _keys(seq)
        for top in window.menuBar().actions()
        if top.menu() is not None
        for a in top.menu().actions()
        if a.isVisible()
        for seq in a.shortcuts()
    }
    problems = []
    for index in range(window.tabs.count()):
        if not window.tabs.isTabVisible(index):
            continue
        window.tabs.setCurrentIndex(index)
        tab = window.tabs.widget(index)
        pages = [tab]
        stack = getattr(tab, "stack", None)
        if stack is not None:  # Solicitudes: entry and list are two screens
            tab.show_list()
            pages = [stack.widget(i) for i in range(stack.count())]
        for page in pages:
            pairs = []
            actions = {a for w in [page, *page.findChildren(QWidget)] for a in w.actions()}
            for action in actions:  # a tool button shows its action: counted once
                if action.isVisible():
                    pairs += [(_keys(s), action.text()) for s in action.shortcuts()]
            for shortcut in page.findChildren(QShortcut):
                if shortcut.isEnabled():
                    pairs.append((_keys(shortcut.key()), "QShortcut"))
            name = window.tabs.tabText(index)
            problems += [f"tab {name} {d}" for d in _duplicates(pairs)]
            clash = [(k, t) for k, t in pairs if k in menu_keys and k]
            problems += [f"tab {name}: {t!r} takes the menu key {k}" for k, t in clash]
    return problems


def test_menus_have_unique_alt_letters_and_shortcuts(qtbot, database, language, no_session):  # noqa: F811
    window = main_window_as(qtbot, permissions.ROLE_ADMIN)
    window.show()
    problems = menu_problems(window) + tab_problems(window)
    assert not problems, f"[{language}]\n" + "\n".join(problems)


def test_every_dialog_has_unique_alt_letters_and_shortcuts(qtbot, desk, language, monkeypatch):  # noqa: F811
    from patolab_desktop.ui import prompts

    for name in ("info", "error"):
        monkeypatch.setattr(prompts, name, lambda *a, **k: None)
    report = []
    for title, build in _windows(desk).items():
        widget = build()
        qtbot.addWidget(widget)
        if isinstance(widget, QMainWindow):
            continue  # the menus and tabs are checked above
        widget.show()
        report += [f"{title}: {d}" for d in _duplicates(dialog_mnemonics(widget))]
        report += [f"{title}: keys {d}" for d in _duplicates(dialog_shortcuts(widget))]
        widget.close()
    assert not report, f"[{language}]\n" + "\n".join(report)


def test_the_checker_finds_a_conflict(qtbot):
    from PySide6.QtWidgets import QLineEdit, QPushButton, QVBoxLayout

    dialog = QDialog()
    qtbot.addWidget(dialog)
    layout = QVBoxLayout(dialog)
    label = QLabel("&Nombre", dialog)
    label.setBuddy(QLineEdit(dialog))
    layout.addWidget(label)
    layout.addWidget(label.buddy())
    layout.addWidget(QPushButton("&Nuevo", dialog))
    dialog.show()
    assert _duplicates(dialog_mnemonics(dialog)) == ["'n': '&Nombre', '&Nuevo'"]


def test_help_has_the_quick_guide_and_the_shortcuts(qtbot, database, no_session, monkeypatch):  # noqa: F811
    from .role_helpers import DialogTrap

    DialogTrap().install(monkeypatch)
    window = main_window_as(qtbot, permissions.ROLE_RECEPTION)
    texts = [a.text().replace("&", "") for a in window.menu("help").actions()]
    assert texts[:2] == ["Guía rápida", "Atajos de teclado"]
    guide = window.show_quick_guide()
    assert "Ctrl+N" in guide.findChild(QWidget, "guide_text").toPlainText()
    table = window.show_shortcuts().findChild(QWidget, "shortcuts_table")
    rows = {table.item(r, 0).text(): table.item(r, 1).text() for r in range(table.rowCount())}
    assert "Ctrl+L" in rows and "Bloquear" in rows["Ctrl+L"]  # read from the Archivo menu
    assert "Ctrl+N" in rows and "F1" in rows
    assert not any("Usuarios" in what for what in rows.values())  # hidden for her role
