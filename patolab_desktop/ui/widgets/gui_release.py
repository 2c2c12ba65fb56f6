"""A worker thread's last reference to a Qt object is let go on the GUI thread.

A worker whose target is a bound method (the count of a search's matches, the page
reader) holds its owner until the thread ends. When the window that used it is gone by
then, that reference is the last one: the owner and the QObject it holds would be deleted
in the worker, off their thread, a C++ destructor taking Qt's locks while the worker
holds the interpreter's lock. A GUI thread inside Qt at that moment (a new window setting
its table's model) waits for the interpreter's lock, and neither moves: the suite's hang
(a faulthandler dump: the GUI thread in ``QTableView.setModel``, a worker ending in
``Thread.run``'s ``del self._target``).

``ready()`` (on the GUI thread, when such an owner is made) and ``hand_over(owner)`` (the
worker's last call): the GUI thread takes the reference, waits for the worker to end (it
is returning), then lets the reference go there.
"""

from __future__ import annotations

import threading

from PySide6.QtCore import QCoreApplication, QObject, Signal, Slot

_receiver: _Receiver | None = None


class _Receiver(QObject):
    take = Signal(object)  # (owner, worker thread), queued to the GUI thread

    def __init__(self, parent: QObject) -> None:
        super().__init__(parent)
        self.take.connect(self._let_go)

    @Slot(object)
    def _let_go(self, item: tuple[object, threading.Thread]) -> None:
        _owner, worker = item
        worker.join()  # the worker's own references are gone: this one is the last


def ready() -> None:
    """On the GUI thread: make the receiver of ``hand_over`` (once per application)."""
    global _receiver
    app = QCoreApplication.instance()
    if app is not None and (_receiver is None or _receiver.parent() is not app):
        _receiver = _Receiver(app)


def hand_over(owner: object) -> None:
    """In a worker thread, its last call: ``owner`` is let go on the GUI thread."""
    receiver = _receiver
    if receiver is not None and threading.current_thread() is not threading.main_thread():
        receiver.take.emit((owner, threading.current_thread()))
