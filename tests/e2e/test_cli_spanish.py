"""Issue 16: the command line's own headings and errors are Spanish like its help texts
(argparse prints "usage:", "options:" and English errors by itself)."""

from __future__ import annotations

import pytest

from patolab_desktop import cli

ENGLISH = ("usage:", "options:", "positional arguments", "show this help", "optional arguments")


@pytest.mark.parametrize("argv", [["--help"], ["export", "--help"], ["labels", "--help"]])
def test_help_is_spanish(capsys, argv):
    with pytest.raises(SystemExit) as exit_:
        cli.main(argv)
    assert exit_.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith("uso: ") and "opciones:" in out and "mostrar esta ayuda y salir" in out
    assert not [word for word in ENGLISH if word in out]
    assert out.count("opciones:") == 1  # the shared --db joins the same group


def test_errors_are_spanish(capsys):
    with pytest.raises(SystemExit) as exit_:
        cli.main(["no-existe"])
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert "uso: " in err and "opción no válida" in err and "elija entre" in err
    assert "invalid choice" not in err and "usage:" not in err
