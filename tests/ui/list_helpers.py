"""Helpers of the list screens' tests (referrers, catalog, the shared bases)."""

from __future__ import annotations

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


def read_every_cell(model, roles) -> None:
    """Ask ``model`` for every cell in every role of ``roles`` (a test counts the SQL)."""
    for row in range(model.rowCount()):
        for column in range(model.columnCount()):
            for role in roles:
                model.data(model.index(row, column), role)
