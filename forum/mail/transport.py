"""How a mail leaves: SMTP (MAIL_SERVER set) or the log (the embedded default)."""
import logging
import smtplib
from email.message import EmailMessage
from email.utils import formatdate
from typing import Protocol

from flask import current_app

log = logging.getLogger("forum.mail")


class TemporaryFailure(Exception):
    """Try again later (server down, 4xx)."""


class ServerUnavailable(TemporaryFailure):
    """The server cannot be reached or dropped the connection: stop the batch."""


class PermanentFailure(Exception):
    """This mail will never go (5xx: address refused)."""


def build_message(row) -> EmailMessage:
    """An outbox row as a MIME message: plain text with an HTML alternative."""
    message = EmailMessage()
    message["From"] = current_app.config["MAIL_DEFAULT_SENDER"]
    message["To"] = row.to_address
    message["Subject"] = row.subject
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = row.message_id
    message["Auto-Submitted"] = "auto-generated"
    if row.unsubscribe_url:
        message["List-Unsubscribe"] = f"<{row.unsubscribe_url}>"
        message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message.set_content(row.body_text)
    message.add_alternative(row.body_html, subtype="html")
    return message


class Transport(Protocol):
    def send(self, message: EmailMessage) -> None: ...

    def close(self) -> None: ...


class LogTransport:
    """No MAIL_SERVER: the mail is written to the log (development, demos)."""

    def send(self, message: EmailMessage) -> None:
        body = message.get_body(preferencelist=("plain",))
        log.info("mail to %s: %s\n%s", message["To"], message["Subject"], body.get_content() if body else "")

    def close(self) -> None:
        pass


class SmtpTransport:
    """One SMTP connection, opened at the first mail and kept for the batch."""

    def __init__(self, config) -> None:
        self.config = config
        self.connection: smtplib.SMTP | None = None

    def _connect(self) -> smtplib.SMTP:
        cfg = self.config
        try:
            connection = smtplib.SMTP(cfg["MAIL_SERVER"], cfg["MAIL_PORT"], timeout=cfg["MAIL_TIMEOUT_SECONDS"])
            if cfg["MAIL_USE_TLS"]:
                connection.starttls()
            if cfg["MAIL_USERNAME"]:
                connection.login(cfg["MAIL_USERNAME"], cfg["MAIL_PASSWORD"] or "")
        except (OSError, smtplib.SMTPException) as error:
            raise ServerUnavailable(f"connect: {error}") from error
        return connection

    def send(self, message: EmailMessage) -> None:
        if self.connection is None:
            self.connection = self._connect()
        try:
            self.connection.send_message(message)
        except smtplib.SMTPRecipientsRefused as error:
            codes = [code for code, _ in error.recipients.values()]
            if all(code >= 500 for code in codes):
                raise PermanentFailure(f"refused: {error.recipients}") from error
            raise TemporaryFailure(f"refused for now: {error.recipients}") from error
        except smtplib.SMTPResponseException as error:
            if error.smtp_code >= 500:
                raise PermanentFailure(f"{error.smtp_code} {error.smtp_error!r}") from error
            self.close()
            raise TemporaryFailure(f"{error.smtp_code} {error.smtp_error!r}") from error
        except (OSError, smtplib.SMTPException) as error:
            self.close()
            raise ServerUnavailable(str(error) or type(error).__name__) from error

    def close(self) -> None:
        if self.connection is not None:
            try:
                self.connection.quit()
            except (OSError, smtplib.SMTPException):
                self.connection.close()
            self.connection = None


def transport_for(config) -> Transport:
    return SmtpTransport(config) if config.get("MAIL_SERVER") else LogTransport()
