"""Users, roles and the permission matrix (administrators only: ``users.manage``).

Users are never deleted, only deactivated, so the audit trail always names a person.
The lab can never lock itself out: the last active user holding ``users.manage``
cannot be deactivated, moved to a role without it, or have it revoked from their role.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from peewee import JOIN, fn

from ...db.database import update_versioned, write_transaction
from ...db.models import Role, RolePermission, User
from ...util.dataclass_rows import from_row
from ...util.lookups import present
from ...util.text import clean, fold, search_input
from ..errors import NotFoundError, RuleError, ValidationError, stale
from ..paging import Page, PageRequest, cursor_by, keyset_page
from ..texts import translate
from . import audit, auth, permissions, session

MANAGE = "users.manage"


@dataclass
class UserData:
    id: int | None = None
    username: str = ""
    full_name: str = ""
    role_id: int | None = None
    role: str = ""  # role name (read only)
    active: bool = True
    must_change_password: bool = False  # read only here; set by create/reset_password
    failed_attempts: int = 0
    locked_until: dt.datetime | None = None
    last_login_at: dt.datetime | None = None
    created_at: dt.datetime | None = None
    version: int = 1  # optimistic lock: ``update`` refuses a stale version


@dataclass
class UserFilter:
    search: str = ""
    include_inactive: bool = True
    role_id: int | None = None


SORTS = {
    "username": lambda: [User.username_folded],
    "full_name": lambda: [User.full_name],
    "role": lambda: [Role.name, User.username_folded],
}
_SORT_KEYS = {
    "username": ("username_folded",),
    "full_name": ("full_name",),
    "role": ("role", "username_folded"),
}


# --- invariants -----------------------------------------------------------------------


def _managers_exist() -> bool:
    """Is there at least one active user whose role grants users.manage?"""
    return (
        User.select(User.id)
        .join(RolePermission, on=(RolePermission.role == User.role))
        .where(User.active == True, RolePermission.permission == MANAGE)  # noqa: E712
        .exists()
    )


def _ensure_manager_remains(message: str, existed_before: bool) -> None:
    """Called inside the transaction after a change; rolls it back when the change took
    away the last active administrator (a database that had none is left alone)."""
    if existed_before and not _managers_exist():
        raise RuleError(message)


def _after_change() -> None:
    auth.refresh_current()


# --- reading --------------------------------------------------------------------------


def _user(user_id: int) -> User:
    """The stored user; NotFoundError when there is none."""
    return present(
        User.get_or_none(User.id == user_id),
        NotFoundError(translate("services.users", "El usuario no existe.")),
    )


def _role(role_id: int) -> Role:
    """The stored role; NotFoundError when there is none."""
    return present(
        Role.get_or_none(Role.id == role_id),
        NotFoundError(translate("services.users", "El rol no existe.")),
    )


def _status(row: dict, now: dt.datetime) -> str:
    if not row["active"]:
        return translate("services.users", "Inactivo")
    if row["locked"]:
        return translate("services.users", "Bloqueado hasta las {time}").format(
            time=f"{row['locked_until']:%H:%M}"
        )
    if row["must_change_password"]:
        return translate("services.users", "Activo (debe cambiar contraseña)")
    return translate("services.users", "Activo")


def page(filters: UserFilter | None, request: PageRequest) -> Page:
    """Users with their role name; rows: id, username, full_name, role, role_id, active,
    must_change_password, locked_until, last_login_at, created_at, locked (bool), status
    (display text in the active language)."""
    session.require(MANAGE)
    filters = filters or UserFilter()
    query = User.select(
        User.id,
        User.username,
        User.username_folded,
        User.full_name,
        User.role.alias("role_id"),
        Role.name.alias("role"),
        User.active,
        User.must_change_password,
        User.locked_until,
        User.last_login_at,
        User.created_at,
    ).join(Role, on=(User.role == Role.id))
    if not filters.include_inactive:
        query = query.where(User.active == True)  # noqa: E712
    if filters.role_id is not None:
        query = query.where(User.role == filters.role_id)
    text = fold(search_input(filters.search))
    if text:
        query = query.where(
            User.username_folded.contains(text) | fn.LOWER(User.full_name).contains(text)
        )
    sort = request.sort if request.sort in SORTS else "username"
    result = keyset_page(query, SORTS[sort](), User.id, request, cursor_by(_SORT_KEYS[sort]))
    now = auth.clock()
    for row in result.rows:
        row["locked"] = row["locked_until"] is not None and row["locked_until"] > now
        row["status"] = _status(row, now)
    return result


def list_users(include_inactive: bool = True) -> list[dict]:
    return page(UserFilter(include_inactive=include_inactive), PageRequest(limit=10_000)).rows


def get(user_id: int) -> UserData:
    session.require(MANAGE)
    user = _user(user_id)
    return from_row(UserData, user, role=Role.get_by_id(user.role_id).name)


# --- writing users --------------------------------------------------------------------


def _validate(data: UserData, password: str | None) -> dict[str, str]:
    errors: dict[str, str] = {}
    if data.id is None:
        errors.update(auth.validate_username(data.username))
    if not data.full_name:
        errors["full_name"] = translate("services.users", "Escriba el nombre completo.")
    if data.role_id is None or Role.get_or_none(Role.id == data.role_id) is None:
        errors["role_id"] = translate("services.users", "Elija un rol.")
    if password is not None:
        errors.update(auth.validate_password(password, data.username))
    return errors


def create(data: UserData, password: str) -> int:
    """A new user with a temporary password they must change at the first login."""
    session.require(MANAGE)
    data.username, data.full_name = clean(data.username), clean(data.full_name)
    errors = _validate(data, password)
    if errors:
        raise ValidationError(errors)
    with write_transaction():
        if User.select().where(User.username_folded == fold(data.username)).exists():
            raise ValidationError(
                {
                    "username": translate(
                        "services.users", "Ya existe el usuario «{name}»."
                    ).format(name=data.username)
                }
            )
        role = Role.get_by_id(data.role_id)
        user = auth._create_user(
            data.username,
            data.full_name,
            role,
            password,
            active=bool(data.active),
            must_change_password=True,
        )
        changes = {**auth._created_changes(user), "active": (None, user.active)}
        audit.record("create", "user", user.id, changes)
    return user.id


def update(data: UserData) -> None:
    """Change full name, role and active state (the username never changes)."""
    actor = session.require(MANAGE)
    if data.id is None:
        raise NotFoundError(translate("services.users", "El usuario no existe."))
    data.full_name = clean(data.full_name)
    current = get(data.id)
    data.username = current.username
    errors = _validate(data, None)
    if errors:
        raise ValidationError(errors)
    if not data.active and current.active and actor.id == data.id:
        raise RuleError(translate("services.users", "No puede desactivar su propio usuario."))
    with write_transaction():
        had_managers = _managers_exist()
        new_role = Role.get_by_id(data.role_id)
        updated = update_versioned(
            User,
            data.id,
            data.version,
            full_name=data.full_name,
            role=new_role,
            active=bool(data.active),
            updated_at=auth.clock(),
        )
        if updated != 1:
            raise stale(
                translate("services.users", "el usuario «{name}»").format(name=current.username)
            )
        data.version += 1
        before = {"full_name": current.full_name, "role": current.role, "active": current.active}
        after = {"full_name": data.full_name, "role": new_role.name, "active": bool(data.active)}
        changes = audit.diff(before, after)
        if changes:
            action = "update"
            if set(changes) == {"active"}:
                action = "reactivate" if data.active else "deactivate"
            audit.record(action, "user", data.id, changes)
        _ensure_manager_remains(
            translate(
                "services.users",
                "No se puede: es el último administrador activo (el único que puede "
                "administrar usuarios). Cree o active otro administrador primero.",
            ),
            had_managers,
        )
    _after_change()


def set_active(user_id: int, active: bool) -> None:
    data = get(user_id)
    data.active = active
    update(data)


def deactivate(user_id: int) -> None:
    set_active(user_id, False)


def reactivate(user_id: int) -> None:
    set_active(user_id, True)


def reset_password(user_id: int, temporary_password: str) -> None:
    """Set a temporary password; the user must change it at the next login. Unlocks too."""
    session.require(MANAGE)
    user = _user(user_id)
    errors = auth.validate_password(temporary_password, user.username)
    if errors:
        raise ValidationError(errors)
    with write_transaction():
        User.update(
            password_hash=auth.hash_password(temporary_password),
            must_change_password=True,
            failed_attempts=0,
            locked_until=None,
            updated_at=auth.clock(),
            version=User.version + 1,
        ).where(User.id == user_id).execute()
        audit.record(
            "password_reset",
            "user",
            user_id,
            {"must_change_password": (user.must_change_password, True)},
        )
    _after_change()


def unlock(user_id: int) -> None:
    """Open an account locked by failed attempts before its time runs out."""
    session.require(MANAGE)
    _user(user_id)  # NotFoundError when there is none
    with write_transaction():
        User.update(failed_attempts=0, locked_until=None).where(User.id == user_id).execute()
        audit.record("account_unlock", "user", user_id)


# --- roles ----------------------------------------------------------------------------


def roles() -> list[dict]:
    """id, name, description, builtin, users (active users in the role), display order."""
    session.require(MANAGE)
    count = fn.COUNT(User.id)
    rows = list(
        Role.select(
            Role.id, Role.name, Role.description, Role.builtin, Role.version, count.alias("users")
        )
        .join(User, JOIN.LEFT_OUTER, on=((User.role == Role.id) & (User.active == True)))  # noqa: E712
        .group_by(Role.id, Role.name, Role.description, Role.builtin, Role.version)
        .dicts()
    )
    order = list(permissions.SEEDED_ROLES)
    rows.sort(
        key=lambda r: (
            order.index(r["name"]) if r["name"] in order else len(order),
            fold(r["name"]),
        )
    )
    return rows


def _role_by_name(name: str) -> Role:
    return present(
        Role.get_or_none(Role.name == name),
        NotFoundError(translate("services.users", "El rol «{name}» no existe.").format(name=name)),
    )


def _role_taken(name: str) -> str:
    return translate("services.users", "Ya existe el rol «{name}».").format(name=name)


def create_role(name: str, description: str = "", copy_from: str | None = None) -> int:
    session.require(MANAGE)
    name, description = clean(name), clean(description)
    if not name:
        raise ValidationError({"name": translate("services.users", "Escriba el nombre del rol.")})
    existing = {fold(r.name) for r in Role.select(Role.name)}
    if fold(name) in existing:
        raise ValidationError({"name": _role_taken(name)})
    with write_transaction():
        role = Role.create(name=name, description=description)
        granted: list[str] = []
        if copy_from:
            granted = sorted(auth.role_permission_set(_role_by_name(copy_from).id))
            RolePermission.insert_many(
                [{"role": role.id, "permission": p} for p in granted]
            ).execute() if granted else None
        audit.record(
            "create",
            "role",
            role.id,
            {"name": (None, name), "description": (None, description)},
            detail=f"Permisos copiados de {copy_from}" if copy_from else "",
        )
    return role.id


def update_role(role_id: int, name: str, description: str = "", *, version: int) -> None:
    """Rename or describe a role read at ``version`` (``roles()``); ConflictError when
    another administrator changed it since."""
    session.require(MANAGE)
    role = _role(role_id)
    name, description = clean(name), clean(description)
    if not name:
        raise ValidationError({"name": translate("services.users", "Escriba el nombre del rol.")})
    if role.builtin and name != role.name:
        raise RuleError(translate("services.users", "Los roles de fábrica no se pueden renombrar."))
    clash = Role.select().where(Role.id != role_id)
    if fold(name) in {fold(r.name) for r in clash}:
        raise ValidationError({"name": _role_taken(name)})
    with write_transaction():
        updated = update_versioned(Role, role_id, version, name=name, description=description)
        if updated != 1:
            raise stale(translate("services.users", "el rol «{name}»").format(name=role.name))
        changes = audit.diff(
            {"name": role.name, "description": role.description},
            {"name": name, "description": description},
        )
        if changes:
            audit.record("update", "role", role_id, changes)
    _after_change()


def delete_role(role_id: int) -> None:
    """Delete a role of the lab's own that nobody (not even inactive users) belongs to."""
    session.require(MANAGE)
    role = _role(role_id)
    if role.builtin:
        raise RuleError(translate("services.users", "Los roles de fábrica no se pueden eliminar."))
    if User.select().where(User.role == role_id).exists():
        raise RuleError(
            translate(
                "services.users", "El rol tiene usuarios: asígneles otro rol antes de eliminarlo."
            )
        )
    with write_transaction():
        RolePermission.delete().where(RolePermission.role == role_id).execute()
        Role.delete().where(Role.id == role_id).execute()
        audit.record("delete", "role", role_id, {"name": (role.name, None)})


# --- permission matrix ----------------------------------------------------------------


def role_permissions() -> dict[str, set[str]]:
    """{role name: granted permission keys} for every role (unknown keys left out)."""
    session.require(MANAGE)
    out: dict[str, set[str]] = {r["name"]: set() for r in roles()}
    query = (
        RolePermission.select(Role.name, RolePermission.permission)
        .join(Role, on=(RolePermission.role == Role.id))
        .tuples()
    )
    for name, permission in query:
        if permission in permissions.ALL:
            out.setdefault(name, set()).add(permission)
    return out


def set_role_permission(role: str, permission: str, granted: bool) -> bool:
    """Grant or revoke one permission; returns True when something changed."""
    session.require(MANAGE)
    if permission not in permissions.ALL:
        raise ValidationError(
            {
                "permission": translate("services.users", "Permiso desconocido: {key}").format(
                    key=permission
                )
            }
        )
    target = _role_by_name(role)
    with write_transaction():
        exists = (
            RolePermission.select()
            .where((RolePermission.role == target.id) & (RolePermission.permission == permission))
            .exists()
        )
        if exists == bool(granted):
            return False
        had_managers = _managers_exist()
        Role.update(version=Role.version + 1).where(Role.id == target.id).execute()
        if granted:
            RolePermission.create(role=target, permission=permission)
        else:
            RolePermission.delete().where(
                (RolePermission.role == target.id) & (RolePermission.permission == permission)
            ).execute()
        audit.record(
            "permission_grant" if granted else "permission_revoke",
            "role",
            target.id,
            {permission: (not granted, bool(granted))},
            detail=f"{target.name}: {permissions.label(permission, translated=False)}",
        )
        if permission == MANAGE and not granted:
            _ensure_manager_remains(
                translate(
                    "services.users",
                    "No se puede quitar «{permission}» al rol {role}: dejaría al "
                    "laboratorio sin ningún administrador activo.",
                ).format(permission=permissions.label(MANAGE), role=target.name),
                had_managers,
            )
    _after_change()
    return True
