"""What a searchable, paged list (``ListTab``, the customers tab) does with its query.

The host has ``self.model`` (a ``PagedTableModel``), ``self.count_label`` and
``current_filters()``, connects its search box's ``search_changed`` to
``_search_changed`` and the model's ``modelReset`` to ``_count_total``, and says how to
count the matches (``count``). A refusal of the filters by the service (e.g.
PermissionDenied) is shown in the count label instead of rows.
"""

from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QHBoxLayout, QLayout, QVBoxLayout

from ...services.errors import ServiceError
from .forms import hint_label, labelled_row, tab_chain
from .latest_runner import LatestRunner


class PagedSearch:
    _search_text = ""
    _total: int | None = None
    #: count in a worker thread (``LatestRunner``): for lists that can hold a million rows;
    #: the short reference lists count at once
    count_in_background = False
    _counter: LatestRunner | None = None
    #: the background count starts this long after the last query, once typing pauses.
    #: Started with each query, the count of one letter ran while the next letter's page
    #: was read and painted: at a million customers, a slow keystroke's query 21 → 28 ms
    #: and its paint 9 → 20 ms, the count's answer relaying out the window in between
    #: (issue 20, the GUI-thread stall while typing)
    COUNT_AFTER_MS = 250
    _count_timer: QTimer | None = None

    def lay_out(self, search_caption: str, buttons, filters, hint: str) -> None:
        """«Buscar: [search box…] [buttons…]», the ``filters`` (a layout or a widget), the
        table taking the room, and «count … hint» under it; Tab goes from the search box
        to the table and the buttons."""
        top = labelled_row(search_caption, self.search_box)
        for button in buttons:
            top.addWidget(button)
        bottom = QHBoxLayout()
        bottom.addWidget(self.count_label, 1)
        self.keys_hint = hint_label(hint, self, wrap=False)  # a screen may reword it per role
        bottom.addWidget(self.keys_hint)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        if isinstance(filters, QLayout):
            layout.addLayout(filters)
        else:
            layout.addWidget(filters)
        layout.addWidget(self.view, 1)
        layout.addLayout(bottom)
        tab_chain(self.search_box, self.view, *buttons)

    def count(self, filters) -> int:  # pragma: no cover - abstract
        """How many rows match ``filters`` (the service may stop counting at a cap)."""
        raise NotImplementedError

    @property
    def search_text(self) -> str:
        return self._search_text

    def _search_changed(self, text: str) -> None:
        if text.strip() == self._search_text and self.model.filters is not None:
            return
        self._search_text = text.strip()
        self.refresh()

    def refresh(self) -> bool:
        """Run the query for the filters on screen (first page)."""
        try:
            self.model.set_filters(self.current_filters())
        except ServiceError as exc:  # e.g. PermissionDenied: show it instead of rows
            self.count_label.setText(str(exc))
            return False
        return True

    def _count_total(self) -> None:
        """Count the matches once per query (not on every page fetched). In the background
        the label says there are more until the answer comes."""
        self._total = None
        if self.model.exhausted:
            if self._counter is not None:
                self._counter.discard()
            if self._count_timer is not None:
                self._count_timer.stop()
            return  # every match is already loaded: the row count is exact
        if self.count_in_background:
            if self._counter is None:
                # not a child of the window: the worker keeps it alive until its answer
                self._counter = LatestRunner(self.count)
                self._counter.finished.connect(self._counted)
                self._count_timer = QTimer(self)
                self._count_timer.setSingleShot(True)
                self._count_timer.setInterval(self.COUNT_AFTER_MS)
                self._count_timer.timeout.connect(self._start_count)
            self._counter.discard()  # a count not started yet is an earlier query's
            assert self._count_timer is not None
            self._count_timer.start()
            return
        try:
            self._total = self.count(self.model.filters)
        except ServiceError:
            self._total = None

    def _start_count(self) -> None:
        if self._counter is not None and not self.model.exhausted:
            self._counter.submit(self.model.filters)

    def _counted(self, filters, total: int | None) -> None:
        if filters is not self.model.filters or self.model.exhausted:
            return  # the answer to an earlier search
        self._total = total
        self._update_count()

    def wait_for_count(self) -> None:
        """Start the background count now if it is waiting for typing to pause, wait for
        it and show it (tests, the benchmark)."""
        if self._count_timer is not None and self._count_timer.isActive():
            self._count_timer.stop()
            self._start_count()
        if self._counter is not None:
            self._counter.wait()
