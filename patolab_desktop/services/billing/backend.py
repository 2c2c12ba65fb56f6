"""The replaceable issuing back end (issue 17, point 9).

Issuing a fiscal document needs one thing from the regime: a number and the
authorisation data to print with it, allocated inside the saving transaction. Today that
is the CAI regime (``CaiBackend``: the authorisation ranges in the database). If SAR
mandates electronic invoicing (CAEE, Art. 54), a back end that obtains the number and
the electronic authorisation implements the same ``allocate`` and is chosen here; the
services that issue, void and report do not change.
"""

from __future__ import annotations

from typing import Protocol

from . import authorisations
from .authorisations import Allocation


class IssuingBackend(Protocol):
    name: str

    def allocate(self, doc_type: str) -> Allocation:
        """The next number of ``doc_type`` and its authorisation data; called inside the
        issuing transaction (a rollback gives the number back)."""
        ...


class CaiBackend:
    name = "cai"

    def allocate(self, doc_type: str) -> Allocation:
        return authorisations.take_number(doc_type)


_backend: IssuingBackend = CaiBackend()


def current() -> IssuingBackend:
    return _backend


def use(backend: IssuingBackend) -> IssuingBackend:
    """Replace the back end (returns the previous one)."""
    global _backend
    previous, _backend = _backend, backend
    return previous
