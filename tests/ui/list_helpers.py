"""Helpers of the list screens' tests (referrers, catalog, the shared bases)."""

from __future__ import annotations

from playhouse.test_utils import assert_query_count

from patolab_desktop.ui import prompts


class Prompts:
    """Records every prompt; answers confirm() with ``answer``."""

    def __init__(self, monkeypatch, answer: bool = True, text: str | None = None):
        self.calls: list[tuple[str, str, str]] = []
        self.answer, self.text = answer, text
        monkeypatch.setattr(prompts, "confirm", self._confirm)
        monkeypatch.setattr(prompts, "error", lambda _p, t, m: self.calls.append(("error", t, m)))
        monkeypatch.setattr(prompts, "info", lambda _p, t, m: self.calls.append(("info", t, m)))
        monkeypatch.setattr(prompts, "ask_text", self._ask)

    def _confirm(self, _parent, title, text):
        self.calls.append(("confirm", title, text))
        return self.answer

    def _ask(self, _parent, title, label, text=""):
        self.calls.append(("ask_text", title, text))
        return self.text

    def kinds(self) -> list[str]:
        return [c[0] for c in self.calls]


def search(window, text: str) -> None:
    window.search_box.setText(text)
    window.search_box.flush()


def found(window, text: str, key: str) -> list:
    """Search ``text`` in a list tab: the ``key`` of every row it shows then."""
    search(window, text)
    return column(window, key)


def read_every_cell(model, roles) -> None:
    """Ask ``model`` for every cell in every role of ``roles`` (a test counts the SQL)."""
    for row in range(model.rowCount()):
        for column in range(model.columnCount()):
            for role in roles:
                model.data(model.index(row, column), role)


def refuses_stale_save(qtbot, monkeypatch, dialog, other_desk, edit: str, text: str):
    """``dialog`` was opened on a record, then ``other_desk()`` saved the record first:
    typing ``text`` in the ``edit`` field and saving is refused with one error message."""
    asked = Prompts(monkeypatch)
    qtbot.addWidget(dialog)
    other_desk()
    getattr(dialog, edit).setText(text)
    assert not dialog.save()
    assert asked.kinds() == ["error"]
    return dialog


def owned(qtbot, widget, size: tuple[int, int] | None = None):
    """``widget``, closed by qtbot after the test (and resized to ``size`` when given)."""
    qtbot.addWidget(widget)
    if size:
        widget.resize(*size)
    return widget


def column(window, key: str) -> list:
    """The ``key`` of every loaded row of a list tab, top to bottom."""
    return [window.model.row_dict(r)[key] for r in range(window.model.rowCount())]


def list_model_tests(*roles):
    """The two tests every list tab's model passes, for a module with a ``window`` fixture:
    pytest-qt's model tester, and reading every cell in ``roles`` runs no SQL."""

    def test_model_passes_qtmodeltester(qtmodeltester, window):
        qtmodeltester.check(window.model)

    def test_data_runs_no_sql(window):
        with assert_query_count(0):
            read_every_cell(window.model, roles)

    return test_model_passes_qtmodeltester, test_data_runs_no_sql
