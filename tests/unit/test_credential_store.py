"""The credential store keyring found is remembered for the next start (issue 20)."""

from __future__ import annotations

import os
import time

import keyring
import keyring.backend
import keyring.core
import pytest
from keyring.backends import fail, null

from patolab_desktop.util import credential_store

NULL_NAME = "keyring.backends.null.Keyring"


@pytest.fixture
def fresh(tmp_path, monkeypatch):
    """A start with no backend chosen yet, keyring's own variable unset, and a search that
    counts how often it runs and finds keyring's "null" store."""
    monkeypatch.delenv("PYTHON_KEYRING_BACKEND", raising=False)
    monkeypatch.setattr(keyring.core, "_keyring_backend", None)
    monkeypatch.setattr(credential_store, "_folder", None)
    monkeypatch.setattr(credential_store, "_chosen", False)
    searches = []

    def search():
        searches.append(1)
        return [null.Keyring()]

    monkeypatch.setattr(keyring.backend, "get_all_keyring", search)
    credential_store.remember_in(tmp_path)
    return searches


def _restart(monkeypatch) -> None:
    """What a new process starts with: keyring without a backend, nothing chosen."""
    monkeypatch.setattr(keyring.core, "_keyring_backend", None)
    monkeypatch.setattr(credential_store, "_chosen", False)


def test_the_store_found_is_written_and_the_next_start_loads_it_without_searching(
    fresh, tmp_path, monkeypatch
):
    assert isinstance(credential_store.loaded().get_keyring(), null.Keyring)
    assert fresh == [1]
    assert (tmp_path / credential_store.NOTE_FILE).read_text(encoding="utf-8") == NULL_NAME + "\n"

    _restart(monkeypatch)
    assert isinstance(credential_store.loaded().get_keyring(), null.Keyring)
    assert fresh == [1]  # loaded by name, keyring did not search again
    credential_store.loaded()
    assert fresh == [1]  # chosen once a process


def test_a_note_older_than_a_day_is_not_trusted(fresh, tmp_path):
    note = tmp_path / credential_store.NOTE_FILE
    note.write_text("keyring.backends.fail.Keyring\n", encoding="utf-8")
    old = time.time() - credential_store.TRUSTED_SECONDS - 60
    os.utime(note, (old, old))
    assert isinstance(credential_store.loaded().get_keyring(), null.Keyring)
    assert fresh == [1]
    assert note.read_text(encoding="utf-8") == NULL_NAME + "\n"


def test_a_remembered_store_that_no_longer_loads_makes_keyring_search_again(fresh, tmp_path):
    note = tmp_path / credential_store.NOTE_FILE
    note.write_text("keyring.backends.removed_here.Keyring\n", encoding="utf-8")
    assert isinstance(credential_store.loaded().get_keyring(), null.Keyring)
    assert fresh == [1]
    assert note.read_text(encoding="utf-8") == NULL_NAME + "\n"


@pytest.mark.parametrize("name", ["os.system", "tests.keyring_backend.FileKeyring", "", "x y"])
def test_a_note_naming_anything_but_a_keyring_backend_is_ignored(fresh, tmp_path, name):
    (tmp_path / credential_store.NOTE_FILE).write_text(name, encoding="utf-8")
    assert credential_store.remembered() is None
    assert isinstance(credential_store.loaded().get_keyring(), null.Keyring)
    assert fresh == [1]


def test_a_remembered_store_is_used_as_named(fresh, tmp_path):
    (tmp_path / credential_store.NOTE_FILE).write_text(
        "keyring.backends.fail.Keyring", encoding="utf-8"
    )
    assert isinstance(credential_store.loaded().get_keyring(), fail.Keyring)
    assert fresh == []


def test_keyrings_own_variable_wins_and_nothing_is_remembered(fresh, tmp_path, monkeypatch):
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
    (tmp_path / credential_store.NOTE_FILE).write_text(NULL_NAME, encoding="utf-8")
    assert isinstance(credential_store.loaded().get_keyring(), fail.Keyring)
    assert fresh == []
    assert (tmp_path / credential_store.NOTE_FILE).read_text(encoding="utf-8") == NULL_NAME


def test_without_a_folder_keyring_searches_each_start_and_nothing_is_written(
    fresh, tmp_path, monkeypatch
):
    credential_store.remember_in(None)
    assert isinstance(credential_store.loaded().get_keyring(), null.Keyring)
    assert fresh == [1]
    assert not (tmp_path / credential_store.NOTE_FILE).exists()


def test_opening_a_database_remembers_in_the_configuration_folder(database):
    from patolab_desktop.paths import config_dir

    assert credential_store._folder == os.fspath(config_dir())
    assert keyring is credential_store.loaded()
