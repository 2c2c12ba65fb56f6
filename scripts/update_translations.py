"""Update the translation catalogues and compile them (``make translations``).

1. ``pyside6-lupdate`` reads every ``.py`` under ``patolab_desktop/ui`` and
   ``patolab_desktop/services`` (the calls ``translate("context", "texto")`` and
   ``QT_TRANSLATE_NOOP``; services use ``services/texts.py``) and updates
   ``resources/translations/patolab_en.ts``, keeping the translations already there
   (texts no longer in the code are dropped: ``-no-obsolete``).
2. ``pyside6-lrelease`` compiles it to ``patolab_en.qm``, the file the app loads.

Spanish is the source language, so there is no Spanish catalogue. New or changed texts
appear as ``type="unfinished"``; translate them (Qt Linguist: ``pyside6-linguist``, or any
editor) and run this again. ``--check`` fails when some text has no English translation.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
#: folders whose texts are translated: the screens, and the messages and labels of the
#: services (errors, warnings, reports they return for display)
SOURCE_DIRS = tuple(
    ROOT / "patolab_desktop" / name for name in ("ui", "documents", "services", "db")
)
OUT = ROOT / "resources" / "translations"
LANGUAGES = ("en",)


def tool(name: str) -> str:
    """The PySide6 tool beside this Python (the venv's bin/Scripts), else on PATH."""
    here = Path(sys.executable).parent
    for candidate in (here / name, here / f"{name}.exe"):
        if candidate.exists():
            return str(candidate)
    found = shutil.which(name)
    if not found:
        raise SystemExit(f"{name} not found (it comes with PySide6-Essentials)")
    return found


def unfinished(ts: Path) -> list[str]:
    missing = []
    for message in ET.parse(ts).getroot().iter("message"):
        translation = message.find("translation")
        if (
            translation is None
            or translation.get("type") in ("unfinished", "obsolete")
            or not (translation.text or "").strip()
        ) and (translation is None or translation.get("type") != "obsolete"):
            missing.append(message.findtext("source") or "")
    return missing


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail if a text is untranslated")
    args = parser.parse_args(argv)
    files = sorted(str(p.relative_to(ROOT)) for folder in SOURCE_DIRS for p in folder.rglob("*.py"))
    OUT.mkdir(parents=True, exist_ok=True)
    status = 0
    for language in LANGUAGES:
        ts = OUT / f"patolab_{language}.ts"
        subprocess.run(
            [
                tool("pyside6-lupdate"),
                "-no-obsolete",
                "-source-language",
                "es",
                "-target-language",
                language,
                *files,
                "-ts",
                str(ts.relative_to(ROOT)),
            ],
            cwd=ROOT,
            check=True,
        )
        subprocess.run(
            [tool("pyside6-lrelease"), str(ts), "-qm", str(ts.with_suffix(".qm"))],
            cwd=ROOT,
            check=True,
        )
        missing = unfinished(ts)
        if missing:
            print(f"{ts.name}: {len(missing)} text(s) without translation", file=sys.stderr)
            for text in missing[:50]:
                print(f"  {text!r}", file=sys.stderr)
            if args.check:
                status = 1
    return status


if __name__ == "__main__":
    sys.exit(main())
