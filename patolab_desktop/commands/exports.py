"""``export KIND --out FILE [filters]``: each area adds its kind with ``register_export``."""

from __future__ import annotations


def register(sub, common, modules) -> None:
    export = sub.add_parser("export", parents=[common], help="exportar a CSV (UTF-8 con BOM)")
    kinds = export.add_subparsers(dest="kind", metavar="TIPO", required=True)
    for module in modules:
        register_export = getattr(module, "register_export", None)
        if register_export is not None:
            register_export(kinds, common)
