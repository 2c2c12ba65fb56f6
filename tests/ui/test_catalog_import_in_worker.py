"""Catálogo ▸ Importar catálogo as the administrator, with a large file: the check and the
import run in a worker (the window keeps answering, a progress dialog with Cancelar), and a
cancel halfway through the saving leaves the catalog as it was (all or nothing)."""

from __future__ import annotations

import threading

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QPushButton

from patolab_desktop.db.models import AuditLog, Investigation, PriceChange
from patolab_desktop.services import catalog
from patolab_desktop.services.access.permissions import ROLE_ADMIN
from patolab_desktop.ui import prompts
from patolab_desktop.ui.catalog import area as catalog_area
from patolab_desktop.ui.catalog.catalog_window import CatalogWindow
from patolab_desktop.ui.widgets.progress import ProgressTask
from tests.security_helpers import fast_hashing, login_as, no_session  # noqa: F401 (fixtures)
from tests.ui.list_helpers import Prompts

pytestmark = pytest.mark.usefixtures("database", "no_session", "fast_hashing")

ROWS = 2_000  # saved in several chunks (``catalog_csv.WRITE_CHUNK``)


@pytest.fixture
def big_file(tmp_path, monkeypatch):
    path = tmp_path / "catalogo.csv"
    lines = ["code,name,sample_type,price,panel_members,active"]
    lines += [
        f"T{i:05d},Investigación número {i},Sangre,{i % 900 + 0.125:.3f},,1" for i in range(ROWS)
    ]
    path.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")
    monkeypatch.setattr(prompts, "open_file", lambda *_a: str(path))
    return path


@pytest.fixture
def window(qtbot):
    login_as(ROLE_ADMIN)
    widget = CatalogWindow()
    qtbot.addWidget(widget)
    widget.show()
    return widget


def test_the_import_runs_in_a_worker_and_the_window_keeps_answering(monkeypatch, window, big_file):
    asked = Prompts(monkeypatch, answer=True)
    gui_thread = threading.get_ident()
    calls = []  # (dry run, the thread it ran in, whether the window's events ran meanwhile)
    real = catalog.import_catalog

    window_turned = threading.Event()
    ticking = QTimer(window)
    ticking.timeout.connect(window_turned.set)  # runs only while the window's loop turns
    ticking.start(10)

    def watched(path, **kwargs):
        calls.append((kwargs.get("dry_run", False), threading.get_ident()))
        report = real(path, **kwargs)
        window_turned.clear()  # the window answers while the service is still in the call
        calls[-1] += (window_turned.wait(timeout=10),)
        return report

    monkeypatch.setattr(catalog, "import_catalog", watched)
    assert catalog_area.import_catalog(window)
    assert [dry for dry, *_ in calls] == [True, False]  # the check, then the import
    assert all(thread != gui_thread and answered for _dry, thread, answered in calls)
    assert asked.kinds() == ["confirm", "info"]
    assert f"{ROWS} nuevas" in asked.calls[1][2]
    assert Investigation.select().count() == PriceChange.select().count() == ROWS
    assert window.model.rowCount() > 0  # the tab reloaded


def test_cancelling_halfway_through_the_saving_saves_nothing(monkeypatch, window, big_file):
    asked = Prompts(monkeypatch, answer=True)
    halfway, pressed = threading.Event(), threading.Event()
    real = catalog.import_catalog

    def held_halfway(path, progress=None, cancelled=None, **kwargs):
        """The import, held once its first chunk is written (in its transaction) until
        the administrator has pressed Cancelar."""

        def report(done, total=None):
            progress(done, total)
            if total and 0 < done < total and not pressed.is_set():
                halfway.set()
                pressed.wait(timeout=10)

        return real(path, progress=report, cancelled=cancelled, **kwargs)

    def press_cancel_once_halfway():
        if not halfway.is_set():
            QTimer.singleShot(10, press_cancel_once_halfway)
            return
        task = next(t for t in window.findChildren(ProgressTask) if t.is_running())
        task.dialog.findChild(QPushButton).click()  # «Cancelar»
        pressed.set()

    monkeypatch.setattr(catalog, "import_catalog", held_halfway)
    QTimer.singleShot(0, press_cancel_once_halfway)  # runs while the worker works
    assert not catalog_area.import_catalog(window)
    assert pressed.is_set()
    assert asked.kinds() == ["confirm", "info"]
    assert asked.calls[1][1:] == (
        "Importación cancelada",
        "Se canceló la importación: no se guardó ningún cambio.",
    )
    assert Investigation.select().count() == 0
    assert PriceChange.select().count() == 0
    assert not AuditLog.select().where(AuditLog.entity == "investigation").exists()
