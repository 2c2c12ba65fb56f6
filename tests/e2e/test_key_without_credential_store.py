"""A computer without an OS credential store (a Linux desk with no Secret Service) still
works: the identity-number key goes to a per-user file (0600, folder 0700) in the user's
configuration folder, never in the database nor beside it (issue 15, point 13)."""

from __future__ import annotations

import os
import stat

from tests.cli_process import run_python


def test_demo_data_is_made_and_the_key_is_kept_in_a_private_file(tmp_path):
    home = tmp_path / "home"
    data = tmp_path / "datos"
    data.mkdir()
    env = {
        **os.environ,
        "PATOLAB_HOME": str(home),
        "QT_QPA_PLATFORM": "offscreen",
        "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring",  # no credential store
    }
    db = data / "lab.db"
    done = run_python(
        "-m", "patolab_desktop.cli", "--db", db, "seed-demo", "--customers", 40, env=env
    )
    assert done.returncode == 0, done.stderr
    key_file = home / "config" / "identity-keys.json"
    assert key_file.exists()
    if os.name == "posix":
        assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
        assert stat.S_IMODE(key_file.parent.stat().st_mode) == 0o700
    assert sorted(p.name for p in data.iterdir() if "keys" in p.name) == []  # not beside it
    # the next start reads the numbers with the same key
    again = run_python("-m", "patolab_desktop.cli", "--db", db, "check", env=env)
    assert again.returncode == 0, again.stdout + again.stderr
