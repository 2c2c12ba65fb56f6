"""Stored Spanish phrases shown in the active language (issue 16).

Histories and audit rows keep the words they were written with (Spanish: the database
is the lab's record, and it never changes afterwards). When the interface speaks another
language, ``shown(text)`` replaces every phrase it knows, leaving names, numbers,
amounts and reasons typed by people as they are. Each phrase is a Spanish template with
``{placeholders}``; its translation lives in the catalogue like any other text.
"""

from __future__ import annotations

import re
from functools import lru_cache, partial

from .texts import QT_TRANSLATE_NOOP, translate

CONTEXT = "services.phrases"

# placeholder -> what it matches
_PARTS = {
    "number": r"[A-Z0-9]+(?:-[A-Z0-9]+)*",
    "count": r"\d+",
    "age": r"\d+",
    "pct": r"\d+(?:\.\d+)?",
    "minutes": r"\d+",
    "file": r"[^:]+?",
    "codes": r"[^;.]+?",
    "rest": r".+",
}

# longest and most specific first; a template is used anywhere in the text
TEMPLATES = (
    QT_TRANSLATE_NOOP("services.phrases", "Exportación de clientes a {file}: {count} filas."),
    QT_TRANSLATE_NOOP("services.phrases", "Exportación de pacientes a {file}: {count} filas."),
    QT_TRANSLATE_NOOP("services.phrases", "Exportación de solicitudes a {file}: {count} filas."),
    QT_TRANSLATE_NOOP("services.phrases", "Exportación de remitentes a {file}: {count} filas."),
    QT_TRANSLATE_NOOP("services.phrases", "Exportación del catálogo a {file}: {count} filas."),
    QT_TRANSLATE_NOOP(
        "services.phrases", "Exportación del libro de ventas {number} a {file}: {count} filas."
    ),
    QT_TRANSLATE_NOOP("services.phrases", "{count} intentos fallidos: bloqueada {minutes} minutos"),
    QT_TRANSLATE_NOOP("services.phrases", "Vista previa del resumen {number}"),
    QT_TRANSLATE_NOOP("services.phrases", "Vista previa de etiquetas {number}"),
    QT_TRANSLATE_NOOP("services.phrases", "Etiquetas {number} guardadas en PDF"),
    QT_TRANSLATE_NOOP("services.phrases", "Resumen {number} guardado en PDF"),
    QT_TRANSLATE_NOOP("services.phrases", "Resumen {number} impreso"),
    QT_TRANSLATE_NOOP("services.phrases", "{count} etiqueta(s) de {number} impresas"),
    QT_TRANSLATE_NOOP("services.phrases", " con {count} investigaciones del panel"),
    QT_TRANSLATE_NOOP("services.phrases", " con {count} investigación del panel"),
    QT_TRANSLATE_NOOP("services.phrases", "; {codes} pasan a formar parte del panel"),
    QT_TRANSLATE_NOOP("services.phrases", "; {codes} pasa a formar parte del panel"),
    QT_TRANSLATE_NOOP("services.phrases", "Descuento manual retirado; "),
    QT_TRANSLATE_NOOP(
        "services.phrases",
        "Descuento manual {pct} % no aplicado: el descuento por edad ({age} %) es mayor",
    ),
    QT_TRANSLATE_NOOP("services.phrases", "Descuento por edad {pct} % ({age} años)"),
    QT_TRANSLATE_NOOP("services.phrases", "descuento por edad {pct} % ({age} años)"),
    QT_TRANSLATE_NOOP("services.phrases", "Descuento manual {pct} %"),
    QT_TRANSLATE_NOOP("services.phrases", "descuento manual {pct} %"),
    QT_TRANSLATE_NOOP("services.phrases", "Sin descuento"),
    QT_TRANSLATE_NOOP("services.phrases", "sin descuento"),
    QT_TRANSLATE_NOOP("services.phrases", ". Neto: "),
    QT_TRANSLATE_NOOP("services.phrases", ", neto "),
    QT_TRANSLATE_NOOP("services.phrases", "Solicitud {number}: "),
    QT_TRANSLATE_NOOP("services.phrases", "{count} investigaciones"),
    QT_TRANSLATE_NOOP("services.phrases", "{count} investigación"),
    QT_TRANSLATE_NOOP("services.phrases", "Permisos copiados de {rest}"),
    QT_TRANSLATE_NOOP("services.phrases", "Motivo: {rest}"),
    QT_TRANSLATE_NOOP("services.phrases", "Usuario desconocido"),
    QT_TRANSLATE_NOOP("services.phrases", "Administrador inicial"),
    QT_TRANSLATE_NOOP("services.phrases", "Encabezado e impresión"),
    QT_TRANSLATE_NOOP("services.phrases", "Inicio de sesión"),
    QT_TRANSLATE_NOOP("services.phrases", "Desbloqueo de pantalla"),
    QT_TRANSLATE_NOOP("services.phrases", "Cambio de contraseña"),
)


def _pattern(template: str) -> re.Pattern:
    out, position = [], 0
    for match in re.finditer(r"\{(\w+)\}", template):
        out.append(re.escape(template[position : match.start()]))
        out.append(f"(?P<{match.group(1)}>{_PARTS[match.group(1)]})")
        position = match.end()
    out.append(re.escape(template[position:]))
    return re.compile("".join(out))


@lru_cache(maxsize=1)
def _compiled() -> tuple[tuple[re.Pattern, str], ...]:
    return tuple((_pattern(t), t) for t in TEMPLATES)


def _filled(template: str, match: re.Match[str]) -> str:
    """``template`` with the parts ``match`` found ({file}, {count}…)."""
    return template.format(**match.groupdict())


def spanish() -> bool:
    """Is the interface in Spanish (the language the phrases are stored in)?"""
    probe = TEMPLATES[-1]
    return translate(CONTEXT, probe) == probe


def shown(text: str | None, extra: dict[str, str] | None = None) -> str:
    """``text`` with every known Spanish phrase in the active language; ``extra`` maps
    whole words (e.g. status labels) to their translation."""
    if not text or spanish():
        return text or ""
    for pattern, template in _compiled():
        target = translate(CONTEXT, template)
        if target == template:
            continue
        text = pattern.sub(partial(_filled, target), text)
    for word, translated in (extra or {}).items():
        text = re.sub(rf"(?<!\w){re.escape(word)}(?!\w)", translated, text)
    return text
