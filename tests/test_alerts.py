"""Alerts through real channels: an aiosmtpd SMTP server and an HTTP receiver started here, real Dagster runs
on the test's instance, and the sensors evaluated the way the daemon does (tick by tick, with their cursors)."""

from __future__ import annotations

import email
import json
import os
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time
from email.message import EmailMessage
from email.policy import default as email_policy
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from zoneinfo import ZoneInfo

import dagster as dg
import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from conftest import REGISTRY
from helpers import ASSETS, build, ingest, instance, resources_now

from pipelines.alerts import deadlines, sensors
from pipelines.alerts.settings import OFF, Deadline, from_environment
from pipelines.core.config import settings
from pipelines.core.periods import range_tags
from pipelines.orchestration.jobs import daily_job, monthly_job, publish_job
from pipelines.quality.outcome import Check, Outcome, to_results
from pipelines.quality.settings import QualitySettings
from pipelines.warehouse.connection import connect

TIER = "pipeline"  # tests/conftest.py: the runner's tiers
HISTORY = True  # reads run history: the persistent Dagster instance (tests/conftest.py)

WIB = ZoneInfo("Asia/Jakarta")
UI = "http://dagster.test:3000"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Mailbox:
    port: int
    messages: list[EmailMessage] = field(default_factory=list)
    logins: list[tuple[str, str]] = field(default_factory=list)

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: N802 (aiosmtpd's hook name)
        self.messages.append(email.message_from_bytes(envelope.original_content, policy=email_policy))
        return "250 OK"

    def authenticate(self, server, session, envelope, mechanism, auth_data) -> AuthResult:
        if isinstance(auth_data, LoginPassword):
            self.logins.append((auth_data.login.decode(), auth_data.password.decode()))
            return AuthResult(success=auth_data.password == b"s3cret")
        return AuthResult(success=False)


@dataclass
class Receiver:
    url: str
    posts: list[dict] = field(default_factory=list)


@pytest.fixture
def mailbox() -> Iterator[Mailbox]:
    box = Mailbox(_free_port())
    controller = Controller(box, hostname="127.0.0.1", port=box.port, authenticator=box.authenticate,
                            auth_require_tls=False)  # fmt: skip
    controller.start()
    try:
        yield box
    finally:
        controller.stop()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    posts: list[dict] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 (http.server's hook name)
            body = self.rfile.read(int(self.headers["Content-Length"]))
            posts.append({"path": self.path, "type": self.headers["Content-Type"], "json": json.loads(body)})
            self.send_response(500 if self.path == "/broken" else 200)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield Receiver(f"http://127.0.0.1:{server.server_address[1]}/hooks/T0K3N", posts)
    finally:
        server.shutdown()
        server.server_close()


def _configure(monkeypatch: pytest.MonkeyPatch, smtp_port: int, webhook: str, **more: object) -> None:
    settings = {"smtp_host": "127.0.0.1", "smtp_port": smtp_port, "mail_to": ["data@bekasikota.test"],
                "mail_from": "sentra@bekasikota.test", "dagster_ui_url": UI, "timeout_s": 5, **more}  # fmt: skip
    monkeypatch.setenv("SENTRA_ALERTS", json.dumps(settings))
    monkeypatch.setenv("SENTRA_ALERT_WEBHOOK_URL", webhook)


def _tick(sensor: dg.SensorDefinition, cursor: str | None = None) -> dg.SensorExecutionData:
    """One evaluation as the daemon does it; the first one of a run-status sensor only sets its cursor."""
    return sensor.evaluate_tick(dg.build_sensor_context(instance=instance(), cursor=cursor))


def _run(job: str, assets: list, tags: dict | None = None, resources: dict | None = None) -> dg.ExecuteInProcessResult:
    """Run `assets` as a job of that name (the sensors match Sentra's jobs by name)."""
    defs = dg.Definitions(assets=assets, jobs=[dg.define_asset_job(job, selection=dg.AssetSelection.all())],
                          resources=resources or {})  # fmt: skip
    return defs.resolve_job_def(job).execute_in_process(instance=instance(), tags=tags or {}, raise_on_error=False)


def _body(mail: EmailMessage) -> str:
    return mail.get_content().replace("\r\n", "\n")  # as sent: SMTP carries CRLF


def _tx(tid: str, at: str, amount: int = 1000, producer: str = "P1") -> list:
    return [tid, producer, at, amount, 1, "", "tunai"]


def test_a_blocking_check_on_a_whole_table_fails_the_run_and_alerts(
    write_landing, monkeypatch, mailbox: Mailbox, receiver: Receiver
) -> None:
    _configure(monkeypatch, mailbox.port, receiver.url)
    write_landing("producers", "p.csv", REGISTRY)
    ingest()
    # A registry correction, then a second writer undoes its supersede: two current versions of P1.
    write_landing("producers", "p2.csv", [[REGISTRY[0][0], "UD Boneka Ceria Baru", *REGISTRY[0][2:]]])
    raw_producers = [a for a in ASSETS if a.key == dg.AssetKey("raw_producers")]
    assert _run("ingest_job", raw_producers, resources=resources_now()).success
    con = connect(settings().warehouse_target)
    con.execute("UPDATE raw.producers SET _is_current = true")
    con.close()
    failures = _tick(sensors.run_failure_alert).cursor

    # The registry is one table, not periods: its blocking check stops the step and the run fails.
    failed = _run("ingest_job", [a for a in ASSETS if a.key == dg.AssetKey("stg_producers")], resources=resources_now())
    assert not failed.success
    failures = _tick(sensors.run_failure_alert, failures).cursor
    [mail] = mailbox.messages
    assert mail["Subject"] == f"[Sentra] FAILED ingest_job: stg_producers - run {failed.run_id[:8]}"
    assert mail["To"] == "data@bekasikota.test" and mail["From"] == "sentra@bekasikota.test"
    body = _body(mail)
    assert f"Run:        {failed.run_id}" in body and f"{UI}/runs/{failed.run_id}" in body
    # the step's error, its first line without Dagster's class path (the wording is the transform layer's)
    error = failed.get_step_failure_events()[0].step_failure_data.error.message
    first = error.splitlines()[0].removeprefix("dagster._core.definitions.events.Failure: ")
    assert "blocking check" in first and f"  - stg_producers: {first}\n" in body
    # the check's own name and words belong to the quality layer: read them from the run, not from here
    [check] = [e for e in failed.get_asset_check_evaluations() if not e.passed and e.blocking]
    observed = check.metadata["observed"].value
    assert f"  - stg_producers / {check.check_name} (ERROR, blocking): {observed}" in body
    [post] = receiver.posts
    assert post["path"] == "/hooks/T0K3N" and post["type"].startswith("application/json")
    hook = post["json"]
    assert (hook["event"], hook["job"], hook["run_id"]) == ("run_failed", "ingest_job", failed.run_id)
    assert hook["steps"] == [{"step": "stg_producers", "error": first}]
    assert hook["url"] == f"{UI}/runs/{failed.run_id}" and hook["text"] == body
    assert (check.check_name, True, observed) in [(c["check"], c["blocking"], c["observed"]) for c in hook["checks"]]
    assert _tick(sensors.run_failure_alert, failures).cursor and len(mailbox.messages) == 1  # alerted once


def test_a_held_day_does_not_fail_the_run_and_the_held_alert_names_it(
    write_landing, monkeypatch, mailbox: Mailbox, receiver: Receiver
) -> None:
    _configure(monkeypatch, mailbox.port, receiver.url)
    write_landing("producers", "p.csv", REGISTRY)
    write_landing("transactions", "t.csv", [_tx("a", "2025-03-01T10:00", 900), _tx("b", "2025-03-01T11:00", 100)])
    ingest()
    assert build("2025-03-01", "2025-03-01").success
    write_landing("transactions", "t2.csv", [_tx("b", "2025-03-01T11:00", 5000)])
    ingest()
    failures, held = _tick(sensors.run_failure_alert).cursor, _tick(sensors.publication_held_alert).cursor

    # The real daily job with a lowered ceiling: the staged day fails its blocking amount check and is held;
    # the run goes on (other days of a range would be written) and succeeds: no failure alert.
    daily = dg.Definitions(assets=ASSETS, jobs=[daily_job], resources={**resources_now(),
                           "quality": QualitySettings(amount_ceiling_idr=1000)})  # fmt: skip
    tags = range_tags(date(2025, 3, 1), date(2025, 3, 1), "day")
    run = daily.resolve_job_def("daily_job").execute_in_process(instance=instance(), tags=tags, raise_on_error=False)
    assert run.success
    _tick(sensors.run_failure_alert, failures)
    assert mailbox.messages == [] and receiver.posts == []

    # Publishing keeps the day's previous figures and says so: the held alert names the period and the check.
    cells_only = [a for a in ASSETS if a.key == dg.AssetKey("publish_cells")]
    published = _run(publish_job.name, cells_only, resources=resources_now())
    assert published.success
    [materialization] = published.get_asset_materialization_events()
    meta = materialization.step_materialization_data.materialization.metadata
    assert [(h["family"], h.get("period")) for h in meta["held_families"].value] == [("turnover", "2025-03-01")]
    _tick(sensors.publication_held_alert, held)
    [mail], [post] = mailbox.messages, [p["json"] for p in receiver.posts]
    assert mail["Subject"] == f"[Sentra] HELD publication of turnover - run {published.run_id[:8]}"
    assert "2025-03-01 (turnover): stg_transactions amount_under_ceiling: 1 of 2 rows unexpected" in _body(mail)
    assert (post["event"], post["job"], post["held"][0]["period"]) == ("publication_held", "publish_job", "2025-03-01")


@dg.asset(partitions_def=dg.DailyPartitionsDefinition("2025-01-01", timezone="Asia/Jakarta"),
          backfill_policy=dg.BackfillPolicy.single_run())  # fmt: skip
def breaks() -> None:
    raise ValueError("the source file is truncated\nsecond line of the error")


def test_the_webhook_still_goes_when_the_mail_server_is_down(monkeypatch, receiver: Receiver, capfd) -> None:
    _configure(monkeypatch, _free_port(), receiver.url)  # nothing listens there
    cursor = _tick(sensors.run_failure_alert).cursor
    tags = range_tags(date(2025, 1, 1), date(2025, 1, 31), "day")
    failed = _run(daily_job.name, [breaks], tags)
    assert _tick(sensors.run_failure_alert, cursor).cursor != cursor  # handled, not raised
    [post] = receiver.posts
    hook = post["json"]
    assert hook["partitions"] == "2025-01-01 … 2025-01-31" and hook["run_id"] == failed.run_id
    assert hook["steps"] == [{"step": "breaks", "error": "ValueError: the source file is truncated"}]
    logged = capfd.readouterr().err  # the sensor's log (the daemon keeps it with the tick)
    assert "NOT sent by mail 127.0.0.1" in logged and "ConnectionRefusedError" in logged


def test_the_mail_still_goes_when_the_webhook_fails_and_smtp_login_uses_the_secret(
    monkeypatch, mailbox: Mailbox, receiver: Receiver, capfd
) -> None:
    _configure(monkeypatch, mailbox.port, receiver.url.replace("/hooks/T0K3N", "/broken"), smtp_user="sentra")
    monkeypatch.setenv("SENTRA_SMTP_PASSWORD", "s3cret")
    cursor = _tick(sensors.run_failure_alert).cursor
    failed = _run("ingest_job", [breaks], {"dagster/partition": "2025-02-03"})
    _tick(sensors.run_failure_alert, cursor)
    assert mailbox.logins == [("sentra", "s3cret")]
    [mail] = mailbox.messages
    assert "Partitions: 2025-02-03" in _body(mail) and failed.run_id in _body(mail)
    logged = capfd.readouterr().err
    assert len(receiver.posts) == 1 and "NOT sent by webhook http://127.0.0.1" in logged
    assert "HTTPError: HTTP Error 500" in logged and "sent by mail" in logged
    assert "broken" not in logged and "s3cret" not in logged  # the URL's path (a token) and the password


def _silent_check_asset(partitions_def: dg.PartitionsDefinition) -> dg.AssetsDefinition:
    check = Check("producer_silent", "Producers that sold before and stopped.", severity="WARN", blocking=False)

    @dg.asset(name="daily_turnover", partitions_def=partitions_def, backfill_policy=dg.BackfillPolicy.single_run(),
              check_specs=[dg.AssetCheckSpec("producer_silent", asset="daily_turnover", blocking=False)])  # fmt: skip
    def _asset() -> Iterator[dg.AssetCheckResult | dg.MaterializeResult]:
        samples = [{"producer_id": "P2", "last_sale": "2025-01-02", "days_silent": 29}]
        yield from to_results([Outcome(check, date(2025, 1, 31), False, "1 producer silent for 14+ days",
                                       "every active producer sells within 14 days", samples)])  # fmt: skip
        yield dg.MaterializeResult()

    return _asset


def test_a_failed_silent_producer_check_in_a_daily_run_alerts(monkeypatch, mailbox: Mailbox, receiver) -> None:
    _configure(monkeypatch, mailbox.port, receiver.url)
    cursor = _tick(sensors.silent_producers_alert).cursor
    daily = _silent_check_asset(dg.DailyPartitionsDefinition("2025-01-01", timezone="Asia/Jakarta"))
    ok = _run(daily_job.name, [daily], range_tags(date(2025, 1, 31), date(2025, 1, 31), "day"))
    monthly = _silent_check_asset(dg.MonthlyPartitionsDefinition("2025-01-01", timezone="Asia/Jakarta"))
    assert ok.success and _run(monthly_job.name, [monthly], {"dagster/partition": "2025-01-01"}).success
    _tick(sensors.silent_producers_alert, cursor)
    [mail] = mailbox.messages  # the daily run only
    assert mail["Subject"] == "[Sentra] SILENT producers (1) in daily_job (2025-01-31)"
    body = _body(mail)
    assert "daily_turnover / producer_silent (WARN): 1 producer silent for 14+ days" in body
    assert "producer_id P2, last_sale 2025-01-02, days_silent 29" in body and f"{UI}/runs/{ok.run_id}" in body
    [post] = receiver.posts
    assert post["json"]["event"] == "producers_silent" and post["json"]["run_id"] == ok.run_id
    assert post["json"]["producers"] == [{"producer_id": "P2", "last_sale": "2025-01-02", "days_silent": "29"}]


def test_the_alerted_check_names_are_a_setting(monkeypatch, mailbox: Mailbox, receiver) -> None:
    _configure(monkeypatch, mailbox.port, receiver.url, silent_checks=["some_other_check"])
    cursor = _tick(sensors.silent_producers_alert).cursor
    daily = _silent_check_asset(dg.DailyPartitionsDefinition("2025-01-01", timezone="Asia/Jakarta"))
    assert _run(daily_job.name, [daily], range_tags(date(2025, 1, 31), date(2025, 1, 31), "day")).success
    _tick(sensors.silent_producers_alert, cursor)
    assert mailbox.messages == [] and receiver.posts == []


def _landing(data: Path, relative: str, at: datetime) -> None:
    path = data / "landing" / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("x\n")
    os.utime(path, (at.timestamp(), at.timestamp()))


def test_late_sources_alert_once_per_deadline(isolated: Path, monkeypatch, mailbox: Mailbox, receiver) -> None:
    _configure(monkeypatch, mailbox.port, receiver.url)
    _landing(isolated, "transactions/t-0302.csv", datetime(2025, 3, 3, 4, 0, tzinfo=WIB))  # for the 3rd's deadline
    _landing(isolated, "rejected/fx_rates/rates.csv", datetime(2025, 3, 3, 9, 0, tzinfo=WIB))  # refused, but came
    _landing(isolated, "rejected/fx_rates/rates.csv.error.txt", datetime(2025, 3, 4, 5, 0, tzinfo=WIB))
    _landing(isolated, "producers/p.csv", datetime(2024, 1, 1, tzinfo=WIB))  # no deadline: never late
    now = datetime(2025, 3, 4, 6, 0, tzinfo=WIB)  # a Tuesday
    monkeypatch.setattr(sensors, "clock", lambda: now)

    first = _tick(sensors.late_data_alert)
    assert first.skip_message == "alerted late: transactions, exports"
    subjects = [m["Subject"] for m in mailbox.messages]
    assert subjects == ["[Sentra] LATE transactions: no new file by 2025-03-04 05:00 WIB",
                        "[Sentra] LATE exports: no new file by 2025-03-04 00:00 WIB"]  # fmt: skip
    body = _body(mailbox.messages[0])
    assert "a file modified after 2025-03-03 05:00 WIB" in body and "t-0302.csv, modified 2025-03-03 04:00 WIB" in body
    assert [p["json"]["source"] for p in receiver.posts] == ["transactions", "exports"]
    assert receiver.posts[1]["json"]["newest_file"] is None and receiver.posts[1]["json"]["event"] == "data_late"

    again = _tick(sensors.late_data_alert, first.cursor)  # the same deadlines: no second alert
    assert again.skip_message == "no source newly late" and len(mailbox.messages) == 2

    now = datetime(2025, 3, 5, 6, 0, tzinfo=WIB)  # Wednesday: the next transactions deadline has passed too
    _landing(isolated, "fx_rates/rates-fixed.csv", datetime(2025, 3, 4, 11, 0, tzinfo=WIB))
    third = _tick(sensors.late_data_alert, again.cursor)
    assert third.skip_message == "alerted late: transactions" and len(mailbox.messages) == 3
    assert json.loads(third.cursor)["transactions"] == "2025-03-05T05:00:00+07:00"


def test_a_late_alert_that_reached_nobody_is_tried_again(isolated: Path, monkeypatch, receiver) -> None:
    _configure(monkeypatch, _free_port(), receiver.url.replace("/hooks/T0K3N", "/broken"),
               deadlines={"fx_rates": None, "exports": None})  # fmt: skip
    monkeypatch.setattr(sensors, "clock", lambda: datetime(2025, 3, 4, 6, 0, tzinfo=WIB))
    first = _tick(sensors.late_data_alert)
    assert first.skip_message == "no source newly late" and json.loads(first.cursor) == {}
    assert _tick(sensors.late_data_alert, first.cursor).skip_message == "no source newly late"
    assert len(receiver.posts) == 2  # tried on each tick


def test_deadlines_in_wib() -> None:
    weekday = Deadline(every="weekday", at=time(10, 0))
    monday_9 = datetime(2025, 3, 3, 9, 0, tzinfo=WIB)
    assert deadlines.latest(weekday, monday_9) == datetime(2025, 2, 28, 10, 0, tzinfo=WIB)  # Friday's
    assert deadlines.previous(weekday, datetime(2025, 2, 28, 10, 0, tzinfo=WIB)) == datetime(2025, 2, 27, 10, 0,
                                                                                             tzinfo=WIB)  # fmt: skip
    holiday = frozenset({date(2025, 2, 28)})
    assert deadlines.latest(weekday, monday_9, holiday) == datetime(2025, 2, 27, 10, 0, tzinfo=WIB)
    monthly = Deadline(every="month", day=4)
    assert deadlines.latest(monthly, datetime(2025, 3, 3, 23, 59, tzinfo=WIB)) == datetime(2025, 2, 4, tzinfo=WIB)
    assert deadlines.latest(monthly, datetime(2025, 1, 2, tzinfo=WIB)) == datetime(2024, 12, 4, tzinfo=WIB)
    daily = Deadline(every="day", at=time(5, 0))
    utc_evening = datetime(2025, 3, 3, 22, 30, tzinfo=ZoneInfo("UTC"))  # 05:30 WIB on the 4th
    assert deadlines.latest(daily, utc_evening) == datetime(2025, 3, 4, 5, 0, tzinfo=WIB)


def test_settings_off_by_default_and_errors_name_the_variable(monkeypatch) -> None:
    for name in ("SENTRA_ALERTS", "SENTRA_ALERT_WEBHOOK_URL", "SENTRA_SMTP_PASSWORD"):
        monkeypatch.delenv(name, raising=False)
    assert not from_environment().enabled
    assert _tick(sensors.late_data_alert).skip_message == OFF
    monkeypatch.setenv("SENTRA_ALERTS", '{"smtp_host": "mail", "mail_to": ["a@b.test"], "smtp_user": "u"}')
    with pytest.raises(ValueError, match="^SENTRA_SMTP_PASSWORD: not set"):
        from_environment()
    monkeypatch.setenv("SENTRA_ALERTS", '{"smtp_password": "x", "mail_to": ["a@b.test"]}')
    with pytest.raises(ValueError, match="^SENTRA_ALERTS: smtp_password: put the password in SENTRA_SMTP_PASSWORD"):
        from_environment()
    monkeypatch.setenv("SENTRA_ALERTS", '{"deadlines": {"transaction": null}}')
    with pytest.raises(ValueError, match="^SENTRA_ALERTS: deadlines: .*unknown source.s. transaction "):
        from_environment()
    monkeypatch.setenv("SENTRA_ALERTS", '{"deadlines": {"exports": null}}')
    monkeypatch.setenv("SENTRA_ALERT_WEBHOOK_URL", "https://chat.test/hooks/abc")
    alerts = from_environment()
    assert alerts.enabled and alerts.deadlines["exports"] is None and alerts.deadlines["transactions"] is not None
    assert alerts.channels() == "webhook https://chat.test/…"  # the token stays out of logs


def test_sample_rows_read_from_markdown_or_json() -> None:
    table = "| producer_id | days_silent |\n|---|---|\n| P1 | 9 |\n| P2 | 15 |"
    rows = [{"producer_id": "P1", "days_silent": "9"}, {"producer_id": "P2", "days_silent": "15"}]
    assert sensors._rows(table) == rows
    assert sensors._rows('[{"producer_id": "P1"}]') == [{"producer_id": "P1"}]
    assert sensors._rows([{"producer_id": "P1"}, "junk"]) == [{"producer_id": "P1"}]
    assert sensors._rows(None) == [] and sensors._rows("no table here") == []
