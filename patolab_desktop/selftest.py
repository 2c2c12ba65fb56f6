"""``patolab --self-test``: prove an installation (or a bundle) works, without a display.

Opens the main window offscreen on a temporary database seeded with a small demo, runs
a customer search through the customers tab's model, renders a request summary PDF and
checks the per-user file locations. Prints a short Spanish report; exit code 0 when
every check passed, 1 with the reason otherwise. Nothing is written to the user's data
(``PATOLAB_HOME`` points at a temporary folder during the test) and nothing beside the
executable (checked when frozen).
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

DEMO_CUSTOMERS = 50
DEMO_REQUESTS = 20


class SelfTestError(Exception):
    """A check that failed; the message says which one and why (Spanish)."""


def _say(text: str) -> None:
    stream = sys.stdout  # None in a windowed Windows executable
    if stream is not None:
        print(text, file=stream, flush=True)


def _fail(text: str) -> None:
    stream = sys.stderr or sys.stdout
    if stream is not None:
        print(text, file=stream, flush=True)


def app_folder() -> Path | None:
    """The installed program's folder when frozen (PyInstaller), else None."""
    if getattr(sys, "frozen", False):
        return Path(sys.executable).resolve().parent
    return None


def _snapshot(folder: Path) -> dict[str, tuple[int, int]]:
    """Every file under ``folder`` with its size and modification time."""
    files = {}
    for root, _dirs, names in os.walk(folder):
        for name in names:
            path = Path(root, name)
            try:
                stat = path.stat()
            except OSError:
                continue
            files[str(path.relative_to(folder))] = (stat.st_size, stat.st_mtime_ns)
    return files


def _is_inside(path: Path, folder: Path) -> bool:
    try:
        path.resolve().relative_to(folder.resolve())
        return True
    except ValueError:
        return False


@contextmanager
def _environment(name: str, value: str):
    previous = os.environ.get(name)
    os.environ[name] = value
    try:
        yield
    finally:
        if previous is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = previous


def check_locations(folder: Path | None) -> list[str]:
    """Data, logs and settings live in the user's folders, never under ``folder``."""
    from . import paths

    report = []
    for label, where in (
        ("datos", paths.data_dir()),
        ("registros", paths.log_dir()),
        ("configuración", paths.config_dir()),
    ):
        if folder is not None and _is_inside(where, folder):
            raise SelfTestError(
                f"la carpeta de {label} ({where}) está dentro de la del programa ({folder})"
            )
        report.append(f"{label}: {where}")
    return report


def check_resources() -> str:
    from .paths import resources_dir

    root = resources_dir()
    for part in (
        ("data", "honduras_geo.csv"),
        ("data", "demo_investigations.csv"),
        ("icons", "patolab.png"),
        ("translations", "patolab_en.qm"),
    ):
        if not root.joinpath(*part).is_file():
            raise SelfTestError(f"falta el recurso {'/'.join(part)} en {root}")
    return str(root)


def check_qt_translations() -> str:
    """Qt's own Spanish texts (dialog buttons) load from the Qt installation or bundle."""
    from PySide6.QtCore import QLibraryInfo, QTranslator

    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    translator = QTranslator()
    if not translator.load("qtbase_es", folder):
        raise SelfTestError(f"no se encontró la traducción de Qt qtbase_es.qm en {folder}")
    return f"qtbase_es.qm en {folder}"


def _search_term(name: str) -> str:
    words = [word for word in name.split() if len(word) >= 3]
    if not words:
        raise SelfTestError(f"el cliente de prueba no tiene un nombre buscable: {name!r}")
    return max(words, key=len)


def check_customer_search(window, app) -> str:
    """Type a customer's surname in the customers tab and find that customer."""
    tab = window.show_tab("customers")
    app.processEvents()
    model = tab.model
    if model.rowCount() == 0:
        tab.refresh()
    if model.rowCount() == 0:
        raise SelfTestError("la lista de clientes está vacía")
    wanted_id = model.row_id(0)
    term = _search_term(str(model.row_dict(0).get("name") or ""))
    tab.search_box.setText(term)
    tab.search_box.flush()  # the debounce would search a moment later
    app.processEvents()
    found = model.rowCount()
    if found == 0:
        raise SelfTestError(f"la búsqueda de clientes «{term}» no encontró nada")
    ids = {model.row_id(row) for row in range(found)}
    if wanted_id not in ids:
        raise SelfTestError(f"la búsqueda «{term}» no devolvió al cliente {wanted_id}")
    return f"«{term}» → {found} cliente(s)"


def check_summary_pdf(pdf_path: Path) -> str:
    from .documents.request_summary import write_summary_pdf
    from .services import requests as requests_service
    from .services.paging import PageRequest
    from .services.requests import reports

    page = requests_service.page(requests_service.RequestFilter(), PageRequest(limit=1))
    if not page.rows:
        raise SelfTestError("la base de demostración no tiene solicitudes")
    request_id = page.rows[0]["id"]
    data = reports.request_summary_data(request_id, printed_by="autoprueba")
    pages = write_summary_pdf(str(pdf_path), data)
    if not pdf_path.is_file():
        raise SelfTestError(f"no se escribió el PDF {pdf_path}")
    size = pdf_path.stat().st_size
    with open(pdf_path, "rb") as fh:
        head = fh.read(5)
    if size == 0 or head != b"%PDF-":
        raise SelfTestError(f"el PDF {pdf_path} está vacío o no es un PDF ({size} bytes)")
    return f"{data['request_number']}: {pages} página(s), {size:,} bytes → {pdf_path}"


def check_parallel_export(work: Path) -> str:
    """The customers export written by worker processes (what a big export does) gives
    the file one process writes: in the packaged program a worker starts as its own
    executable, and one that cannot start is a failure here, not a slower export."""
    from .services.customers import CustomerFilter, export

    alone = work / "clientes-un-proceso.csv"
    parts = work / "clientes-en-partes.csv"
    rows = export.export_customers(CustomerFilter(), alone)
    written = export.export_customers(
        CustomerFilter(), parts, parallel_from=1, in_process_if_lost=False
    )
    if written != rows or parts.read_bytes() != alone.read_bytes():
        raise SelfTestError("la exportación en procesos de trabajo no es igual a la de uno")
    return f"{rows} clientes en procesos de trabajo, el mismo archivo que en uno"


def _run(work: Path, pdf_path: Path, lines: list[str]) -> None:
    from . import __version__
    from .demo import fill as demo
    from .services.access.session import acting_as, system_actor
    from .services.bootstrap import close_db, open_db

    started = time.perf_counter()
    lines.append(
        f"PatoLab Desktop {__version__} — autoprueba"
        + (" (ejecutable empaquetado)" if getattr(sys, "frozen", False) else "")
    )
    lines.append("recursos: " + check_resources())
    lines.append("traducción de Qt: " + check_qt_translations())

    with _environment("PATOLAB_HOME", str(work / "home")), _memory_keyring():
        db_file = work / "autoprueba.db"
        open_db(db_file)
        try:
            with acting_as(system_actor("autoprueba")):
                summary = demo.seed_demo(customers=DEMO_CUSTOMERS, requests=DEMO_REQUESTS)
                lines.append(f"base temporal: {db_file} — {summary}")

                from PySide6.QtWidgets import QApplication

                from .ui.app import create_application
                from .ui.main_window import MainWindow

                app = create_application()
                window = MainWindow(db_label="autoprueba")
                window.show()
                app.processEvents()
                tabs = window.tabs.count()
                if tabs == 0:
                    raise SelfTestError("la ventana principal no tiene pestañas")
                lines.append(
                    f"ventana principal: {tabs} pestañas "
                    f"(plataforma Qt «{QApplication.platformName()}»)"
                )
                lines.append("búsqueda de clientes: " + check_customer_search(window, app))
                lines.append("resumen PDF: " + check_summary_pdf(pdf_path))
                lines.append("exportación en paralelo: " + check_parallel_export(work))
                window.close()
                window.deleteLater()
                app.processEvents()
        finally:
            close_db()
    lines.append(f"tiempo: {time.perf_counter() - started:.1f} s")


@contextmanager
def _memory_keyring():
    """The temporary database's identity-number key (issue 15, 13) is kept in memory for
    the test: never an entry left in this computer's credential store, and the self-test
    also runs where there is none."""
    import keyring
    from keyring.backend import KeyringBackend

    class MemoryKeyring(KeyringBackend):
        priority = 1

        def __init__(self):
            super().__init__()
            self.values: dict = {}

        def get_password(self, service, username):
            return self.values.get((service, username))

        def set_password(self, service, username, password):
            self.values[(service, username)] = password

        def delete_password(self, service, username):
            self.values.pop((service, username), None)

    previous = keyring.get_keyring()
    keyring.set_keyring(MemoryKeyring())
    try:
        yield
    finally:
        keyring.set_keyring(previous)


def run_self_test(pdf_path: str | os.PathLike | None = None) -> int:
    """Run every check; print a report; 0 when all passed, 1 with the reason otherwise.

    ``pdf_path`` keeps the rendered summary there (otherwise it goes with the temporary
    folder). The Qt platform is ``offscreen`` unless ``QT_QPA_PLATFORM`` asks for another.
    """
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    folder = app_folder()
    before = _snapshot(folder) if folder is not None else None
    lines: list[str] = []
    try:
        with tempfile.TemporaryDirectory(prefix="patolab-autoprueba-") as tmp:
            work = Path(tmp)
            target = Path(pdf_path) if pdf_path else work / "resumen-autoprueba.pdf"
            target.parent.mkdir(parents=True, exist_ok=True)
            _run(work, target, lines)
        lines.extend("carpeta de " + line for line in check_locations(folder))
        if folder is not None and before is not None:
            changed = sorted(
                name for name, stat in _snapshot(folder).items() if before.get(name) != stat
            )
            if changed:
                raise SelfTestError(
                    "se escribieron archivos junto al ejecutable: " + ", ".join(changed[:5])
                )
            lines.append(f"carpeta del programa sin cambios: {folder}")
    except Exception as exc:  # noqa: BLE001 (any failure is the test's answer)
        for line in lines:
            _say(line)
        reason = str(exc) if isinstance(exc, SelfTestError) else f"{type(exc).__name__}: {exc}"
        _fail(f"AUTOPRUEBA FALLIDA: {reason}")
        if not isinstance(exc, SelfTestError):
            import traceback

            _fail(traceback.format_exc())
        return 1
    for line in lines:
        _say(line)
    _say("AUTOPRUEBA CORRECTA")
    return 0
