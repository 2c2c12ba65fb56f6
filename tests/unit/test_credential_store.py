"""The credential store keyring found is remembered for the next start (issue 20)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time

import keyring
import keyring.backend
import keyring.core
import pytest
from keyring.backends import fail, null

from patolab_desktop.util import credential_store
from tests.keyring_backend import FileKeyring

STORE_NAME = "tests.keyring_backend.FileKeyring"  # a real backend, loadable by name


@pytest.fixture
def fresh(tmp_path, monkeypatch):
    """A start with no backend chosen yet, keyring's own variable and configuration file
    absent, and a search that counts how often it runs and finds ``found[0]``."""
    monkeypatch.delenv("PYTHON_KEYRING_BACKEND", raising=False)
    monkeypatch.setattr(keyring.core, "_keyring_backend", None)
    monkeypatch.setattr(keyring.core, "load_config", lambda: None)
    monkeypatch.setattr(credential_store, "_folder", None)
    monkeypatch.setattr(credential_store, "_chosen", False)
    # the tests' own backend may be remembered here, as keyring's are in the application
    monkeypatch.setattr(
        credential_store, "_BACKEND_NAME", re.compile(r"^(keyrings?|tests)\.[A-Za-z_][\w.]*$")
    )
    searches: list[int] = []
    found = [FileKeyring()]

    def search():
        searches.append(1)
        return [found[0]]

    monkeypatch.setattr(keyring.backend, "get_all_keyring", search)
    credential_store.remember_in(tmp_path)
    return searches, found


def _restart(monkeypatch) -> None:
    """What a new process starts with: keyring without a backend, nothing chosen."""
    monkeypatch.setattr(keyring.core, "_keyring_backend", None)
    monkeypatch.setattr(credential_store, "_chosen", False)


def _note(tmp_path):
    return tmp_path / credential_store.NOTE_FILE


def test_the_store_found_is_written_and_the_next_start_loads_it_without_searching(
    fresh, tmp_path, monkeypatch
):
    searches, _found = fresh
    assert isinstance(credential_store.loaded().get_keyring(), FileKeyring)
    assert searches == [1]
    assert _note(tmp_path).read_text(encoding="utf-8") == STORE_NAME + "\n"

    _restart(monkeypatch)
    assert isinstance(credential_store.loaded().get_keyring(), FileKeyring)
    assert searches == [1]  # loaded by name: keyring did not search again
    credential_store.loaded()
    assert searches == [1]  # chosen once a process


def test_no_store_is_never_remembered_and_an_old_note_is_removed(fresh, tmp_path, monkeypatch):
    searches, found = fresh
    _note(tmp_path).write_text(STORE_NAME, encoding="utf-8")
    old = time.time() - credential_store.TRUSTED_SECONDS - 60
    os.utime(_note(tmp_path), (old, old))
    found[0] = fail.Keyring()
    assert isinstance(credential_store.loaded().get_keyring(), fail.Keyring)
    assert not _note(tmp_path).exists()

    _restart(monkeypatch)  # the Secret Service is up at the next start: it is found
    found[0] = FileKeyring()
    assert isinstance(credential_store.loaded().get_keyring(), FileKeyring)
    assert searches == [1, 1]


@pytest.mark.parametrize("name", ["keyring.backends.fail.Keyring", "keyring.backends.null.Keyring"])
def test_a_note_naming_no_store_is_ignored(fresh, tmp_path, name):
    searches, _found = fresh
    _note(tmp_path).write_text(name, encoding="utf-8")
    assert credential_store.remembered() is None
    assert isinstance(credential_store.loaded().get_keyring(), FileKeyring)
    assert searches == [1]


def test_a_note_older_than_a_day_or_from_the_future_is_not_trusted(fresh, tmp_path):
    note = _note(tmp_path)
    note.write_text(STORE_NAME, encoding="utf-8")
    for moment in (
        time.time() - credential_store.TRUSTED_SECONDS - 60,
        time.time() + 3600,  # the clock was put back
    ):
        os.utime(note, (moment, moment))
        assert credential_store.remembered() is None
    os.utime(note, None)
    assert credential_store.remembered() == STORE_NAME


def test_a_note_that_is_not_text_is_ignored(fresh, tmp_path):
    searches, _found = fresh
    _note(tmp_path).write_bytes(b"\xff\xfe\x00keyring")
    assert credential_store.remembered() is None
    assert isinstance(credential_store.loaded().get_keyring(), FileKeyring)
    assert searches == [1]


def test_a_remembered_store_that_no_longer_loads_makes_keyring_search_again(fresh, tmp_path):
    searches, _found = fresh
    _note(tmp_path).write_text("keyring.backends.removed_here.Keyring\n", encoding="utf-8")
    assert isinstance(credential_store.loaded().get_keyring(), FileKeyring)
    assert searches == [1]
    assert _note(tmp_path).read_text(encoding="utf-8") == STORE_NAME + "\n"


@pytest.mark.parametrize(
    "name",
    ["os.system", "tests.keyring_backend.FileKeyring", "", "x y", "keyring.backends.fail.Keyring"],
)
def test_a_note_names_only_a_real_store_of_keyring_or_keyrings(name):
    assert not credential_store._worth_remembering(name)


@pytest.mark.parametrize(
    "name", ["keyring.backends.SecretService.Keyring", "keyrings.alt.file.PlaintextKeyring"]
)
def test_keyring_stores_are_names_worth_remembering(name):
    assert credential_store._worth_remembering(name)


def test_keyrings_own_variable_wins_and_nothing_is_remembered(fresh, tmp_path, monkeypatch):
    searches, _found = fresh
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.null.Keyring")
    _note(tmp_path).write_text(STORE_NAME, encoding="utf-8")
    assert isinstance(credential_store.loaded().get_keyring(), null.Keyring)
    assert searches == []
    assert _note(tmp_path).read_text(encoding="utf-8") == STORE_NAME


def test_keyrings_own_configuration_file_wins(fresh, tmp_path, monkeypatch):
    searches, _found = fresh
    monkeypatch.setattr(keyring.core, "load_config", lambda: null.Keyring())
    _note(tmp_path).write_text(STORE_NAME, encoding="utf-8")
    assert isinstance(credential_store.loaded().get_keyring(), null.Keyring)
    assert searches == []


def test_without_a_folder_keyring_searches_each_start_and_nothing_is_written(
    fresh, tmp_path, monkeypatch
):
    searches, _found = fresh
    credential_store.remember_in(None)
    assert isinstance(credential_store.loaded().get_keyring(), FileKeyring)
    assert searches == [1]
    assert not _note(tmp_path).exists()


def test_opening_a_database_remembers_in_the_configuration_folder(database):
    from patolab_desktop.paths import config_dir

    assert credential_store._folder == os.fspath(config_dir())
    assert keyring is credential_store.loaded()


_SEARCH_IN_A_NEW_PROCESS = """
import sys
from patolab_desktop.util import credential_store
credential_store.remember_in(sys.argv[1])
found = credential_store.loaded().get_keyring()
print(type(found).__module__)
print(sys.modules.get("keyring.backends.macOS.api", "absent"))
"""


@pytest.mark.skipif(sys.platform == "darwin", reason="the macOS store is this system's own")
def test_keyrings_search_off_macos_does_not_load_the_macos_native_api(tmp_path):
    """Its import runs ctypes' library search (ldconfig, gcc) for a framework that is not
    there: 26-40 ms of a start. keyring's real search runs in a new process, with no
    store named or remembered, and still chooses a backend."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("PYTHON_KEYRING_BACKEND", "XDG_CONFIG_HOME", "XDG_DATA_HOME")
    }
    env["XDG_CONFIG_HOME"] = env["XDG_DATA_HOME"] = str(tmp_path)  # no keyringrc.cfg
    completed = subprocess.run(
        [sys.executable, "-c", _SEARCH_IN_A_NEW_PROCESS, str(tmp_path / "config")],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    chosen, macos_api = completed.stdout.split()
    assert chosen.startswith(("keyring.", "keyrings.")), completed.stdout
    assert macos_api == "None", completed.stdout  # refused, never imported
