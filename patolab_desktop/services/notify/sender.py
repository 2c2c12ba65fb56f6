"""The sender: claims one outbox row at a time in a write transaction, posts it to the
WhatsApp Cloud API outside the transaction, then records what happened.

Why one ``httpx`` POST and not pywa: the app only sends approved templates and cannot
receive webhooks, so it needs one endpoint, one body shape and the error code; a plain
``httpx.Client`` keeps the request, its timeout and the headers (the token) in our hands,
adds a single small dependency that pywa would pull in anyway, and is easy to point at a
loopback fake in the tests.

- **Claim.** ``BEGIN IMMEDIATE`` on SQLite (one writer at a time), ``FOR UPDATE SKIP
  LOCKED`` on PostgreSQL: with several desks on one server each row goes to one sender.
  A claimed row is ``sending`` with ``next_attempt_at`` set one backoff step ahead (never
  less than ``LEASE_FLOOR``): if the sender dies mid-send, the row is claimed again after
  that step, never instantly. A message may then go out twice (the API has no
  idempotency key), never zero times.
- **Send-time check.** A claimed row whose patient is now blocked, has withdrawn consent
  (in the form, or by answering 131050 to an earlier message) or whose number WhatsApp
  flagged with 131026 is not posted: it becomes ``cancelled`` with the reason
  (``outbox._send_refusal``, the same rule as queueing), and the next row is claimed.
- **Pair limit.** A row is not claimed while a message to the same phone (itself
  included: a retry is a message too) was claimed less than ``PAIR_SECONDS`` ago.
- **Expiry** touches only rows that no sender holds: queued, or ``sending`` whose lease
  has run out. An accepted answer (a ``wamid``) is always recorded, even over an expiry
  or a cancel made meanwhile: WhatsApp has the message, the outbox must say so.
- **Errors** (``errors.classify``): stop all (the switch in ``config``), back off with
  full jitter (``[0, min(cap, base·2^n)]``, base 2 s, cap 15 min, 8 attempts, then
  failed), or failed at once with the reason in Spanish. Some retries wait longer than
  the jitter (``retry_delay``): after an ambiguous answer (a timeout, a 200 without the
  message id: minutes), 131056 (the pair interval) and 132015 (hours). An error of our
  own making (``local``: the request could not even be built) stops all, like an invalid
  token.
- ``wamid`` recorded = *aceptado por WhatsApp*, not delivered (no webhook on a desktop).

The clock and the random source are injected (``now``, ``rand``) so the tests need no
sleeps. The token is read from the credential store for each post and is never logged.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import random
import socket
import threading
from collections.abc import Callable

import httpx
from peewee import fn

from ...db.database import is_sqlite, write_transaction
from ...db.models import Outbox
from ..access import session
from ..customers import records as customer_records
from ..errors import PermissionDenied
from . import config, outbox
from .errors import FAIL, RETRY, STOP, ambiguous, classify

log = logging.getLogger(__name__)

BASE_SECONDS = 2.0
CAP_SECONDS = 15 * 60.0
MAX_ATTEMPTS = 8
PAIR_SECONDS = 6.0
LEASE_FLOOR = 30.0  # a live post (timeout 10 s) is never taken over
TIMEOUT = 10.0
# No answer in time, or an HTTP 200 without the message id (``errors.ambiguous``):
# WhatsApp may well have accepted the message (the API has no idempotency key, so a
# repeat can deliver it twice). Never repeat it within seconds: wait long enough for a
# slow or congested link to settle, so that a duplicate, if any, is rare and never
# arrives right after the first. (NOTIFICATIONS.md, "No idempotency key")
AMBIGUOUS_RETRY_SECONDS = 5 * 60.0
# 132015: Meta paused the template for 3 hours, or 6 hours when it was paused before.
PAUSED_RETRY_SECONDS = 3 * 3600.0
PAUSED_AGAIN_RETRY_SECONDS = 6 * 3600.0
# who records what WhatsApp itself told (an opt-out): in the audit trail and consent_by
WHATSAPP = session.system_actor("whatsapp")
OPT_OUT_DETAIL = "WhatsApp: el paciente pidió no recibir estos mensajes (131050)"


def backoff_delay(attempt: int, rand: Callable[[], float] = random.random) -> float:
    """Full jitter: a random wait in ``[0, min(cap, base·2^(attempt-1))]`` seconds."""
    ceiling = min(CAP_SECONDS, BASE_SECONDS * (2 ** max(attempt - 1, 0)))
    return rand() * ceiling


def retry_delay(
    code: str, attempt: int, previous_code: str = "", rand: Callable[[], float] = random.random
) -> float:
    """Seconds before retrying after error ``code`` on attempt ``attempt`` (the row's
    previous error was ``previous_code``): the jitter, never less than what the error
    itself asks for."""
    delay = backoff_delay(attempt, rand)
    if ambiguous(code):  # maybe accepted: never instantly (AMBIGUOUS_RETRY_SECONDS)
        return max(AMBIGUOUS_RETRY_SECONDS, delay)
    if code == "131056":  # too many to this recipient: the pair interval, then the jitter
        return PAIR_SECONDS + delay
    if code == "132015":  # template paused: 3 h, then 6 h
        return PAUSED_AGAIN_RETRY_SECONDS if previous_code == "132015" else PAUSED_RETRY_SECONDS
    return delay


def _body(row: Outbox) -> dict:
    params = json.loads(row.params or "[]")
    template: dict = {"name": row.template, "language": {"code": row.language}}
    if params:
        template["components"] = [
            {"type": "body", "parameters": [{"type": "text", "text": str(p)} for p in params]}
        ]
    return {
        "messaging_product": "whatsapp",
        "to": "".join(ch for ch in row.phone if ch.isdigit()),
        "type": "template",
        "template": template,
        "biz_opaque_callback_data": str(row.id),
    }


# What ``send_one`` did when it posted nothing although messages may be waiting: nothing
# will go out from this computer until a person acts, so the screens and ``notify`` say
# so (unlike None: nothing is due now). The access token lives in each computer's
# credential store, so NO_TOKEN is about this computer only; HALTED (``config.stopped``,
# e.g. after 190) holds for every desk until an administrator resumes.
NO_TOKEN = "no_token"
HALTED = "halted"
CANNOT_SEND = (NO_TOKEN, HALTED)


class Sender:
    """``Sender().send_one()`` sends the next due message (or says why it sent none)."""

    def __init__(
        self,
        *,
        client: httpx.Client | None = None,
        now: Callable[[], dt.datetime] | None = None,
        rand: Callable[[], float] = random.random,
        timeout: float = TIMEOUT,
        worker: str | None = None,
        token: Callable[[], str | None] | None = None,
    ):
        self.client = client or httpx.Client(timeout=timeout)
        self.now = now or dt.datetime.now
        self.rand = rand
        self.timeout = timeout
        self.worker = worker or f"{socket.gethostname()}:{os.getpid()}:{threading.get_ident()}"
        self._token = token or config._token  # the benchmark's fake server needs no keyring

    def close(self, release_connection: bool = False) -> None:
        """Close the HTTP client; ``release_connection`` also closes this thread's database
        connection (the app's worker thread, when it ends)."""
        self.client.close()
        if release_connection:
            from ...db.database import db

            if not db.is_closed():
                db.close()

    # --- claim --------------------------------------------------------------------------
    def _claim(self) -> Outbox | None:
        now = self.now()
        with write_transaction():
            if config._stopped() is not None:
                return None
            # nobody holds it: queued, or a claim whose lease ran out (a live post is never
            # expired under the desk that is sending it)
            free = (Outbox.status == "queued") | (
                (Outbox.status == "sending") & (Outbox.next_attempt_at <= now)
            )
            Outbox.update(
                status="expired", error_code="expired", updated_at=now, version=Outbox.version + 1
            ).where(free & (Outbox.expires_at < now)).execute()
            recent = Outbox.alias("recent")
            busy = recent.select(recent.id).where(
                (recent.phone == Outbox.phone)
                & (recent.claimed_at > now - dt.timedelta(seconds=PAIR_SECONDS))
            )
            query = (
                Outbox.select()
                .where(
                    Outbox.status.in_(["queued", "sending"])
                    & (Outbox.next_attempt_at <= now)
                    & ~fn.EXISTS(busy)
                )
                .order_by(Outbox.next_attempt_at, Outbox.id)
                .limit(1)
            )
            if not is_sqlite():
                query = query.for_update("FOR UPDATE OF t1 SKIP LOCKED")
            row = query.clone().first()
            while row is not None:
                if row.attempts + 1 > MAX_ATTEMPTS:
                    # it died mid-send on its last attempt: failed, with a manual retry
                    status, why = "failed", "attempts"
                else:
                    # an opt-out or a block is honoured at once, also for what was queued
                    refused = outbox._send_refusal(row)
                    if refused is None:
                        break
                    status, why = "cancelled", refused
                Outbox.update(
                    status=status, error_code=why, updated_at=now, version=Outbox.version + 1
                ).where(Outbox.id == row.id).execute()
                log.info("outbox %s (%s): %s %s", row.id, row.event, status, why)
                row = query.clone().first()
            if row is None:
                return None
            if not is_sqlite() and not _phone_free(row, now):
                return None  # another desk is sending to this number now: next round
            attempts = row.attempts + 1
            lease = max(LEASE_FLOOR, backoff_delay(attempts, self.rand))
            Outbox.update(
                status="sending",
                attempts=attempts,
                claimed_at=now,
                claimed_by=self.worker[:80],
                next_attempt_at=now + dt.timedelta(seconds=lease),
                updated_at=now,
                version=Outbox.version + 1,
            ).where(Outbox.id == row.id).execute()
            row.attempts = attempts
            return row

    # --- post ---------------------------------------------------------------------------
    def _post(self, row: Outbox, token: str, cfg: config.ApiConfig) -> tuple[str, str, str]:
        """(kind, code or wamid, message): kind "sent", STOP, RETRY or FAIL."""
        try:
            response = self.client.post(
                cfg.url,
                json=_body(row),
                headers={"Authorization": f"Bearer {token}"},
                timeout=self.timeout,
            )
        except (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout) as exc:
            return RETRY, "network", type(exc).__name__  # nothing left this computer
        except (httpx.UnsupportedProtocol, httpx.LocalProtocolError) as exc:
            log.error("WhatsApp request not built: %s", type(exc).__name__)
            return STOP, "local", type(exc).__name__
        except (httpx.TimeoutException, httpx.TransportError) as exc:
            return RETRY, "timeout", type(exc).__name__  # ambiguous: it may have been accepted
        except Exception as exc:  # noqa: BLE001 - e.g. a token httpx cannot put in a header
            # the exception's text may hold the token: only its type is kept
            log.error("WhatsApp request not built: %s", type(exc).__name__)
            return STOP, "local", type(exc).__name__
        try:
            data = response.json()
        except ValueError:
            data = None
        if response.status_code == 200 and isinstance(data, dict) and data.get("messages"):
            return "sent", str(data["messages"][0].get("id", "")), ""
        error = (data or {}).get("error") if isinstance(data, dict) else None
        if isinstance(error, dict) and isinstance(error.get("code"), int):
            code = int(error["code"])
            message = str(error.get("message", ""))[:500].replace(token, "***")
            return classify(code), str(code), message
        return classify(None, response.status_code), f"http{response.status_code}", ""

    # --- one message --------------------------------------------------------------------
    def send_one(self) -> str | None:
        """Send the next due message. Returns "sent", "retry", "failed", "stopped" (its
        answer stopped all sending); without a post, NO_TOKEN or HALTED (nothing can go
        out: ``CANNOT_SEND``), or None when nothing is due now."""
        session.require("notify.send")
        token = self._token()
        if not token:
            return NO_TOKEN
        cfg = config._api_config()
        row = self._claim()
        if row is None:
            return HALTED if config._stopped() is not None else None
        kind, code, message = self._post(row, token, cfg)
        return self._record(row, kind, code, message)

    def _record(self, row: Outbox, kind: str, code: str, message: str) -> str:
        now = self.now()
        my_claim = (
            (Outbox.id == row.id)
            & (Outbox.attempts == row.attempts)
            & (Outbox.claimed_by == self.worker[:80])
        )
        mine = my_claim & (Outbox.status == "sending")
        common = {"updated_at": now, "version": Outbox.version + 1}
        # unchecked: what WhatsApp answered to a post already made is recorded whatever an
        # administrator did meanwhile to the desk's user (a lost wamid sends it twice)
        with write_transaction(checked=False):
            if kind == "sent":
                values = dict(status="sent", wamid=code, sent_at=now, error_code="", error_text="")
                outcome = "sent"
                # accepted by WhatsApp: true even if another desk expired or cancelled the
                # row meanwhile (its lease ran out); not when another sender claimed it since
                mine = my_claim & Outbox.status.in_(["sending", "expired", "cancelled", "failed"])
            elif kind == STOP:
                config._stop(code)
                # not this message's fault: it waits for the administrator, attempt not counted
                values = dict(
                    status="queued",
                    attempts=row.attempts - 1,
                    next_attempt_at=now,
                    error_code=code,
                    error_text=message,
                )
                outcome = "stopped"
            elif kind == RETRY and row.attempts < MAX_ATTEMPTS:
                delay = retry_delay(code, row.attempts, row.error_code, self.rand)
                values = dict(
                    status="queued",
                    next_attempt_at=now + dt.timedelta(seconds=delay),
                    error_code=code,
                    error_text=message,
                )
                outcome = "retry"
            else:
                values = dict(
                    status="failed",
                    error_code=code if kind == FAIL else "attempts",
                    error_text=message,
                )
                outcome = "failed"
                if code == "131050" and row.customer_id:  # the patient opted out: honour it
                    # as the patient service records a consent change (version, audit row,
                    # the rest of their queue cancelled): a form open at the desk cannot
                    # put "yes" back without the usual conflict message
                    customer_records._record_opt_out(row.customer_id, WHATSAPP, OPT_OUT_DETAIL, now)
            Outbox.update(**values, **common).where(mine).execute()
        log.info(
            "outbox %s (%s): %s %s", row.id, row.event, outcome, code if outcome != "sent" else ""
        )
        return outcome

    def drain(self, limit: int | None = None) -> dict[str, int]:
        """Send until nothing is due; returns the count of each outcome (NO_TOKEN or
        HALTED counted once when that is why it ended)."""
        outcomes: dict[str, int] = {}
        while limit is None or sum(outcomes.values()) < limit:
            outcome = self.send_one()
            if outcome is None:
                break
            outcomes[outcome] = outcomes.get(outcome, 0) + 1
            if outcome == "stopped" or outcome in CANNOT_SEND:
                break
        return outcomes

    def run(self, stop: threading.Event, idle_seconds: float = 2.0) -> None:
        """Keep sending until ``stop`` is set (the worker thread, ``notify --run``)."""
        while not stop.is_set():
            try:
                outcome = self.send_one()
            except PermissionDenied:  # signed out or screen locked: wait, quietly
                outcome = None
            except Exception:  # a database hiccup must not kill the worker
                log.exception("WhatsApp sender error")
                outcome = None
            if outcome is None or outcome == "stopped" or outcome in CANNOT_SEND:
                stop.wait(idle_seconds)


def _phone_free(row: Outbox, now: dt.datetime) -> bool:
    """PostgreSQL: at most one message per recipient per 6 s across desks. Two desks can
    pick two rows of one phone at the same moment (each sees the other's claim only once
    committed); a transaction-level advisory lock on the phone lets one of them go on, and
    the other then sees the fresh claim and leaves the row for the next round."""
    from ...db.database import db

    locked = db.execute_sql(
        "SELECT pg_try_advisory_xact_lock(hashtext(%s))", (row.phone,)
    ).fetchone()[0]
    if not locked:
        return False
    return not (
        Outbox.select()
        .where(
            (Outbox.phone == row.phone)
            & (Outbox.claimed_at > now - dt.timedelta(seconds=PAIR_SECONDS))
        )
        .exists()
    )
