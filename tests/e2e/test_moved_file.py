"""After ``migrate-to`` the SQLite file left behind is marked as moved: the command
switches this computer to the new database when it was using the file, the CLI refuses
the file with where the data went, and the GUI of a desk not yet switched says so and
offers to switch (a desk that kept the old file saved numbers the new one had given).
"""

from __future__ import annotations

import pytest

from patolab_desktop import local_settings
from patolab_desktop.services.access import session
from patolab_desktop.services.bootstrap import close_db, open_db
from tests.safety_helpers import run


@pytest.fixture
def moved(tmp_path, capsys):
    """(the file, its new database, what the command printed) after a migrate-to run from
    this computer, whose saved connection was the file."""
    source = tmp_path / "lab.db"
    open_db(source)
    close_db()
    local_settings.update(database=str(source))
    target = f"sqlite:///{tmp_path / 'nueva.db'}"
    with session.acting_as(None):  # a new file: the command acts as "cli" by itself
        assert run("migrate-to", "--to", target) == 0
    return source, target, capsys.readouterr().out


def test_the_cli_switches_the_desk_that_used_the_file_and_refuses_it(moved, capsys):
    source, target, printed = moved
    assert f"Esta computadora usa desde ahora {target}" in printed
    assert local_settings.load().database == target
    with session.acting_as(None):
        assert run("--db", source, "check") == 1
    error = capsys.readouterr().err
    assert f"se trasladaron a {target}" in error and f"--db {target}" in error
    other = source.with_name("otra.db")  # a copy of a file this desk does not use…
    open_db(other)
    close_db()
    with session.acting_as(None):
        assert run("--db", other, "migrate-to", "--to", f"sqlite:///{other}.nueva") == 0
    assert "Esta computadora usa" not in capsys.readouterr().out
    assert local_settings.load().database == target  # …leaves its connection alone


def _gui_start(monkeypatch, answer: bool) -> list[str]:
    """What ``run_gui`` asks; the login closed at once."""
    from patolab_desktop.ui import errors, prompts
    from patolab_desktop.ui.admin import backup_actions, login_flow

    asked: list[str] = []
    monkeypatch.setattr(errors, "install", lambda: None)
    monkeypatch.setattr(
        backup_actions,
        "startup_checks_in_background",
        lambda parent, delay_ms=None: type("Done", (), {"wait": lambda self: None})(),
    )
    monkeypatch.setattr(login_flow, "start_session", lambda parent=None: None)
    monkeypatch.setattr(
        prompts, "confirm", lambda parent, title, text: asked.append(text) or answer
    )
    return asked


@pytest.mark.parametrize("answer", [True, False])
def test_the_gui_of_a_desk_not_yet_switched_says_where_and_may_switch(
    moved, qapp, monkeypatch, answer
):
    from patolab_desktop.ui import app

    source, target, _printed = moved
    local_settings.update(database=str(source))  # this desk still opens the old file
    asked = _gui_start(monkeypatch, answer)

    assert app.run_gui() == (0 if answer else 1)

    [text] = asked
    assert f"se trasladaron a {target}" in text and f"¿Usar desde ahora {target}" in text
    assert local_settings.load().database == (target if answer else str(source))
