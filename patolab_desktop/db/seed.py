"""Reference data every database needs: geography, genders, referrer types, a branch."""

from __future__ import annotations

import csv
from collections.abc import Mapping

from ..paths import resource
from .database import db
from .models import Branch, Department, Gender, Municipality, ReferrerType, Setting

GENDERS = (("F", "Mujer"), ("M", "Hombre"), ("O", "Otro"))
DEFAULT_BRANCH = {"name": "Sede principal", "code": "LAB"}


def seed_geography() -> None:
    if Department.select().exists():
        return
    with open(resource("data", "honduras_geo.csv"), encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    departments: dict[str, int] = {}
    with db.atomic():
        for row in rows:
            code = row["department_code"].strip()
            if code not in departments:
                departments[code] = Department.create(
                    code=code, name=row["department_name"].strip()
                ).id
        Municipality.insert_many(
            [
                {
                    "code": row["municipality_code"].strip(),
                    "name": row["municipality_name"].strip(),
                    "department": departments[row["department_code"].strip()],
                }
                for row in rows
            ]
        ).execute()


def referrer_type_names() -> list[str]:
    with open(resource("data", "referrer_types.csv"), encoding="utf-8-sig", newline="") as fh:
        return [row["name"].strip() for row in csv.DictReader(fh) if row["name"].strip()]


def seed_roles(roles: Mapping[str, tuple[str, frozenset[str]]]) -> None:
    """The roles and their permission sets (name -> (description, permission keys)), given
    by the services. Idempotent: a missing role is created with its seeded permissions; an
    existing role is left as the admin edited it."""
    from .models import Role, RolePermission

    for name, (description, granted) in roles.items():
        if Role.select().where(Role.name == name).exists():
            continue
        role = Role.create(name=name, description=description, builtin=True)
        RolePermission.insert_many(
            [{"role": role.id, "permission": p} for p in sorted(granted)]
        ).execute()


def seed_reference_data(roles: Mapping[str, tuple[str, frozenset[str]]] | None = None) -> None:
    """Idempotent: only fills what is missing."""
    with db.atomic():
        seed_geography()
        seed_roles(roles or {})
        if not Gender.select().exists():
            Gender.insert_many([{"code": c, "name": n} for c, n in GENDERS]).execute()
        if not ReferrerType.select().exists():
            ReferrerType.insert_many([{"name": n} for n in referrer_type_names()]).execute()
        if not Branch.select().exists():
            branch = Branch.create(**DEFAULT_BRANCH)
            Setting.insert(
                key="default_branch_id", value=str(branch.id)
            ).on_conflict_ignore().execute()
