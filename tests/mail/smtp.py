"""A real SMTP server in the test process (aiosmtpd) that records what it receives."""
import asyncio
import email
import socket
import threading
from contextlib import contextmanager
from email import policy

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Recorder:
    """Keeps every accepted message. `pause_after`: once that many messages were accepted,
    the next RCPT waits (the test kills the sender meanwhile) and `paused` is set."""

    def __init__(self, pause_after: int | None = None, delay: float = 0.0):
        self.delay = delay  # seconds each message takes to accept (a slow server)
        self.messages: list[email.message.EmailMessage] = []
        self.lock = threading.Lock()
        self.pause_after = pause_after
        self.paused = threading.Event()
        self.release = threading.Event()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.pause_after is not None and len(self.messages) >= self.pause_after and not self.release.is_set():
            self.paused.set()
            while not self.release.is_set():
                await asyncio.sleep(0.05)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.delay:
            await asyncio.sleep(self.delay)
        message = email.message_from_bytes(envelope.content, policy=policy.default)
        with self.lock:
            self.messages.append(message)
        return "250 Message accepted"

    def message_ids(self) -> list[str]:
        with self.lock:
            return [m["Message-ID"] for m in self.messages]


@contextmanager
def smtp_server(recorder: Recorder, port: int):
    controller = Controller(recorder, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield controller
    finally:
        recorder.release.set()
        controller.stop()
