"""Long operations (export, import, backup) off the GUI thread, with a cancellable dialog.

``run_with_progress(parent, title, fn, *args)`` runs ``fn(*args, progress=cb,
cancelled=flag)`` in a worker thread while a window-modal ``QProgressDialog`` shows how
far it got. The main window keeps repainting (a local event loop runs until the worker
ends), the user can press "Cancelar", and the function returns only once the worker has
really finished, so whatever the service does on cancel (csvio removes its temp file, an
import rolls its transaction back) has happened by then.

The service functions keep their own contract: ``progress(done, total=None)`` is called
as often as they like (the runner forwards at most ~20 updates a second to the GUI) and
``cancelled()`` is polled by them. An exception raised by ``fn`` comes back to the GUI
thread and is shown through ``ui.prompts.error`` (an exception raised after the user
cancelled is the cancellation itself and is not shown).

The database: peewee keeps one connection per thread, so the worker opens its own
connection to the same database and closes it when it ends.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QEventLoop, QObject, Qt, QThread, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget

from ...i18n import translate
from ...util import files
from .. import prompts
from .latest_runner import close_thread_connection

log = logging.getLogger(__name__)

UPDATE_INTERVAL_S = 0.05  # at most ~20 progress updates a second reach the GUI
SHOW_AFTER_MS = 300  # quick tasks finish without the dialog flashing up


@dataclass
class ProgressOutcome:
    """How a task ended: ``result`` when it finished, else ``cancelled`` or ``error``."""

    result: Any = None
    cancelled: bool = False
    error: BaseException | None = None

    @property
    def ok(self) -> bool:
        return not self.cancelled and self.error is None


class _Worker(QThread):
    progressed = Signal(int, int)  # done, total (-1 = unknown)
    succeeded = Signal(object)
    failed = Signal(object)

    def __init__(
        self,
        fn: Callable,
        args: tuple,
        kwargs: dict,
        cancel_event: threading.Event,
        parent: QObject | None = None,
    ):
        super().__init__(parent)
        self._fn, self._args, self._kwargs = fn, args, kwargs
        self._cancel = cancel_event
        self._last_emit = 0.0

    def _report(self, done, total=None) -> None:
        now = time.monotonic()
        finished = total is not None and done is not None and int(done) >= int(total)
        if not finished and now - self._last_emit < UPDATE_INTERVAL_S:
            return
        self._last_emit = now
        self.progressed.emit(int(done or 0), -1 if total is None else int(total))

    def run(self) -> None:  # runs in the worker thread
        try:
            result = self._fn(
                *self._args, progress=self._report, cancelled=self._cancel.is_set, **self._kwargs
            )
        except BaseException as exc:  # noqa: BLE001 — every failure goes back to the GUI
            self.failed.emit(exc)
        else:
            self.succeeded.emit(result)
        finally:
            close_thread_connection()


class BackgroundTask(QObject):
    """A quiet background job (no dialog): ``finished(ProgressOutcome)`` on the GUI thread.

    For work the user need not wait for, such as the integrity check and the daily
    backup at start. ``wait()`` joins the thread (call it before closing the database).
    """

    finished = Signal(object)

    def __init__(self, fn: Callable, *args, parent: QObject | None = None, **kwargs):
        super().__init__(parent)
        self.outcome: ProgressOutcome | None = None
        self._worker = _Worker(fn, args, kwargs, threading.Event(), self)
        self._worker.succeeded.connect(lambda result: self._finish(ProgressOutcome(result=result)))
        self._worker.failed.connect(lambda exc: self._finish(ProgressOutcome(error=exc)))

    def start(self) -> BackgroundTask:
        self._worker.start()
        return self

    def is_running(self) -> bool:
        return self._worker.isRunning()

    def wait(self) -> None:
        self._worker.wait()

    def _finish(self, outcome: ProgressOutcome) -> None:
        self._worker.wait()
        self.outcome = outcome
        self.finished.emit(outcome)


class ProgressTask(QObject):
    """One background task and its dialog; ``start()`` returns at once.

    ``finished(ProgressOutcome)`` is emitted on the GUI thread once the worker has ended.
    ``run_with_progress`` is the blocking convenience most callers want.
    """

    finished = Signal(object)
    progressed = Signal(int, int)  # done, total (-1 = unknown), as shown in the dialog

    def __init__(
        self,
        parent: QWidget | None,
        title: str,
        fn: Callable,
        *args,
        label: str | None = None,
        show_errors: bool = True,
        **kwargs,
    ):
        super().__init__(parent)
        self._parent = parent
        self._title = title
        self._label = label or f"{title}…"
        self._show_errors = show_errors
        self._cancel_event = threading.Event()
        self.outcome: ProgressOutcome | None = None
        self.dialog = QProgressDialog(
            self._label, translate("widgets.progress", "Cancelar"), 0, 0, parent
        )
        self.dialog.setObjectName("progress_dialog")
        self.dialog.setWindowTitle(title)
        self.dialog.setWindowModality(Qt.WindowModality.WindowModal)
        self.dialog.setMinimumDuration(SHOW_AFTER_MS)
        self.dialog.setAutoClose(False)
        self.dialog.setAutoReset(False)
        self.dialog.setMinimumWidth(380)
        self.dialog.canceled.connect(self.cancel)
        self._worker = _Worker(fn, args, kwargs, self._cancel_event, self)
        self._worker.progressed.connect(self._on_progress)
        self._worker.succeeded.connect(lambda result: self._finish(ProgressOutcome(result=result)))
        self._worker.failed.connect(self._on_failed)

    # --- control ------------------------------------------------------------------------
    def start(self) -> None:
        self.dialog.setValue(0)  # starts the minimum-duration timer
        self._worker.start()

    def cancel(self) -> None:
        """Ask the task to stop; it ends (and cleans up) in its own time."""
        if self._cancel_event.is_set():
            return
        self._cancel_event.set()
        self.dialog.setLabelText(translate("widgets.progress", "Cancelando…"))
        self.dialog.setCancelButtonText("")  # nothing more to press while it winds down
        self.dialog.show()

    @property
    def cancel_requested(self) -> bool:
        return self._cancel_event.is_set()

    def is_running(self) -> bool:
        return self._worker.isRunning()

    def wait(self) -> ProgressOutcome:
        """Block in a local event loop (the window stays responsive) until the task ends."""
        if self.outcome is None:
            loop = QEventLoop()
            self.finished.connect(loop.quit)
            if self.outcome is None:
                loop.exec()
        return self.outcome

    # --- worker signals (GUI thread) ----------------------------------------------------
    def _on_progress(self, done: int, total: int) -> None:
        if self.outcome is not None or self._cancel_event.is_set():
            return
        if total >= 0:
            if self.dialog.maximum() != max(total, 1):
                self.dialog.setMaximum(max(total, 1))
            self.dialog.setValue(min(done, max(total, 1)))
            self.dialog.setLabelText(
                translate("widgets.progress", "{label}  {done:,} de {total:,}").format(
                    label=self._label, done=done, total=total
                )
            )
        else:
            self.dialog.setLabelText(f"{self._label}  {done:,}")
            self.dialog.setValue(0)
        self.progressed.emit(done, total)

    def _on_failed(self, exc: BaseException) -> None:
        if self._cancel_event.is_set():
            log.info("Task %r cancelled: %s", self._title, exc)
            self._finish(ProgressOutcome(cancelled=True, error=None))
            return
        self._finish(ProgressOutcome(error=exc))

    def _finish(self, outcome: ProgressOutcome) -> None:
        self._worker.wait()  # the thread has already left run(); this only joins it
        if self._cancel_event.is_set():
            outcome = ProgressOutcome(result=outcome.result, cancelled=True)
        self.outcome = outcome
        self.dialog.reset()
        self.dialog.hide()
        self.dialog.deleteLater()
        if outcome.error is not None and self._show_errors:
            show_error(self._parent, self._title, outcome.error)
        self.finished.emit(outcome)


def error_text(exc: BaseException) -> str:
    """A Spanish message for an exception that reached the GUI from a worker."""
    from ...services.errors import ServiceError

    if isinstance(exc, ServiceError):
        return str(exc)
    if isinstance(exc, files.CannotWriteError | files.DiskFullError):
        return str(exc)  # already in Spanish, naming the file the person chose
    if isinstance(exc, OSError):
        # the OS's own text is English, and a temporary file's name means nothing to anyone
        name = files.named_file(exc)
        where = f"\n{name}" if name else ""
        return translate(
            "widgets.progress", "No se pudo leer o escribir el archivo.{where}\n\n{v}"
        ).format(where=where, v=files.os_reason(exc))
    return translate(
        "widgets.progress",
        "Ocurrió un error inesperado; no se guardó nada a medias.\n\n{name}: {exc}",
    ).format(name=type(exc).__name__, exc=exc)


def show_error(parent: QWidget | None, title: str, exc: BaseException) -> None:
    from ...services.errors import ServiceError

    if not isinstance(exc, (ServiceError, OSError)):
        log.error("Background task %r failed", title, exc_info=(type(exc), exc, exc.__traceback__))
    prompts.error(parent, title, error_text(exc))


def run_with_progress(
    parent: QWidget | None,
    title: str,
    fn: Callable,
    *args,
    label: str | None = None,
    show_errors: bool = True,
    **kwargs,
) -> ProgressOutcome:
    """Run ``fn(*args, progress=cb, cancelled=flag, **kwargs)`` off the GUI thread.

    Returns once the task has ended, with its result, ``cancelled=True`` or the error
    (already shown to the user through ``prompts.error`` unless ``show_errors=False``).
    """
    task = ProgressTask(parent, title, fn, *args, label=label, show_errors=show_errors, **kwargs)
    task.start()
    outcome = task.wait()
    task.deleteLater()
    return outcome


def off_gui_thread(
    parent_of: Callable[[], QWidget | None], title: str, label: str
) -> Callable[[Callable[[], Any]], Any]:
    """``run(fn)``: ``fn()`` in a worker while the window's event loop turns (the progress
    dialog shows after ``SHOW_AFTER_MS``, with Cancelar); its result, or None when it was
    cancelled or failed (the error shown). For a table's slow sort (``PagedTableModel``)."""

    def run(fn: Callable[[], Any]) -> Any:
        def task(progress=None, cancelled=None) -> Any:
            return fn()

        outcome = run_with_progress(parent_of(), title, task, label=label)
        return outcome.result if outcome.ok else None

    return run
