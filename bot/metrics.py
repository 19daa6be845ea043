"""Prometheus metrics, served at GET /metrics on the bot's HTTP port (app/web.py).

* `mentor_bot_http_requests_total{kind,status}` and `mentor_bot_ack_seconds{kind}`: what Slack saw, per
  request kind (command, action, view, event, other): the HTTP status and the time to acknowledge.
* `mentor_bot_requests_total{kind,outcome}` and `mentor_bot_request_seconds{kind}`: each handled request,
  listener work after the ack included; outcome is ok, refused (a kind "no"), slack_error, db_unavailable
  or error.
* `mentor_bot_slack_api_errors_total{method,error}`: every Web API call that failed (error is Slack's
  error code, `http_<status>`, `timeout` or `connection_error`).
* `mentor_bot_outbox_sends_total{outcome}`: the outbox sender's results (sent, reconciled, retry, failed,
  cancelled); `mentor_bot_outbox_messages{status}`: the outbox by status, counted when scraped;
  `mentor_bot_database_up`: whether that count could be read.
* `mentor_bot_job_runs_total{job,outcome}`: scheduled job runs.
"""

from __future__ import annotations

import logging
import time

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler
from sqlalchemy import func, select

from bot import logs

REGISTRY = CollectorRegistry(auto_describe=True)
_LATENCY = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 3.0, 5.0, 10.0, 30.0)

HTTP_REQUESTS = Counter("mentor_bot_http_requests", "Requests from Slack by kind and HTTP status",
                        ["kind", "status"], registry=REGISTRY)
ACK_SECONDS = Histogram("mentor_bot_ack_seconds", "Time to answer Slack's HTTP request", ["kind"],
                        buckets=_LATENCY, registry=REGISTRY)
REQUESTS = Counter("mentor_bot_requests", "Handled requests by kind and outcome", ["kind", "outcome"],
                   registry=REGISTRY)
REQUEST_SECONDS = Histogram("mentor_bot_request_seconds", "Time to handle a request, work after the ack included",
                            ["kind"], buckets=_LATENCY, registry=REGISTRY)
SLACK_ERRORS = Counter("mentor_bot_slack_api_errors", "Slack Web API calls that failed, by method and error",
                       ["method", "error"], registry=REGISTRY)
OUTBOX_SENDS = Counter("mentor_bot_outbox_sends", "Outbox sender results", ["outcome"], registry=REGISTRY)
JOB_RUNS = Counter("mentor_bot_job_runs", "Scheduled job runs by job and outcome", ["job", "outcome"],
                   registry=REGISTRY)

slack_log = logging.getLogger("mentor_bot.slack")


class MeteredWebClient(WebClient):
    """A WebClient that counts and logs (with the current request's team, user and action) every failed call."""

    def api_call(self, api_method: str, **kwargs):
        try:
            return super().api_call(api_method, **kwargs)
        except SlackApiError as exc:
            error = str(exc.response.get("error") or f"http_{exc.response.status_code}")
            _slack_failed(api_method, error, exc.response.status_code)
            raise
        except TimeoutError as exc:
            _slack_failed(api_method, "timeout", None, exc)
            raise
        except OSError as exc:
            reason = getattr(exc, "reason", None)
            _slack_failed(api_method, "timeout" if isinstance(reason, TimeoutError) else "connection_error", None, exc)
            raise


class CountedRateLimitRetry(RateLimitErrorRetryHandler):
    """Waits out a 429 (Retry-After) like slack-sdk's handler, and counts it: a rate limit that a retry
    got past is still one the metrics should show."""

    def prepare_for_next_attempt(self, *, state, request, response=None, error=None) -> None:
        method = (request.url or "").rstrip("/").rsplit("/", 1)[-1].split("?")[0]
        _slack_failed(method, "ratelimited", 429)
        super().prepare_for_next_attempt(state=state, request=request, response=response, error=error)


def _slack_failed(method: str, error: str, status: int | None, exc: BaseException | None = None) -> None:
    SLACK_ERRORS.labels(method, error).inc()
    slack_log.warning("slack call %s failed: %s", method, error,
                      extra=logs.fields(method=method, error=error, http_status=status,
                                        detail=type(exc).__name__ if exc else None))


def meter(client: WebClient) -> WebClient:
    """Bolt builds a plain WebClient per request; make it count its failures too (same state, same calls)."""
    if type(client) is WebClient:
        client.__class__ = MeteredWebClient
    return client


def observe_request(info: dict, outcome: str, started: float) -> float:
    seconds = time.monotonic() - started
    REQUESTS.labels(info["kind"], outcome).inc()
    REQUEST_SECONDS.labels(info["kind"]).observe(seconds)
    return seconds


def observe_http(kind: str, status: int, seconds: float) -> None:
    HTTP_REQUESTS.labels(kind, str(status)).inc()
    ACK_SECONDS.labels(kind).observe(seconds)


class _OutboxDepth:
    """The outbox by status, read with one GROUP BY when scraped."""

    def __init__(self, db):
        self.db = db

    def collect(self):
        from models import OutboxMessage
        from models.outbox import OUTBOX_STATUSES

        depth = GaugeMetricFamily("mentor_bot_outbox_messages", "Outbox messages by status", labels=["status"])
        up = GaugeMetricFamily("mentor_bot_database_up", "1 when the database answered the scrape's query")
        counts = {status: 0 for status in OUTBOX_STATUSES}
        try:
            with self.db.uow() as session:
                rows = session.execute(select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)).all()
            counts.update({status: n for status, n in rows})
            up.add_metric([], 1)
            for status, n in sorted(counts.items()):
                depth.add_metric([status], n)
            yield depth
        except Exception as exc:
            logging.getLogger("mentor_bot.metrics").warning("outbox depth unavailable: %s", logs.safe_exception(exc))
            up.add_metric([], 0)
        yield up


def exposition(db) -> bytes:
    """The text served at /metrics: the process's counters plus the outbox depth read now."""
    scrape = CollectorRegistry(auto_describe=False)
    scrape.register(_OutboxDepth(db))
    return generate_latest(REGISTRY) + generate_latest(scrape)


outbox_log = logging.getLogger("mentor_bot.outbox.sends")


def outbox_send(row, outcome: str, started: float | None, error: str | None = None) -> None:
    """One outbox row's result: counted, and one log line (kind and recipient id from its key, never its text)."""
    OUTBOX_SENDS.labels(outcome).inc()
    kind = (row.key or "").split(":", 1)[0]
    duration = round((time.monotonic() - started) * 1000, 1) if started is not None else None
    outbox_log.info("outbox %s %s", kind, outcome,
                    extra=logs.fields(kind="outbox", id=kind, recipient=row.recipient, outcome=outcome, error=error,
                                      attempts=row.attempts, duration_ms=duration))
