"""Panels: an investigation that lists member investigations, with no cycles."""

from __future__ import annotations

from ...db.database import write_transaction
from ...db.models import Investigation, PanelMember, now
from ..access import audit, session
from ..errors import RuleError
from ..texts import translate
from .reading import _edges, _path, details
from .values import _missing

# --- panels -------------------------------------------------------------------------------


def _cycle_message(path: list[str]) -> str:
    chain = " → ".join(path)
    return translate(
        "services.catalog",
        "Se formaría un ciclo de perfiles: {chain}. Un perfil no puede contenerse a sí mismo.",
    ).format(chain=chain)


def check_members(panel_id: int | None, panel_code: str, member_ids: list[int]) -> str | None:
    """The reason (a message for the user) ``member_ids`` cannot be the members of the
    panel ``panel_id`` (None for a panel not saved yet), or None when they can. The dialog
    asks this on every member added, and every save asks it again."""
    if len(set(member_ids)) != len(member_ids):
        return translate("services.catalog", "Una investigación aparece dos veces en el perfil.")
    if panel_id is not None and panel_id in member_ids:
        return translate("services.catalog", "Un perfil no puede contenerse a sí mismo.")
    info = details(member_ids)
    missing = [m for m in member_ids if m not in info]
    if missing:
        return translate("services.catalog", "No existen las investigaciones {ids}.").format(
            ids=", ".join(map(str, missing))
        )
    inactive = [info[m]["code"] for m in member_ids if not info[m]["active"]]
    if inactive:
        return translate(
            "services.catalog",
            "Solo se pueden agregar investigaciones activas; están desactivadas: {codes}.",
        ).format(codes=", ".join(inactive))
    if panel_id is not None:
        edges = _edges()
        codes = None
        for member in member_ids:
            path = _path(edges, member, panel_id)
            if path is not None:
                if codes is None:
                    codes = dict(
                        Investigation.select(Investigation.id, Investigation.code).tuples()
                    )
                return _cycle_message([panel_code] + [codes[n] for n in path])
    return None


def _write_members(panel_id: int, member_ids: list[int]) -> None:
    PanelMember.delete().where(PanelMember.panel == panel_id).execute()
    if member_ids:
        PanelMember.insert_many(
            [{"panel": panel_id, "member": m, "position": i} for i, m in enumerate(member_ids)]
        ).execute()


def set_members(panel_id: int, member_ids: list[int]) -> None:
    """Replace a panel's members (ordered); RuleError on self, cycles, inactive members.

    An empty list turns the panel back into a single test.
    """
    session.require("catalog.edit")
    member_ids = [int(m) for m in member_ids]
    with write_transaction():
        row = Investigation.get_or_none(Investigation.id == panel_id)
        if row is None:
            raise _missing(panel_id)
        problem = check_members(panel_id, row.code, member_ids)
        if problem:
            raise RuleError(problem)
        before = _member_ids(panel_id)
        _write_members(panel_id, member_ids)
        Investigation.update(
            is_panel=bool(member_ids), updated_at=now(), version=Investigation.version + 1
        ).where(Investigation.id == panel_id).execute()
        if before != member_ids:
            audit.record("update", "investigation", panel_id, {"member_ids": (before, member_ids)})


def panels_containing(investigation_id: int, active_only: bool = True) -> list[dict]:
    """Panels that list this investigation directly: id, code, name, active."""
    session.require("catalog.view")
    query = (
        Investigation.select(
            Investigation.id, Investigation.code, Investigation.name, Investigation.active
        )
        .join(PanelMember, on=(PanelMember.panel == Investigation.id))
        .where(PanelMember.member == investigation_id)
        .order_by(Investigation.code)
    )
    if active_only:
        query = query.where(Investigation.active == True)  # noqa: E712
    return list(query.dicts())


def _member_ids(investigation_id: int) -> list[int]:
    """``panel_members`` without the permission check (for the audit)."""
    query = (
        PanelMember.select(PanelMember.member)
        .where(PanelMember.panel == investigation_id)
        .order_by(PanelMember.position, PanelMember.id)
    )
    return [member for (member,) in query.tuples()]
