"""Issue 15, point 9, on screen: the branch and user dialogs refuse a save over another
desk's newer edit with a message (the record dialog base shows the saved record), and
the referrer-types list refuses a rename of a type renamed meanwhile."""

from __future__ import annotations

import pytest

from patolab_desktop.services.access import permissions, users
from patolab_desktop.services.catalog import branches, referrer_types
from patolab_desktop.ui.admin.users_window import UserDialog
from patolab_desktop.ui.catalog.branches_dialog import BranchDialog
from tests.security_helpers import fast_hashing, login_as, make_user, no_session  # noqa: F401
from tests.ui.list_helpers import Prompts

pytestmark = pytest.mark.usefixtures("no_session", "fast_hashing")


def test_branch_dialog_refuses_a_stale_save(qtbot, monkeypatch, database):
    login_as(permissions.ROLE_ADMIN)
    branch_id = branches.create(branches.BranchData(name="Centro", code="CEN"))
    asked = Prompts(monkeypatch)
    dialog = BranchDialog(branch_id)
    qtbot.addWidget(dialog)
    other = branches.get(branch_id)
    other.name = "Centro Histórico"
    branches.update(other)  # another desk saved first
    dialog.name_edit.setText("Centro (mío)")
    assert not dialog.save()
    assert asked.kinds() == ["error"]
    assert branches.get(branch_id).name == "Centro Histórico"


def test_user_dialog_refuses_a_stale_save(qtbot, monkeypatch, database):
    login_as(permissions.ROLE_ADMIN)
    user_id = make_user("rosa", permissions.ROLE_RECEPTION, full_name="Rosa Mejía")
    asked = Prompts(monkeypatch)
    dialog = UserDialog(user_id)
    qtbot.addWidget(dialog)
    other = users.get(user_id)
    other.full_name = "Rosa María Mejía"
    users.update(other)
    dialog.full_name_edit.setText("Rosa M.")
    assert not dialog.save()
    assert asked.kinds() == ["error"]
    assert users.get(user_id).full_name == "Rosa María Mejía"


def test_referrer_type_rename_uses_the_listed_version(database):
    login_as(permissions.ROLE_ADMIN)
    type_id = referrer_types.create("Aseguradora")
    listed = next(r for r in referrer_types.list_all() if r["id"] == type_id)
    referrer_types.rename(type_id, "Aseguradora médica", listed["version"])
    from patolab_desktop.services.errors import ConflictError

    with pytest.raises(ConflictError):
        referrer_types.rename(type_id, "Seguro", listed["version"])
