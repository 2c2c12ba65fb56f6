"""Issue 16: file dialogs open in the user's Documents, then in the last folder used; the
platform's own dialog is used (no DontUseNativeDialog option is passed)."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QFileDialog

from patolab_desktop.ui import prompts


@pytest.fixture
def documents(tmp_path, monkeypatch) -> Path:
    home = tmp_path / "usuario"
    (home / "Documents").mkdir(parents=True)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.delenv("XDG_DOCUMENTS_DIR", raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    return home / "Documents"


@pytest.fixture
def asked(monkeypatch):
    calls = []

    def fake(kind, answer):
        def dialog(parent, title, start, filter_, *rest, **kwargs):
            calls.append((kind, start, rest, kwargs))
            return answer.pop(0), filter_

        return dialog

    answers = []
    monkeypatch.setattr(QFileDialog, "getSaveFileName", fake("save", answers))
    monkeypatch.setattr(QFileDialog, "getOpenFileName", fake("open", answers))
    return calls, answers


def test_first_in_documents_then_in_the_last_folder(qapp, documents, asked, tmp_path):
    calls, answers = asked
    elsewhere = tmp_path / "usb"
    elsewhere.mkdir()
    answers += [str(elsewhere / "clientes.csv"), str(elsewhere / "nuevo.csv"), ""]
    assert prompts.save_file(None, "Exportar", "clientes_patolab.csv", "CSV (*.csv)")
    assert Path(calls[0][1]) == documents / "clientes_patolab.csv"
    # the next dialog (another program start too: it is in the settings file) opens there
    assert prompts.open_file(None, "Importar", "CSV (*.csv)")
    assert Path(calls[1][1]) == elsewhere
    assert prompts.save_file(None, "Exportar", str(documents / "solicitudes.csv"), "*.csv") is None
    assert Path(calls[2][1]) == elsewhere / "solicitudes.csv"
    for _kind, _start, rest, kwargs in calls:  # no option forcing Qt's own dialog
        assert not rest and "options" not in kwargs


def test_a_suggestion_with_its_own_folder_is_kept(qapp, documents, asked, tmp_path):
    calls, answers = asked
    answers.append("")
    backups = tmp_path / "copias"
    backups.mkdir()
    prompts.save_file(None, "Copia", str(backups / "patolab.db"), "*.db")
    assert Path(calls[0][1]) == backups / "patolab.db"


def test_a_vanished_last_folder_falls_back_to_documents(qapp, documents, asked, tmp_path):
    calls, answers = asked
    gone = tmp_path / "gone"
    gone.mkdir()
    answers += [str(gone / "a.csv"), ""]
    prompts.save_file(None, "t", "a.csv", "*.csv")
    gone.rmdir()
    prompts.open_file(None, "t", "*.csv")
    assert Path(calls[1][1]) == documents
