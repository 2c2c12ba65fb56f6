"""``patolab workstation``: the branch and punto de emisión THIS computer issues from in the
database it opens (``services.workstation``; kept in this computer's settings). Without
options it shows them; ``--branch``/``--point`` set them (``-``: back to the lab's)."""

from __future__ import annotations

from . import open_from_args
from .building import command

LAB = "-"


def register(sub, common) -> None:
    station = command(
        sub,
        "workstation",
        common,
        run_workstation,
        "sucursal y punto de emisión de esta computadora: ver o cambiar",
        aliases=["estacion"],
    )
    station.add_argument(
        "--branch",
        default=None,
        metavar="CODIGO",
        help="código de la sucursal de esta computadora ('-': la predeterminada del laboratorio)",
    )
    station.add_argument(
        "--point",
        default=None,
        metavar="PPP",
        help="punto de emisión de esta computadora, 3 dígitos ('-': el del laboratorio)",
    )


def run_workstation(args) -> int:
    from ..services import workstation
    from ..services.catalog import branches

    open_from_args(args)
    current = workstation.here()
    if args.branch is not None or args.point is not None:
        branch = current.branch_id if current.branch_here else None
        if args.branch is not None:
            branch = None if args.branch == LAB else branches.id_by_code(args.branch)
        point = current.point if current.point_here else ""
        if args.point is not None:
            point = "" if args.point == LAB else args.point
        current = workstation.set_here(branch, point)
    names = {b["id"]: f"{b['code']} — {b['name']}" for b in branches.list_for_filters()}
    where = {True: "de esta computadora", False: "del laboratorio"}
    print(
        f"Sucursal: {names.get(current.branch_id, 'ninguna')} ({where[current.branch_here]})\n"
        f"Punto de emisión: {current.point} ({where[current.point_here]})"
    )
    return 0
