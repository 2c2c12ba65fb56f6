"""Issue 15, point 9, on screen: the branch and user dialogs refuse a save over another
desk's newer edit with a message (the record dialog base shows the saved record), and
the referrer-types list refuses a rename of a type renamed meanwhile."""

from __future__ import annotations

from functools import partial

import pytest

from patolab_desktop.services.access import permissions, users
from patolab_desktop.services.catalog import branches, referrer_types
from patolab_desktop.ui.admin.users_window import UserDialog
from patolab_desktop.ui.catalog.branches_dialog import BranchDialog
from tests.security_helpers import fast_hashing, login_as, make_user, no_session  # noqa: F401
from tests.two_desks import save_elsewhere
from tests.ui.list_helpers import refuses_stale_save

pytestmark = pytest.mark.usefixtures("no_session", "fast_hashing")


def _branch() -> int:
    return branches.create(branches.BranchData(name="Centro", code="CEN"))


def _user() -> int:
    return make_user("rosa", permissions.ROLE_RECEPTION, full_name="Rosa Mejía")


# record: (create it, its dialog, its service, the field both desks change, theirs, mine)
STALE = {
    "branch": (_branch, BranchDialog, branches, "name", "Centro Histórico", "Centro (mío)"),
    "user": (_user, UserDialog, users, "full_name", "Rosa María Mejía", "Rosa M."),
}


@pytest.mark.parametrize("record", sorted(STALE))
def test_record_dialog_refuses_a_stale_save(qtbot, monkeypatch, database, record):
    create, dialog_class, service, field, theirs, mine = STALE[record]
    login_as(permissions.ROLE_ADMIN)
    record_id = create()
    other_desk = partial(save_elsewhere, service.get, service.update, record_id, **{field: theirs})
    refuses_stale_save(
        qtbot, monkeypatch, dialog_class(record_id), other_desk, f"{field}_edit", mine
    )
    assert getattr(service.get(record_id), field) == theirs


def test_referrer_type_rename_uses_the_listed_version(database):
    login_as(permissions.ROLE_ADMIN)
    type_id = referrer_types.create("Aseguradora")
    listed = next(r for r in referrer_types.list_all() if r["id"] == type_id)
    referrer_types.rename(type_id, "Aseguradora médica", listed["version"])
    from patolab_desktop.services.errors import ConflictError

    with pytest.raises(ConflictError):
        referrer_types.rename(type_id, "Seguro", listed["version"])
