"""How a subcommand is declared: its parser (with the common --db/--user options) and its
handler in one call, and the options many subcommands share: an output file, an on/off
switch, a required reason, the paper of a PDF, a period of days."""

from __future__ import annotations

import argparse
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from . import out_path

Handler = Callable[[argparse.Namespace], int]


def command(
    sub: Any,
    name: str,
    common: argparse.ArgumentParser,
    handler: Handler,
    help: str,
    *,
    aliases: Iterable[str] = (),
    parents: Iterable[argparse.ArgumentParser] = (),
    **options: Any,
) -> argparse.ArgumentParser:
    """``sub.add_parser`` with the common options (and ``parents``) whose ``handler``
    runs the subcommand; ``options`` go to ``add_parser`` (a ``description``…)."""
    parser = sub.add_parser(
        name, parents=[common, *parents], aliases=list(aliases), help=help, **options
    )
    parser.set_defaults(handler=handler)
    return parser


def file_option(
    parser: argparse.ArgumentParser,
    help: str | None = None,
    *,
    flag: str = "--out",
    required: bool = False,
    type: Callable[[str], Any] | None = out_path,
) -> None:
    """``--out ARCHIVO`` (or ``flag``): a file to write, checked by ``out_path``."""
    parser.add_argument(
        flag, type=type, required=required, default=None, metavar="ARCHIVO", help=help
    )


def export_command(
    kinds: Any,
    name: str,
    common: argparse.ArgumentParser,
    handler: Handler,
    help: str,
    *,
    out_help: str | None = None,
    search_help: str | None = None,
    aliases: Iterable[str] = (),
) -> argparse.ArgumentParser:
    """``export KIND --out ARCHIVO`` (required), with ``--search TEXTO`` when the kind
    filters by a search text (``search_help``)."""
    parser = command(kinds, name, common, handler, help, aliases=aliases)
    file_option(parser, out_help, required=True)
    if search_help is not None:
        parser.add_argument("--search", default="", metavar="TEXTO", help=search_help)
    return parser


def switch(parser: argparse.ArgumentParser, flag: str, help: str) -> None:
    """An option that is off unless given (``--dry-run``)."""
    parser.add_argument(flag, action="store_true", help=help)


def reason_option(parser: argparse.ArgumentParser, help: str) -> None:
    """``--reason`` (required): why a document is voided or credited, a range ended."""
    parser.add_argument("--reason", required=True, help=help)


def paper_option(
    parser: argparse.ArgumentParser,
    flag: str,
    choices: Sequence[str],
    default: str | None,
    help: str | None = None,
) -> None:
    """The paper of a PDF (``--format letter``, ``--paper A4``)."""
    parser.add_argument(flag, choices=choices, default=default, help=help)


def period_options(
    parser: argparse.ArgumentParser,
    type: Callable[[str], Any],
    metavar: str,
    helps: tuple[str, str],
    *,
    required: bool = False,
) -> None:
    """``--from`` and ``--to`` (``helps``: their texts), read by ``type`` into
    ``date_from`` and ``date_to``."""
    from_help, to_help = helps
    for flag, dest, text in (("--from", "date_from", from_help), ("--to", "date_to", to_help)):
        parser.add_argument(
            flag, dest=dest, type=type, required=required, default=None, metavar=metavar, help=text
        )
