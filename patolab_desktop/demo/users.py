"""The demo database's users, one per seeded role, with passwords printed in the README.

Only the demo database (``main.py --demo`` / ``make run``) gets them; a real database starts
with the first-administrator set-up.
"""

from __future__ import annotations

from ..db.models import Role, User
from ..services.access import users

#: user name -> (full name, role, password); the README lists them
DEMO_USERS = {
    "admin": ("Administración Demo", "Administrador", "demo-admin-2026"),
    "supervisor": ("Supervisora Demo", "Supervisor", "demo-supervisor-2026"),
    "recepcion": ("Recepción Demo", "Recepción", "demo-recepcion-2026"),
    "laboratorio": ("Laboratorio Demo", "Laboratorio", "demo-laboratorio-2026"),
}


def create_demo_users() -> list[str]:
    """Create the demo users whose role exists; they need not change their password."""
    made = []
    for username, (full_name, role_name, password) in DEMO_USERS.items():
        role = Role.get_or_none(Role.name == role_name)
        if role is None or User.select().where(User.username == username).exists():
            continue
        users.create(
            users.UserData(username=username, full_name=full_name, role_id=role.id), password
        )
        made.append(username)
    User.update(must_change_password=False).where(User.username.in_(made)).execute()
    return made
