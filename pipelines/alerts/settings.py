"""Alert settings: SENTRA_ALERTS (a JSON object, no secrets) plus secrets from their own variables.

SENTRA_SMTP_PASSWORD is the SMTP password; SENTRA_ALERT_WEBHOOK_URL, when set, replaces `webhook_url`
(chat webhooks carry their token in the URL). Nothing configured means alerts are off.
"""

from __future__ import annotations

import os
from datetime import date, time
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from models.contracts import SOURCES
from pipelines.core.config import settings_from_env

VARIABLE = "SENTRA_ALERTS"
PASSWORD_VARIABLE = "SENTRA_SMTP_PASSWORD"
WEBHOOK_VARIABLE = "SENTRA_ALERT_WEBHOOK_URL"


class Deadline(BaseModel):
    """When a source's next file is due, in WIB: `every` day, weekday (Mon–Fri) or month (on `day`) at `at`."""

    model_config = ConfigDict(extra="forbid")

    every: Literal["day", "weekday", "month"]
    at: time = time(0, 0)
    day: int = Field(default=1, ge=1, le=28)  # monthly only; 28 at most so every month has it


DEFAULT_DEADLINES: dict[str, Deadline | None] = {
    "transactions": Deadline(every="day", at=time(5, 0)),
    "fx_rates": Deadline(every="weekday", at=time(10, 0)),
    "exports": Deadline(every="month", day=4, at=time(0, 0)),  # by the end of the 3rd
    "producers": None,  # the registry changes when it changes
}


class AlertSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    smtp_host: str = ""
    smtp_port: int = 25
    smtp_starttls: bool = False
    smtp_ssl: bool = False  # implicit TLS (port 465); starttls upgrades a plain connection instead
    smtp_user: str = ""
    mail_from: str = "sentra@localhost"
    mail_to: list[str] = []
    webhook_url: str = ""
    dagster_ui_url: str = "http://127.0.0.1:3000"
    timeout_s: float = Field(default=10.0, gt=0)  # per channel: a hung server must not hold the sensor
    deadlines: dict[str, Deadline | None] = DEFAULT_DEADLINES
    holidays: list[date] = []  # days with no weekday deadline (bank holidays: no reference rates)
    silent_checks: list[str] = ["producer_silent"]  # failing checks of a daily run that alert
    smtp_password: str = Field(default="", exclude=True)  # from SENTRA_SMTP_PASSWORD only

    @model_validator(mode="before")
    @classmethod
    def _no_secret_in_json(cls, data: object) -> object:
        if isinstance(data, dict) and "smtp_password" in data:
            raise ValueError(f"smtp_password: put the password in {PASSWORD_VARIABLE}, not in {VARIABLE}")
        return data

    @field_validator("deadlines", mode="before")
    @classmethod
    def _over_defaults(cls, value: object) -> object:
        """A source left out keeps its default deadline; `null` removes one."""
        if isinstance(value, dict):
            if unknown := sorted(set(value) - set(SOURCES)):
                raise ValueError(f"unknown source(s) {', '.join(unknown)} (sources: {', '.join(SOURCES)})")
            return {**DEFAULT_DEADLINES, **value}
        return value

    @model_validator(mode="after")
    def _consistent(self) -> AlertSettings:
        if self.smtp_starttls and self.smtp_ssl:
            raise ValueError("smtp_starttls and smtp_ssl: choose one")
        if self.smtp_host and not self.mail_to:
            raise ValueError("mail_to: list at least one recipient when smtp_host is set")
        if self.webhook_url and not self.webhook_url.startswith(("http://", "https://")):
            raise ValueError("webhook_url: must start with http:// or https://")
        return self

    @property
    def mail(self) -> bool:
        return bool(self.smtp_host and self.mail_to)

    @property
    def enabled(self) -> bool:
        return self.mail or bool(self.webhook_url)

    def channels(self) -> str:
        """Where alerts go, without secrets: for logs and `sentra status`."""
        out = [f"mail to {', '.join(self.mail_to)} via {self.smtp_host}:{self.smtp_port}"] if self.mail else []
        if self.webhook_url:
            out.append(f"webhook {redact(self.webhook_url)}")
        return "; ".join(out) or "off"


def redact(url: str) -> str:
    """Scheme and host only: a webhook URL's path often is its token."""
    scheme, _, rest = url.partition("://")
    return f"{scheme}://{rest.split('/', 1)[0].rsplit('@', 1)[-1]}/…"


OFF = f"alerts are off: set {VARIABLE} (smtp_host and mail_to, or webhook_url) or {WEBHOOK_VARIABLE}"


def from_environment() -> AlertSettings:
    """Read now (not at import) so the daemon picks up a changed environment on reload. ValueError names the
    variable at fault."""
    try:
        alerts = settings_from_env(AlertSettings, VARIABLE)
    except ValueError as exc:  # pydantic words a whole-object rule as ": Value error, ...": keep the rule
        raise ValueError(str(exc).replace(": : Value error, ", ": ").replace("Value error, ", "")) from None
    updates: dict[str, str] = {"smtp_password": os.environ.get(PASSWORD_VARIABLE, "")}
    if alerts.smtp_user and not updates["smtp_password"]:
        raise ValueError(f"{PASSWORD_VARIABLE}: not set, and {VARIABLE} names an smtp_user")
    if webhook := os.environ.get(WEBHOOK_VARIABLE, "").strip():
        if not webhook.startswith(("http://", "https://")):
            raise ValueError(f"{WEBHOOK_VARIABLE}: must start with http:// or https://")
        updates["webhook_url"] = webhook
    return alerts.model_copy(update=updates)
