"""Helpers for the data-safety tests (issue 15): a small lab database, the CLI in-process
and as a real subprocess that can be parked at a ``PATOLAB_PAUSE_AT`` point and killed."""

from __future__ import annotations

import errno
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from patolab_desktop import cli
from patolab_desktop.util import files
from tests.cli_process import ROOT, run_captured, run_python

SQLITE_HEADER = files.SQLITE_HEADER


def lab_in_its_own_home(tmp_path_factory, name: str, customers: int, requests: int) -> Path:
    """``make_lab`` in a folder of its own, made before any test's home exists: its
    identity key goes to a keyring of that home (a module-scoped fixture's lab file)."""
    folder = tmp_path_factory.mktemp(name)
    with pytest.MonkeyPatch.context() as patch:
        (folder / "home").mkdir()
        patch.setenv("PATOLAB_HOME", str(folder / "home"))
        return make_lab(folder / "lab.db", customers=customers, requests=requests)


def empty_lab(path: Path) -> Path:
    """A brand-new database at ``path``, as the first start leaves it (the CLI refuses a
    missing file: only ``users create-admin`` and ``seed-demo`` create one); closed."""
    from patolab_desktop.services.bootstrap import close_db, open_db

    open_db(path)
    close_db()
    return path


def make_lab(path: Path, customers: int = 30, requests: int = 20) -> Path:
    """A demo database (branches, catalog, customers, requests) at ``path``; closed."""
    from patolab_desktop.demo import fill as demo
    from patolab_desktop.services.access import session
    from patolab_desktop.services.bootstrap import close_db, open_db

    open_db(path)
    try:
        with session.acting_as(session.system_actor("test")):
            demo.seed_demo(customers=customers, requests=requests, seed=11)
    finally:
        close_db()
    return path


class FullDisk:
    """A file object that accepts ``room`` bytes and then fails like a full disk."""

    def __init__(self, real, room: int):
        self.real, self.room = real, room

    def write(self, data):
        if self.room - len(data) < 0:
            raise OSError(errno.ENOSPC, "No space left on device")
        self.room -= len(data)
        return self.real.write(data)

    def __getattr__(self, name):
        return getattr(self.real, name)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.real.close()


def disk_full_after(monkeypatch, room: int) -> None:
    """Every temporary file the program writes (CSV, JSON, PDF) takes ``room`` bytes and
    then fails like a full disk."""
    real_open = files._open_temp
    monkeypatch.setattr(files, "_open_temp", lambda *a: FullDisk(real_open(*a), room))


def run(*args) -> int:
    """The CLI in this process (exit code); output through capsys."""
    return cli.main([str(a) for a in args])


def cli_env(**extra) -> dict:
    env = dict(os.environ)
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    env.update({k: str(v) for k, v in extra.items()})
    return env


def run_process(*args, env=None, preexec_fn=None, timeout=300) -> subprocess.CompletedProcess:
    """``python main.py ARGS`` as a real process, from the checkout."""
    return run_python(
        "main.py", *args, env=env or cli_env(), timeout=timeout, preexec_fn=preexec_fn, check=False
    )


def _can_mount() -> bool:
    """This system lets a process mount in a private mount namespace (Linux)."""
    if not shutil.which("unshare"):
        return False
    done = subprocess.run(
        ["unshare", "-rm", "sh", "-c", "mount -t tmpfs -o size=64k tmpfs /mnt"],
        capture_output=True,
        check=False,
    )
    return done.returncode == 0


needs_mounts = pytest.mark.skipif(
    not _can_mount(), reason="needs unshare + mount (Linux namespaces)"
)


def run_on_a_read_only_file(path: Path, *args) -> subprocess.CompletedProcess:
    """``python main.py ARGS`` with the file ``path`` read-only (a read-only bind mount in
    the child's private mount namespace; its folder stays writable): as a database file
    nobody may write, which root's permissions would not give."""
    script = (
        'mount --bind "$1" "$1" && mount -o remount,bind,ro "$1" || exit 97\nshift\nexec "$@"\n'
    )
    argv = ["unshare", "-rm", "sh", "-c", script, "sh", path, sys.executable, "main.py", *args]
    return run_captured(argv, cli_env(), check=False)


def kill_at(point: str, *args, timeout=600) -> str:
    """Start ``python main.py ARGS`` with ``PATOLAB_PAUSE_AT=point``, read its output until
    it says it is parked there, SIGKILL it; returns what it printed."""
    child = subprocess.Popen(
        [sys.executable, "main.py", *map(str, args)],
        cwd=ROOT,
        env=cli_env(PATOLAB_PAUSE_AT=point),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    seen = []
    try:
        for line in child.stdout:
            seen.append(line)
            if line.strip() == f"PATOLAB_PAUSED {point}":
                os.kill(child.pid, signal.SIGKILL)
                break
        child.wait(timeout=timeout)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
        child.stdout.close()
    text = "".join(seen)
    assert child.returncode == -signal.SIGKILL, f"not parked at {point}:\n{text}"
    return text


def temp_files(folder: Path) -> list[str]:
    return sorted(p.name for p in Path(folder).iterdir() if files.is_temp_name(p.name))
