"""notify: the WhatsApp sender for a machine that keeps it running (issue 18)."""

from __future__ import annotations

from . import open_from_args
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
    import signal
    import threading

    from ..services.notify import config
    from ..services.notify import outbox as notify_outbox
    from ..services.notify.sender import Sender

    open_from_args(args)
    if not args.run:
        print(f"En cola: {notify_outbox.queue_size()}")
        state = config.stopped()
        if state:
            print(f"Envío detenido: {state['reason']}")
        return 0
    sender = Sender()
    try:
        if args.once:
            outcomes = sender.drain()
            print(", ".join(f"{k}: {v}" for k, v in sorted(outcomes.items())) or "nada que enviar")
            return 0
        stop = threading.Event()
        signal.signal(signal.SIGINT, lambda *_: stop.set())
        signal.signal(signal.SIGTERM, lambda *_: stop.set())
        print("Enviando avisos por WhatsApp (Ctrl+C para terminar)…", flush=True)
        sender.run(stop)
        return 0
    finally:
        sender.close()
