"""Deliver an alert by e-mail (SMTP) and webhook (JSON POST). Each channel has a timeout; one that fails is
logged and the other still goes, so a mail server outage never hides an alert the chat would show."""

from __future__ import annotations

import email.policy
import json
import logging
import smtplib
import ssl
import urllib.request
from collections.abc import Callable
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from pipelines.alerts.messages import Alert
from pipelines.alerts.settings import AlertSettings, redact

SENT = "sent"
# Headers unfolded (RFC 5322 allows 998 characters): a folded Subject reads back with a stray leading space.
_POLICY = email.policy.default.clone(max_line_length=998)


def send_mail(alert: Alert, s: AlertSettings) -> None:
    msg = EmailMessage(policy=_POLICY)
    msg["Subject"], msg["From"], msg["To"] = alert.subject, s.mail_from, ", ".join(s.mail_to)
    msg["Date"], msg["Message-ID"] = formatdate(localtime=False), make_msgid(domain="sentra")
    msg.set_content(alert.text)
    smtp = smtplib.SMTP_SSL if s.smtp_ssl else smtplib.SMTP
    with smtp(s.smtp_host, s.smtp_port, timeout=s.timeout_s) as server:
        if s.smtp_starttls:
            server.starttls(context=ssl.create_default_context())
        if s.smtp_user:
            server.login(s.smtp_user, s.smtp_password)
        server.send_message(msg)


def post_webhook(alert: Alert, s: AlertSettings) -> None:
    body = json.dumps(alert.payload(), ensure_ascii=False, default=str).encode("utf-8")
    request = urllib.request.Request(
        s.webhook_url,
        data=body,
        method="POST",
        headers={"Content-Type": "application/json; charset=utf-8", "User-Agent": "sentra-alerts"},
    )
    with urllib.request.urlopen(request, timeout=s.timeout_s) as response:  # http(s) only: checked in settings
        response.read()  # urlopen raises HTTPError on 4xx/5xx


def send(alert: Alert, s: AlertSettings, log: logging.Logger) -> dict[str, str]:
    """Every configured channel, each independently: {channel: 'sent' or the error}. Never raises."""
    channels: dict[str, Callable[[Alert, AlertSettings], None]] = {}
    if s.mail:
        channels[f"mail {s.smtp_host}:{s.smtp_port}"] = send_mail
    if s.webhook_url:
        channels[f"webhook {redact(s.webhook_url)}"] = post_webhook
    out = {}
    for name, deliver in channels.items():
        try:
            deliver(alert, s)
            out[name] = SENT
            log.info(f"alert {alert.event} sent by {name}: {alert.subject}")
        except Exception as exc:  # any channel error: log it, try the next channel
            out[name] = f"{type(exc).__name__}: {exc}"
            log.error(f"alert {alert.event} NOT sent by {name}: {out[name]} ({alert.subject})")
    return out


def delivered(results: dict[str, str]) -> bool:
    return any(v == SENT for v in results.values())
