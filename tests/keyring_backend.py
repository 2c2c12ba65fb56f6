"""A keyring backend for the tests: a JSON file inside the test's temporary PATOLAB_HOME.

Selected for every test (and every subprocess a test starts) through the standard
``PYTHON_KEYRING_BACKEND`` variable set in ``tests/conftest.py``, so no test ever reads or
writes the real OS credential store.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from keyring.backend import KeyringBackend
from keyring.errors import PasswordDeleteError


class FileKeyring(KeyringBackend):
    priority = 1

    @staticmethod
    def _file() -> Path:
        home = os.environ.get("PATOLAB_HOME")
        if not home:
            raise RuntimeError("test keyring used without PATOLAB_HOME")
        return Path(home) / "test-keyring.json"

    def _load(self) -> dict:
        try:
            return json.loads(self._file().read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}

    def get_password(self, service, username):
        return self._load().get(f"{service}\x1f{username}")

    def set_password(self, service, username, password):
        data = self._load()
        data[f"{service}\x1f{username}"] = password
        self._file().write_text(json.dumps(data), encoding="utf-8")

    def delete_password(self, service, username):
        data = self._load()
        if data.pop(f"{service}\x1f{username}", None) is None:
            raise PasswordDeleteError(username)
        self._file().write_text(json.dumps(data), encoding="utf-8")
