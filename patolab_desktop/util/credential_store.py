"""``keyring``, with the credential store it found remembered between starts (issue 20).

The first time it is asked, ``keyring`` looks for this computer's credential store: it
imports every backend it ships and asks each whether it works here (the Secret Service
over D-Bus, KWallet, the macOS and Windows stores). That took 0.05–0.2 s, and a desk
on PostgreSQL paid it before its login window, to read the server's password
(1,000,000 customers: cold start 0.39–0.45 s; with the store known, 0.35–0.37 s).

The store found is written to ``credential-store.txt`` in the per-user configuration
folder, and the next start loads that backend directly with keyring's own
``load_keyring``, which still checks that it is usable here. The note is trusted for a
day; after that, or when the backend named no longer loads (a store removed), keyring
looks again and the note is rewritten. "No store" (keyring's ``fail`` and ``null``
backends) is never remembered: a store that was not reachable at one start (the Secret
Service not up yet, a session over SSH) must not hide it for a day. The standard
``PYTHON_KEYRING_BACKEND`` variable and keyring's own configuration file, when present,
are keyring's to honour, and nothing is remembered.
"""

from __future__ import annotations

import logging
import os
import re
import sys
import threading
import time
from pathlib import Path
from types import ModuleType

from . import files

NOTE_FILE = "credential-store.txt"
TRUSTED_SECONDS = 24 * 3600
# only keyring's own backends and those of the keyrings.* packages are loaded by name
_BACKEND_NAME = re.compile(r"^keyrings?\.[A-Za-z_][\w.]*$")
# keyring's answers for "no credential store here": never remembered
_NO_STORE = ("keyring.backends.fail.", "keyring.backends.null.")

log = logging.getLogger(__name__)
_folder: str | None = None
_lock = threading.Lock()
_chosen = False


def remember_in(folder: str | os.PathLike | None) -> None:
    """The folder of the note (the app passes its per-user configuration folder)."""
    global _folder, _chosen
    folder = os.fspath(folder) if folder is not None else None
    with _lock:
        if folder != _folder:
            _folder, _chosen = folder, False


def loaded() -> ModuleType:
    """The ``keyring`` module, its backend chosen (from the note when there is one)."""
    import keyring

    global _chosen
    with _lock:
        if not _chosen:
            _choose(keyring)
            _chosen = True
    return keyring


def _note() -> Path | None:
    return Path(_folder) / NOTE_FILE if _folder else None


def remembered() -> str | None:
    """The backend the note names, if the note is there, recent and well formed."""
    note = _note()
    try:
        if note is None or not 0 <= time.time() - note.stat().st_mtime <= TRUSTED_SECONDS:
            return None
        name = note.read_text(encoding="utf-8").strip()
    except (OSError, ValueError):  # unreadable, or not text: keyring searches again
        return None
    return name if _worth_remembering(name) else None


def _worth_remembering(name: str) -> bool:
    return bool(_BACKEND_NAME.match(name)) and not name.startswith(_NO_STORE)


def _choose(keyring: ModuleType) -> None:
    if os.environ.get("PYTHON_KEYRING_BACKEND"):
        return  # the person's (or the tests') choice, which keyring reads itself
    try:
        configured = keyring.core.load_config()  # keyring's own configuration file
    except Exception:  # noqa: BLE001 - a broken one: keyring's search says so itself
        configured = None
    if configured is not None:
        keyring.set_keyring(configured)
        return
    name = remembered()
    if name:
        try:
            keyring.set_keyring(keyring.core.load_keyring(name))
            return
        except Exception as exc:  # noqa: BLE001 - not importable or not usable here any more
            log.info("Remembered credential store %s not usable (%s)", name, type(exc).__name__)
    _skip_foreign_native_apis()
    found = keyring.get_keyring()  # keyring's own search
    kind = type(found)
    _write_note(f"{kind.__module__}.{kind.__qualname__}")


# keyring's macOS backend loads the Security framework with ctypes when it is imported;
# on Linux and Windows ``ctypes.util.find_library`` then runs ``ldconfig``/``gcc`` to
# look for it in vain: 26-40 ms of every start without a remembered store (a desk on
# PostgreSQL pays it before its login window). Its ``priority`` refuses any other system
# first thing, so the search loses nothing.
_MACOS_NATIVE_API = "keyring.backends.macOS.api"


def _skip_foreign_native_apis() -> None:
    """Off macOS, mark the macOS native API as not importable (a ``None`` entry in
    ``sys.modules``, Python's own way to say so) before keyring imports its backends; the
    backend catches the ImportError and stays unusable, as it would anyway."""
    if sys.platform != "darwin":
        sys.modules.setdefault(_MACOS_NATIVE_API, None)  # type: ignore[arg-type]


def _write_note(name: str) -> None:
    note = _note()
    if note is None:
        return
    if not _worth_remembering(name):  # no store found: the next start searches again
        files.remove_quietly(note)
        return
    try:
        files.ensure_private_dir(note.parent, tighten=False)
        files.write_text_atomic(note, name + "\n")
    except OSError as exc:  # a read-only profile: keyring just searches again next time
        log.info("Credential store not remembered: %s", exc)
