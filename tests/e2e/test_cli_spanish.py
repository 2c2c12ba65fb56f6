"""Issue 16: the command line's own headings and errors are Spanish like its help texts
(argparse prints "usage:", "options:" and English errors by itself)."""

from __future__ import annotations

import re

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


NOTE = ["credit-note", "F-1", "--reason", "x", "--receiver", "y", "--receiver-document", "z"]
ENGLISH_ERROR_WORDS = re.compile(
    r"\b(arguments?|required|expected|invalid|choose|allowed|ambiguous|could|match|"
    r"unrecognized|ignored|explicit|value|one of)\b"
)


@pytest.mark.parametrize(
    ("argv", "spanish"),
    [
        (NOTE, "uno de los argumentos --amount --whole --investigations es obligatorio"),
        ([*NOTE, "--amount", "5", "--whole"], "no se permite junto con el argumento"),
        (["export", "customers", "--out"], "falta un valor"),
        (["export", "clientas"], "opción no válida"),
        (["credit-note", "F-1", "--re", "x"], "opción ambigua: --re puede ser"),
        (["check", "--sin-esto"], "argumentos no reconocidos: --sin-esto"),
        (["seed-demo", "--seed", "abc"], "valor int no válido: 'abc'"),
        (["credit-note"], "faltan los argumentos: "),
        (["users", "reset-admin", "marta", "--password-stdin=si"], "argumento explícito"),
    ],
)
def test_every_argparse_error_is_spanish(capsys, argv, spanish):
    with pytest.raises(SystemExit) as exit_:
        cli.main(argv)
    assert exit_.value.code == 2
    error = capsys.readouterr().err.strip().splitlines()[-1]
    assert spanish in error, error
    assert not ENGLISH_ERROR_WORDS.findall(error), error
