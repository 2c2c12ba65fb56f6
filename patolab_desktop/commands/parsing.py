"""argparse in Spanish: the headings, the help option and the errors speak the language of
every subcommand's help (issue 16). Used by ``cli`` and by commands that build parent
parsers of their own."""

from __future__ import annotations

import argparse
import sys

# argparse's own words, in the language of the rest of the command line (issue 16)
ARGPARSE_MESSAGES = (
    ("the following arguments are required: ", "faltan los argumentos: "),
    ("unrecognized arguments: ", "argumentos no reconocidos: "),
    ("one of the arguments ", "uno de los argumentos "),  # a required exclusive group
    (" is required", " es obligatorio"),
    ("ignored explicit argument ", "se ignoró el argumento explícito "),  # --switch=valor
    ("invalid choice: ", "opción no válida: "),
    ("(choose from ", "(elija entre "),
    ("expected one argument", "falta un valor"),
    ("expected at least one argument", "falta al menos un valor"),
    ("not allowed with argument ", "no se permite junto con el argumento "),
    ("ambiguous option: ", "opción ambigua: "),
    (" could match ", " puede ser "),
    ("argument ", "argumento "),
    (" value: ", " no válido: "),
    ("invalid ", "valor "),
)


class SpanishHelpFormatter(argparse.HelpFormatter):
    def add_usage(self, usage, actions, groups, prefix=None):
        return super().add_usage(usage, actions, groups, "uso: " if prefix is None else prefix)


class SpanishArgumentParser(argparse.ArgumentParser):
    """An ArgumentParser whose headings, help option and errors are Spanish, like the
    help texts of every subcommand."""

    def __init__(self, *args, add_help: bool = True, parents=(), **kwargs):
        kwargs.setdefault("formatter_class", SpanishHelpFormatter)
        super().__init__(*args, add_help=False, **kwargs)
        self._positionals.title = "argumentos"
        self._optionals.title = "opciones"
        if add_help:
            self.add_argument(
                "-h",
                "--help",
                action="help",
                default=argparse.SUPPRESS,
                help="mostrar esta ayuda y salir",
            )
        for parent in parents:  # after the titles, so the parents' options join "opciones"
            self._add_container_actions(parent)
            self._defaults.update(parent._defaults)

    def error(self, message: str):  # argparse exits with 2 on bad arguments
        for english, spanish in ARGPARSE_MESSAGES:
            message = message.replace(english, spanish)
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}: error: {message}\n")
