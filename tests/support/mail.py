"""The one SMTP sink: a real SMTP server (aiosmtpd) on a free port that keeps what it receives.

It can be stopped and restarted on the same port, can refuse mail (`mode = "tempfail"` or
`"reject"`), and can stall in the middle of a transaction (`hold()`): the sender is then
mid-delivery until `release()`. The `mail_server` fixture points the default mailer at it.
"""

from __future__ import annotations

import asyncio
import threading
import time
from email import message_from_bytes, policy

from tests.support.servers import free_port


class SMTPSink:
    def __init__(self) -> None:
        self.port = free_port()
        self.messages: list = []
        self.raw: list[bytes] = []
        self.mode = "accept"
        self.rcpt_started = threading.Event()
        self._open = threading.Event()
        self._open.set()
        self._lock = threading.Lock()
        self.controller = None

    def start(self) -> None:
        from aiosmtpd.controller import Controller

        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    def hold(self) -> None:
        self.rcpt_started.clear()
        self._open.clear()

    def release(self) -> None:
        self._open.set()

    def mailers(self) -> dict:
        """The MAILERS setting that sends the default mailer's mail here."""
        return {
            "default": {
                "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                "OPTIONS": {"host": "127.0.0.1", "port": self.port, "timeout": 5},
            }
        }

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        self.rcpt_started.set()
        while not self._open.is_set():
            await asyncio.sleep(0.02)
        if self.mode == "tempfail":
            return "451 4.3.0 Mail server temporarily unavailable"
        if self.mode == "reject":
            return "550 5.1.1 No such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        with self._lock:
            self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
            self.raw.append(envelope.content)
        return "250 OK"

    def count(self) -> int:
        with self._lock:
            return len(self.messages)

    def wait_for(self, count: int, timeout: float = 20) -> list:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.count() >= count:
                with self._lock:
                    return list(self.messages)
            time.sleep(0.05)
        raise AssertionError(f"expected {count} emails, got {self.count()}")
