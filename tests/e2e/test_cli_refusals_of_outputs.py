"""The command line refusing a backup, a restore or an export it cannot do: a few Spanish
lines naming what the person typed, and a non-zero exit."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.safety_helpers import make_lab, run

pytestmark = pytest.mark.sqlite_only


@pytest.fixture(scope="module")
def lab_file(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("salidas")
    with pytest.MonkeyPatch.context() as patch:
        (folder / "home").mkdir()
        patch.setenv("PATOLAB_HOME", str(folder / "home"))
        return make_lab(folder / "lab.db", customers=60, requests=20)


def test_a_damaged_backup_is_refused_in_a_few_lines(lab_file, tmp_path, capsys):
    assert run("--db", lab_file, "backup", "--folder", tmp_path) == 0
    good = Path(capsys.readouterr().out.strip().rsplit(" ", 1)[-1])
    data = bytearray(good.read_bytes())
    for offset in range(8192, min(len(data), 8192 * 60), 4096):
        data[offset + 100 : offset + 300] = b"\xff" * 200
    damaged = tmp_path / "danada.db"
    damaged.write_bytes(bytes(data))

    assert run("--db", lab_file, "restore", damaged) == 1
    err = capsys.readouterr().err
    assert "danada.db está dañada y no se puede restaurar" in err
    assert err.count("\n") < 6 and len(err) < 500, err
