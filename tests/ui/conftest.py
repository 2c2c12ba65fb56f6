"""Fixtures of the screen tests: nobody logged in, a fixed clock and cheap hashing for the
tests that log in as a role (``tests.security_helpers``); acting as a seeded role, prompts
recorded, dialogs trapped and the crash dialog failing the test (issue 16)."""

from __future__ import annotations

import pytest

from tests.security_helpers import clock, fast_hashing, no_session  # noqa: F401

from .role_helpers import DialogTrap, PromptLog, act_as, fail_on_crash_dialog


@pytest.fixture
def as_role(database, fast_hashing):  # noqa: F811
    """``as_role("Recepción")`` logs in as a real user of that seeded role; the system
    actor of the autouse fixture comes back after the test."""
    from patolab_desktop.services.access import session

    previous = session.current()
    yield act_as
    session.set_current(previous)


@pytest.fixture
def prompt_log(monkeypatch) -> PromptLog:
    return PromptLog().install(monkeypatch)


@pytest.fixture
def dialog_trap(monkeypatch) -> DialogTrap:
    return DialogTrap().install(monkeypatch)


@pytest.fixture
def no_crash_dialog(monkeypatch) -> list:
    return fail_on_crash_dialog(monkeypatch)
