"""notify: the WhatsApp sender for a machine that keeps it running (issue 18)."""

from __future__ import annotations

from . import fail, open_from_args
from .building import command, switch


def register(sub, common) -> None:
    notify = command(
        sub,
        "notify",
        common,
        run_notify,
        "avisos por WhatsApp: enviar la cola (--run) o ver su estado",
    )
    switch(notify, "--run", "enviar los mensajes en cola hasta Ctrl+C")
    switch(notify, "--once", "con --run: enviar lo que esté listo y terminar")


def run_notify(args) -> int:
    """Exit 0 when the run did what it could (also "nothing due"); 1 when nothing can go
    out until a person acts (no token on this computer, sending stopped), so a scheduled
    task shows it failed; 2 for ``--once`` without ``--run``."""
    import signal
    import sys
    import threading

    from ..services.notify import config
    from ..services.notify import outbox as notify_outbox
    from ..services.notify.sender import HALTED, NO_TOKEN, Sender

    if args.once and not args.run:
        return fail("--once solo sirve con --run: patolab notify --run --once", 2)
    open_from_args(args)
    if not args.run:
        print(f"En cola: {notify_outbox.queue_size()}")
        state = config.stopped()
        if state:
            print(f"Envío detenido: {state['reason']}")
        if not config.has_token():
            print(f"Aviso: {_why_nothing_goes_out(NO_TOKEN)}")
        return 0
    sender = Sender()
    try:
        if args.once:
            outcomes = sender.drain()
            summary = _summary(outcomes)
            # the run ended because nothing can go out: say why, exit 1
            cannot = NO_TOKEN if NO_TOKEN in outcomes else None
            if "stopped" in outcomes or HALTED in outcomes:
                cannot = HALTED
            if summary or cannot is None:
                print(summary or "Nada que enviar.")
            return 0 if cannot is None else fail(_why_nothing_goes_out(cannot), 1)
        stop = threading.Event()
        signal.signal(signal.SIGINT, lambda *_: stop.set())
        signal.signal(signal.SIGTERM, lambda *_: stop.set())
        print("Enviando avisos por WhatsApp (Ctrl+C para terminar)…", flush=True)
        # it keeps waiting (the token saved, sending resumed), but says why it sends nothing
        cannot = NO_TOKEN if not config.has_token() else HALTED if config.stopped() else None
        if cannot is not None:
            print(f"Aviso: {_why_nothing_goes_out(cannot)}", file=sys.stderr, flush=True)
        sender.run(stop)
        return 0
    finally:
        sender.close()


def _summary(outcomes: dict[str, int]) -> str:
    """``Aceptados por WhatsApp: 3, Fallaron: 1`` ("" when nothing was posted)."""
    from ..services.notify.events import OUTCOME_LABELS
    from ..services.texts import translate

    return ", ".join(
        f"{translate('services.notify', label)}: {outcomes[outcome]}"
        for outcome, label in OUTCOME_LABELS.items()
        if outcomes.get(outcome)
    )


def _why_nothing_goes_out(reason: str) -> str:
    """Why nothing goes out (the sender's NO_TOKEN or HALTED) and what to do."""
    from ..services.notify import config
    from ..services.notify import outbox as notify_outbox
    from ..services.notify.sender import NO_TOKEN

    waiting = notify_outbox.queue_size()
    if reason == NO_TOKEN:
        return (
            f"no se envía nada: esta computadora no tiene la clave de acceso de WhatsApp "
            f"({waiting} en cola). Se guarda en el almacén de claves del usuario del sistema "
            "que ejecuta este comando: un administrador la escribe en PatoLab, Archivo › "
            "Configuración de WhatsApp, con ese mismo usuario."
        )
    state = config.stopped() or {"at": "", "reason": ""}
    return (
        f"el envío por WhatsApp está DETENIDO desde {str(state['at']).replace('T', ' ')}: "
        f"{state['reason']} ({waiting} en cola). Un administrador corrige la causa en PatoLab "
        "(Archivo › Configuración de WhatsApp) y pulsa «Reanudar el envío» en Archivo › "
        "Cola de WhatsApp."
    )
