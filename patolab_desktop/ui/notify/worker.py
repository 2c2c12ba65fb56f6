"""The sender on a worker thread of the app, and the queue size in the status bar."""

from __future__ import annotations

import threading

from PySide6.QtCore import QThread, QTimer
from PySide6.QtWidgets import QLabel

from ...i18n import translate
from ...services.access import session
from ...services.notify import config, outbox
from ...services.notify.sender import Sender

REFRESH_MS = 5000


class SenderThread(QThread):
    """Runs ``Sender.run`` until ``stop()``; the GUI thread never waits on the network."""

    def __init__(self, parent=None, sender_factory=Sender, idle_seconds: float = 2.0):
        super().__init__(parent)
        self._stop = threading.Event()
        self._factory = sender_factory
        self._idle = idle_seconds

    def run(self) -> None:  # the worker thread
        sender = self._factory()
        try:
            sender.run(self._stop, self._idle)
        finally:
            sender.close(release_connection=True)  # and this thread's database connection

    def stop(self, wait_ms: int = 15000) -> None:
        self._stop.set()
        self.wait(wait_ms)


STOPPED_STYLE = "color: white; background: #c62828; padding: 0 6px;"
ATTENTION_STYLE = "color: black; background: #ffb300; padding: 0 6px;"


class QueueStatus(QLabel):
    """ "WhatsApp: 3 en cola" in the status bar: red while sending is stopped (every desk),
    amber while this computer has no access token and the queue is not moving
    (``config.missing_token``: in a lab where one computer holds the token and sends for
    all, the other desks do not warn while it sends; in a lab that uses only «Abrir en
    WhatsApp» it says why the queue does not move) or while
    notices failed that the desk has not dealt with (``outbox.failures``: the queue window
    is the administrator's, so this is where the desk learns of them, with the request
    numbers in the tooltip)."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.timer = QTimer(self)
        self.timer.setInterval(REFRESH_MS)
        self.timer.timeout.connect(self.refresh)
        self.timer.start()
        self.refresh()

    def refresh(self) -> None:
        if not session.has("notify.send"):
            self.setVisible(False)
            return
        try:
            size = outbox.queue_size()
            stopped = config.stopped()
            no_token = config.missing_token()
            failed, numbers = outbox.failures()
        except Exception:  # the database went away: the next tick tries again
            return
        self.setVisible(True)
        text = translate("notify.worker", "WhatsApp: {count} en cola").format(count=size)
        tips = []
        if stopped:
            text += translate("notify.worker", " · DETENIDO")
            tips.append(stopped["reason"])
        elif no_token:
            text += translate("notify.worker", " · SIN CLAVE")
            tips.append(
                translate(
                    "notify.worker",
                    "Ninguna computadora está enviando los avisos en cola (uno espera desde "
                    "hace más de {minutes} minutos) y esta no tiene la clave de acceso de "
                    "WhatsApp. Un administrador la escribe en Archivo › Configuración de "
                    "WhatsApp, o abra PatoLab en la computadora que la tiene.",
                ).format(minutes=int(outbox.STALLED_AFTER.total_seconds() // 60))
            )
        if failed:
            text += (
                translate("notify.worker", " · 1 aviso falló")
                if failed == 1
                else translate("notify.worker", " · {count} avisos fallaron").format(count=failed)
            )
            tips.append(
                translate(
                    "notify.worker",
                    "Avisos que no llegaron al paciente: abra la solicitud para ver por qué; "
                    "avísele de otro modo (resultados impresos o por correo) y pulse "
                    "«Cancelar envío», o «Reintentar». Solicitudes: {numbers}",
                ).format(numbers=", ".join(numbers) + (" …" if failed > len(numbers) else ""))
            )
        attention = ATTENTION_STYLE if failed or no_token else ""
        self.setStyleSheet(STOPPED_STYLE if stopped else attention)
        self.setToolTip("\n\n".join(tips))
        self.setText(text)
