"""The `mentor-bot` command: serve, scheduler, socket, db upgrade, manifest, jobs list|run NAME."""

from __future__ import annotations

import argparse
import json
import logging
import sys

from bot.settings import Settings, SettingsError, load_settings

log = logging.getLogger("mentor_bot")


def _setup_logging(settings: Settings, command: str) -> None:
    from bot import logs

    fmt = settings.log_format or ("json" if command in ("serve", "socket", "scheduler") else "text")
    logs.setup(settings.log_level, fmt)


def _start(settings: Settings):
    """Database at head, then the Bolt app: what both serving modes need."""
    from slack_bolt.error import BoltError

    from app.bolt import build_app
    from bot import migrate
    from bot.db import Database

    settings.require("slack_bot_token", "slack_signing_secret")
    migrate.upgrade(settings.database_url)
    db = Database(settings.database_url)
    try:
        return build_app(settings, db), db
    except BoltError as exc:
        raise SettingsError(f"Slack refused SLACK_BOT_TOKEN at {settings.slack_api_url}: {exc}") from None
    except OSError as exc:  # URLError, timeouts: Slack (SLACK_API_URL) cannot be reached
        raise SettingsError(f"cannot reach Slack at SLACK_API_URL={settings.slack_api_url}: {exc}") from None


def _background_scheduler(settings: Settings, db, args: argparse.Namespace):
    """The scheduled jobs and the outbox sender, in this process, unless turned off."""
    if not settings.scheduler_enabled or getattr(args, "no_scheduler", False):
        return None
    from jobs.scheduler import Scheduler

    scheduler = Scheduler(settings, db)
    scheduler.start()
    log.info("scheduler started (timezone %s)", settings.program_timezone)
    return scheduler


def cmd_serve(settings: Settings, args: argparse.Namespace) -> int:
    from app.web import Server, make_wsgi

    app, db = _start(settings)
    server = Server(make_wsgi(app, db), host=args.host, port=args.port or settings.port, threads=settings.web_threads)
    scheduler = _background_scheduler(settings, db, args)
    log.info("mentor-bot listening on http://%s:%s/slack/events", args.host, server.port)
    try:
        server.serve_forever()
    finally:
        if scheduler is not None:
            scheduler.shutdown()
    return 0


def cmd_scheduler(settings: Settings, args: argparse.Namespace) -> int:
    from bot import migrate
    from bot.db import Database
    from jobs.scheduler import Scheduler

    settings.require("slack_bot_token")
    migrate.upgrade(settings.database_url)
    db = Database(settings.database_url)
    log.info("mentor-bot scheduler started (timezone %s)", settings.program_timezone)
    scheduler = Scheduler(settings, db, blocking=True)
    try:
        scheduler.start()
    finally:
        scheduler.shutdown()
    return 0


def cmd_socket(settings: Settings, args: argparse.Namespace) -> int:
    from slack_bolt.adapter.socket_mode import SocketModeHandler

    settings.require("slack_app_token")
    app, db = _start(settings)
    scheduler = _background_scheduler(settings, db, args)
    log.info("mentor-bot connecting to Slack in Socket Mode")
    try:
        SocketModeHandler(app, settings.slack_app_token).start()
    finally:
        if scheduler is not None:
            scheduler.shutdown()
    return 0


def cmd_db(settings: Settings, args: argparse.Namespace) -> int:
    from bot import migrate

    migrate.upgrade(settings.database_url)
    print("database is at the newest schema")
    return 0


def cmd_manifest(settings: Settings | None, args: argparse.Namespace) -> int:
    from app.manifest import build_manifest

    print(json.dumps(build_manifest(args.url, name=args.name, socket_mode=args.socket), indent=2))
    return 0


def _schedules(settings: Settings) -> dict[str, str]:
    """The job schedules in effect (set with `/mentor admin`), or {} when there is no database to ask."""
    import os

    from bot.db import Database
    from jobs.scheduler import schedules

    url = settings.database_url
    if url.startswith("sqlite:///") and not os.path.exists(url.removeprefix("sqlite:///")):
        return {}  # no database yet: don't create one just to list the jobs
    db = Database(url)
    try:
        return schedules(settings, db) or {}
    finally:
        db.dispose()


def cmd_jobs(settings: Settings, args: argparse.Namespace) -> int:
    from jobs import JOBS
    from jobs.scheduler import next_run, run_job

    if args.jobs_command == "list":
        lines = _schedules(settings)  # as admins set them in Slack, else CRON_<JOB>
        width = max(len(name) for name in JOBS)
        print(f"{'JOB':<{width}} {'SCHEDULE':<16} {'NEXT RUN (' + settings.program_timezone + ')':<26} WHAT IT DOES")
        for job in JOBS.values():
            line = lines.get(job.name) or settings.cron(job.name)
            nxt = next_run(settings, job.name, line=line)
            when = f"{nxt:%Y-%m-%d %H:%M %a}" if nxt else "never"
            print(f"{job.name:<{width}} {line:<16} {when:<26} {job.description}")
        return 0
    job = JOBS.get(args.name)
    if job is None:
        print(f"mentor-bot: no job named {args.name!r}; `mentor-bot jobs list` names them", file=sys.stderr)
        return 2
    from bot import migrate
    from bot.db import Database

    settings.require("slack_bot_token")
    migrate.upgrade(settings.database_url)
    db = Database(settings.database_url)
    try:
        print(f"{job.name}: {run_job(settings, db, job.name)}")
    except Exception as exc:
        print(f"mentor-bot: job {job.name} failed: {exc}", file=sys.stderr)
        return 1
    finally:
        db.dispose()
    return 0


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="mentor-bot", description="A Slack bot that runs a peer-mentoring program.")
    sub = p.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="run the bot in HTTP mode (POST /slack/events, GET /healthz)")
    serve.add_argument("--host", default="0.0.0.0")
    serve.add_argument("--port", type=int, default=None, help="default: PORT")
    serve.add_argument("--no-scheduler", action="store_true",
                       help="web only: run no scheduled jobs in this process (see `mentor-bot scheduler`)")
    sub.add_parser("scheduler", help="run only the scheduled jobs and the outbox sender (no HTTP)")
    socket = sub.add_parser("socket", help="run the bot in Socket Mode (needs SLACK_APP_TOKEN)")
    socket.add_argument("--no-scheduler", action="store_true", help="run no scheduled jobs in this process")
    db = sub.add_parser("db", help="database commands")
    db.add_argument("db_command", choices=["upgrade"])
    manifest = sub.add_parser("manifest", help="print the Slack app manifest (JSON)")
    manifest.add_argument("--url", default="https://mentor-bot.example.com", help="public base URL of the bot")
    manifest.add_argument("--name", default="mentor-bot")
    manifest.add_argument("--socket", action="store_true", help="manifest for Socket Mode (no request URLs)")
    jobs = sub.add_parser("jobs", help="scheduled jobs")
    jobs_sub = jobs.add_subparsers(dest="jobs_command", required=True)
    jobs_sub.add_parser("list", help="name every job and its schedule")
    run = jobs_sub.add_parser("run", help="run one job once, now")
    run.add_argument("name")
    return p


COMMANDS = {"serve": cmd_serve, "scheduler": cmd_scheduler, "socket": cmd_socket, "db": cmd_db, "manifest": cmd_manifest,
            "jobs": cmd_jobs}


def _stop_on_sigterm() -> None:
    """A container's stop (SIGTERM) unwinds like Ctrl-C: the scheduler stops and hands over leadership."""
    import signal

    def stop(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    if args.command in ("serve", "socket", "scheduler"):
        _stop_on_sigterm()
    try:
        settings = load_settings()
        _setup_logging(settings, args.command)
        return COMMANDS[args.command](settings, args)
    except SettingsError as exc:
        print(f"mentor-bot: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
