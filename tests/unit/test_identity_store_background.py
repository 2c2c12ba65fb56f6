"""The credential store is found in a worker thread while the login waits (issue 20)."""

from __future__ import annotations

import threading

from patolab_desktop.services import identity
from patolab_desktop.util import identity_crypto as crypto


def test_the_store_is_found_off_the_calling_thread(monkeypatch):
    seen: list[str] = []

    def kind() -> str:
        seen.append(threading.current_thread().name)
        return "file"

    monkeypatch.setattr(crypto, "key_store_kind", kind)
    thread = identity.find_store_in_background()
    thread.join(timeout=30)
    assert not thread.is_alive()
    assert thread.daemon  # never keeps a closing app waiting
    assert seen == ["identity-store"]


def test_no_store_on_this_computer_is_logged_not_raised(monkeypatch, caplog):
    def kind() -> str:
        raise RuntimeError("no backend")

    failures: list = []
    monkeypatch.setattr(crypto, "key_store_kind", kind)
    monkeypatch.setattr(threading, "excepthook", failures.append)
    caplog.set_level("INFO", logger="patolab_desktop.services.identity")
    identity.find_store_in_background().join(timeout=30)
    assert failures == []
    assert "No credential store" in caplog.text
