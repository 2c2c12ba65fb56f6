"""recovery-key: the identity-number recovery key for an administrator (issue 15, 13)."""

from __future__ import annotations

from . import open_from_args
from .building import command, file_option, switch


def register(sub, common) -> None:
    parser = command(
        sub,
        "recovery-key",
        common,
        run_recovery_key,
        "mostrar, guardar o confirmar la clave de recuperación de los números de identidad",
    )
    file_option(
        parser,
        "guardar la hoja con la clave en este archivo (p. ej. en una memoria USB)",
        type=None,  # identity_keys.save_recovery_key checks the place itself
    )
    switch(
        parser,
        "--confirm",
        "dejar constancia de que la clave está impresa o guardada fuera de esta computadora",
    )


def run_recovery_key(args) -> int:
    from ..services import identity_keys

    open_from_args(args)
    text = identity_keys.recovery_key()
    sheet = (
        "PatoLab Desktop — clave de recuperación de los números de identidad\n\n"
        f"{text}\n\n{identity_keys.loss_warning()}\n"
    )
    if args.out:
        path = identity_keys.save_recovery_key(args.out, sheet)
        print(f"Clave de recuperación guardada en {path}.")
    else:
        print(sheet)
    if args.confirm:
        identity_keys.confirm_recovery_saved()
        print("Constancia guardada: la clave de recuperación está fuera de esta computadora.")
    elif identity_keys.recovery_pending():
        print("Cuando la haya impreso o guardado fuera de esta computadora, repita con --confirm.")
    return 0
