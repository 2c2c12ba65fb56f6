"""Customer values typed as text (an import, the CLI) resolved to stored codes and ids:
type, department, municipality, gender."""

from __future__ import annotations

from ...db.models import Department, Gender, Municipality
from ...util.text import fold
from ..errors import ValidationError
from ..texts import translate

# --- names typed by people (CLI filters, imports) -----------------------------------------

_TYPE_WORDS = {
    "cliente": "cliente",
    "paciente": "cliente",
    "persona": "cliente",
    "empresa": "empresa",
    "institucion": "empresa",
    "company": "empresa",
    "patient": "cliente",
    "customer": "cliente",
}


def resolve_type(text: str) -> str:
    """``cliente``/``paciente`` → ``cliente``; ``empresa`` → ``empresa`` (case/accents ignored)."""
    kind = _TYPE_WORDS.get(fold(text))
    if kind is None:
        raise ValidationError(
            {
                "type": translate(
                    "services.customers",
                    "Tipo de cliente desconocido: «{text}». Use cliente (o paciente) o empresa.",
                ).format(text=text)
            }
        )
    return kind


def resolve_department(text: str) -> int:
    """A department id from its name or 2-digit code (case/accents ignored)."""
    wanted = fold(text)
    rows = list(Department.select(Department.id, Department.code, Department.name).tuples())
    for dep_id, code, name in rows:
        if wanted == fold(name) or (wanted.isdigit() and wanted.zfill(2) == code):
            return dep_id
    names = ", ".join(name for _id, _code, name in sorted(rows, key=lambda r: r[1]))
    raise ValidationError(
        {
            "department_id": translate(
                "services.customers", "Departamento desconocido: «{text}». Departamentos: {names}."
            ).format(text=text, names=names)
        }
    )


def resolve_municipality(text: str, department_id: int | None = None) -> int:
    """A municipality id from its name or 4-digit code; the name may need the department."""
    wanted = fold(text)
    query = Municipality.select(
        Municipality.id, Municipality.code, Municipality.name, Municipality.department
    )
    if department_id is not None:
        query = query.where(Municipality.department == department_id)
    rows = list(query.tuples())
    by_code = [r for r in rows if wanted.isdigit() and wanted.zfill(4) == r[1]]
    found = by_code or [r for r in rows if fold(r[2]) == wanted]
    if len(found) == 1:
        return found[0][0]
    if len(found) > 1:
        raise ValidationError(
            {
                "municipality_id": translate(
                    "services.customers",
                    "Hay varios municipios «{text}»; indique también el "
                    "departamento o use el código ({codes}).",
                ).format(text=text, codes=", ".join(r[1] for r in found))
            }
        )
    if department_id is not None:
        message = translate(
            "services.customers", "Municipio desconocido de ese departamento: «{text}»."
        )
    else:
        message = translate("services.customers", "Municipio desconocido: «{text}».")
    raise ValidationError({"municipality_id": message.format(text=text)})


def resolve_gender(text: str) -> int:
    """A gender id from its name (Mujer/Hombre/Otro) or code (F/M/O)."""
    wanted = fold(text)
    rows = list(Gender.select(Gender.id, Gender.code, Gender.name).tuples())
    for gender_id, code, name in rows:
        if wanted in (fold(code), fold(name)):
            return gender_id
    raise ValidationError(
        {
            "gender_id": translate(
                "services.customers", "Género desconocido: «{text}». Use {names}."
            ).format(text=text, names=", ".join(name for _i, _c, name in rows))
        }
    )
