"""The floors of the house (issue 19): nothing imports upward, and no import circle.

entry (main, cli, selftest) → ui, commands, bench → documents, demo → i18n → services
→ db, local_settings → util, paths. An import to a lower floor is fine (skipping floors
too); an import to the same floor is fine between modules of one area (ui → ui) and between
areas that are peers on purpose (bench → ui: the benchmark opens the real windows).
"""

from __future__ import annotations

import ast

from tests.arch.import_graph import PACKAGE, cycles, graph, module_files

FLOORS = {
    "cli": 7,
    "selftest": 7,
    "ui": 6,
    "commands": 6,
    "bench": 6,
    "documents": 5,
    "demo": 5,
    "i18n": 4,
    "services": 3,
    "db": 2,
    "local_settings": 2,
    "util": 1,
    "paths": 1,
    "": 0,  # the package itself (its version)
}


def area(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def test_every_module_has_a_floor():
    assert {area(m) for m in module_files()} <= set(FLOORS)


def test_no_import_runs_up_a_floor():
    upward = sorted(
        f"{a} -> {b}"
        for a, targets in graph().items()
        for b in targets
        if FLOORS[area(b)] > FLOORS[area(a)]
    )
    assert upward == []


def test_no_import_between_peer_areas_except_the_benchmark():
    sideways = sorted(
        f"{a} -> {b}"
        for a, targets in graph().items()
        for b in targets
        if area(a) != area(b)
        and FLOORS[area(b)] == FLOORS[area(a)]
        and (area(a), area(b)) not in {("bench", "ui"), ("commands", "bench"), ("cli", "selftest")}
    )
    assert sideways == []


def test_no_import_circle():
    assert cycles(graph()) == []


def test_ui_never_imports_db_and_services_never_import_widgets():
    edges = graph()
    assert (
        sorted(a for a, bs in edges.items() if area(a) == "ui" and any(area(b) == "db" for b in bs))
        == []
    )
    offenders = []
    for name, path in module_files().items():
        if area(name) not in {"services", "db", "util", "documents"}:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith(
                "PySide6.QtWidgets"
            ):
                offenders.append(name)
    assert offenders == []


def test_the_graph_sees_lazy_imports():
    """A function-level import counts: the walker must find this known one."""
    edges = graph()
    assert f"{PACKAGE}.services.bootstrap" in edges[f"{PACKAGE}.ui.widgets.latest_runner"]
