"""The `mentor-bot` command: serve, scheduler, socket, db upgrade, manifest, jobs list|run NAME,
workspace show|delete|move|resume."""

from __future__ import annotations

import _thread
import argparse
import json
import logging
import sys
import threading

from bot.settings import Settings, SettingsError, load_settings

log = logging.getLogger("mentor_bot")


def _setup_logging(settings: Settings, command: str) -> None:
    from bot import logs

    fmt = settings.log_format or ("json" if command in ("serve", "socket", "scheduler") else "text")
    logs.setup(settings.log_level, fmt)


def _start(settings: Settings, *, migrated: bool = False, index: bool = False):
    """Database at head, then the Bolt app: what both serving modes need (`index`: see _find_index)."""
    from bot import migrate
    from bot.db import Database

    settings.require_slack("slack_signing_secret")
    if not migrated:
        migrate.upgrade(settings.database_url)
    db = Database(settings.database_url)
    if index:
        _find_index(settings, db)
    from slack_bolt.error import BoltError

    from app.bolt import build_app

    try:
        return build_app(settings, db), db
    except BoltError as exc:
        raise SettingsError(f"Slack refused SLACK_BOT_TOKEN at {settings.slack_api_url}: {exc}") from None
    except OSError as exc:  # URLError, timeouts: Slack (SLACK_API_URL) cannot be reached
        raise SettingsError(f"cannot reach Slack at SLACK_API_URL={settings.slack_api_url}: {exc}") from None


def _find_index(settings: Settings, db) -> None:
    """find's index of a team with no snapshot yet (a first start) is built by a short-lived process of its own
    (app/index_build.py), not in this serving process, which would keep the build's peak memory for its whole life.
    That process starts now, as soon as the database is reachable and before this one imports the rest of the app
    (Bolt, the handlers), so it builds on another core meanwhile; find's warm-up then loads its snapshot."""
    from app import index_build
    from bot.services import match_index

    build = index_build.builder(settings.database_url, settings.log_level, settings.log_format or "json")
    if build is not None:
        try:
            build.start(match_index.teams_to_build(db))
        except Exception:  # (no schema, the database away for a moment): find's warm-up asks again
            log.warning("find's index: could not start its build early", exc_info=True)
    from bot.flows import find

    find.build_index_elsewhere(build)


def _background_scheduler(settings: Settings, db, args: argparse.Namespace):
    """The scheduled jobs and the outbox sender, in this process, unless turned off."""
    if not settings.scheduler_enabled or getattr(args, "no_scheduler", False):
        return None
    from jobs.scheduler import Scheduler

    scheduler = Scheduler(settings, db)
    scheduler.start()
    log.info("scheduler started (timezone %s)", settings.program_timezone)
    return scheduler


class _LateScheduler:
    """The scheduler started in a thread once the server is listening: Slack's requests are answered from the
    first moment, and importing and starting the jobs (none of which is due in the first seconds) waits for that."""

    def __init__(self, settings: Settings, db, args: argparse.Namespace):
        self._started: list = []

        def start() -> None:
            try:
                self._started.append(_background_scheduler(settings, db, args))
            except Exception:  # as when it started first: the process stops (and is restarted) rather than run without jobs
                log.exception("the scheduler could not start: stopping")
                _thread.interrupt_main()

        self._thread = threading.Thread(target=start, name="scheduler-start", daemon=True)
        self._thread.start()

    def shutdown(self) -> None:
        self._thread.join(timeout=30)
        if self._started and self._started[0] is not None:
            self._started[0].shutdown()


def cmd_serve(settings: Settings, args: argparse.Namespace) -> int:
    from app import workers as prefork

    prefork.tune_memory()
    workers = args.workers or settings.web_concurrency
    if workers > 1:
        return _serve_workers(settings, args, workers)
    with prefork.starting():
        # listening first: a request that comes while the app starts waits in the backlog rather than be refused
        sock = prefork.listen(args.host, args.port or settings.port)
        app, db = _start(settings, index=True)
        from app.web import Server, make_wsgi

        server = Server(make_wsgi(app, db), sock=sock, threads=settings.web_threads)
    log.info("mentor-bot listening on http://%s:%s/slack/events", args.host, sock.getsockname()[1])
    scheduler = _LateScheduler(settings, db, args)
    try:
        server.serve_forever()
    finally:
        scheduler.shutdown()
    return 0


def _serve_workers(settings: Settings, args: argparse.Namespace, workers: int) -> int:
    """`serve --workers N`: the schema migrated and find's index loaded once, then N forked workers on one port
    (app/workers.py); the first worker also runs the scheduler, unless it is turned off."""
    from app import workers as prefork
    from bot import migrate
    from bot.db import Database

    settings.require_slack("slack_signing_secret")
    with prefork.starting():  # (frozen before the fork: the workers share those pages)
        migrate.upgrade(settings.database_url)
        sock = prefork.listen(args.host, args.port or settings.port)  # (requests wait in its backlog meanwhile)
        db = Database(settings.database_url)
        _find_index(settings, db)
        from app import bolt  # noqa: F401  (imported once here, shared by the workers: not once in each after the fork)
        from app.web import Server, make_wsgi
        from bot.flows import find
        from bot.flows.context import Context

        find.load_index(Context(settings=settings, db=db))
        db.dispose()  # no connection crosses the fork
    log.info("mentor-bot listening on http://%s:%s/slack/events with %d workers", args.host, sock.getsockname()[1], workers)

    def worker(number: int) -> int:
        try:
            with prefork.starting():
                app, db = _start(settings, migrated=True)
                server = Server(make_wsgi(app, db), sock=sock, threads=settings.web_threads)
        except SettingsError as exc:
            print(f"mentor-bot: {exc}", file=sys.stderr)
            return 2
        scheduler = _LateScheduler(settings, db, args) if number == 0 else None
        try:
            server.serve_forever()
        finally:
            if scheduler is not None:
                scheduler.shutdown()
        return 0

    return prefork.prefork(workers, worker)


def cmd_scheduler(settings: Settings, args: argparse.Namespace) -> int:
    from bot import migrate
    from bot.db import Database
    from jobs.scheduler import Scheduler

    settings.require_slack()
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
    app, db = _start(settings, index=True)
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

    oauth = bool(args.oauth or (settings is not None and settings.oauth))
    print(json.dumps(build_manifest(args.url, name=args.name, socket_mode=args.socket, oauth=oauth,
                                    token_rotation=args.token_rotation), indent=2))
    if oauth:  # what to check on api.slack.com (OAuth & Permissions), after the JSON, on stderr
        from app.manifest import BOT_SCOPES, redirect_url

        print(f"Redirect URL: {redirect_url(args.url)}\nBot scopes: {','.join(BOT_SCOPES)}\n"
              f"Install page: {args.url.rstrip('/')}/slack/install", file=sys.stderr)
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

    settings.require_slack()
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


def cmd_workspace(settings: Settings, args: argparse.Namespace) -> int:
    """`mentor-bot workspace show|delete|move|resume`: a tenant's data, for the operator (issue 14)."""
    from bot import migrate
    from bot.db import Database
    from bot.flows import workspace
    from bot.flows.context import Context
    from bot.services.errors import DomainError

    migrate.upgrade(settings.database_url)
    db = Database(settings.database_url)
    ctx = Context(settings, db)
    try:
        if args.workspace_command == "move":
            moved = workspace.move(ctx, args.team, args.target)
            print(f"moved {sum(moved.values())} rows from {args.team} to {args.target}: {_tables(moved)}")
            return 0
        if args.workspace_command == "resume":
            print(f"{args.team}: installed again, {workspace.resume(ctx, args.team)} held messages will be sent")
            return 0
        counts = workspace.counts(ctx, args.team)
        if args.workspace_command == "show" or not args.yes:
            print(f"{args.team}: {sum(counts.values())} rows: {_tables(counts)}")
            if args.workspace_command == "delete":
                print("nothing deleted: add --yes to delete all of them (an audit entry records it)")
            return 0
        deleted = workspace.delete_workspace(ctx, args.team)
        print(f"deleted {sum(deleted.values())} rows of {args.team}: {_tables(deleted)}")
        return 0
    except DomainError as exc:
        print(f"mentor-bot: {exc.message}", file=sys.stderr)
        return 1
    finally:
        db.dispose()


def _tables(counts: dict[str, int]) -> str:
    return ", ".join(f"{name} {n}" for name, n in counts.items()) or "none"


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="mentor-bot", description="A Slack bot that runs a peer-mentoring program.")
    sub = p.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="run the bot in HTTP mode (POST /slack/events, GET /healthz)")
    serve.add_argument("--host", default="0.0.0.0")
    serve.add_argument("--port", type=int, default=None, help="default: PORT")
    serve.add_argument("--no-scheduler", action="store_true",
                       help="web only: run no scheduled jobs in this process (see `mentor-bot scheduler`)")
    serve.add_argument("--workers", type=int, default=None,
                       help="worker processes sharing the port, one per core (default: WEB_CONCURRENCY, 1)")
    sub.add_parser("scheduler", help="run only the scheduled jobs and the outbox sender (no HTTP)")
    socket = sub.add_parser("socket", help="run the bot in Socket Mode (needs SLACK_APP_TOKEN)")
    socket.add_argument("--no-scheduler", action="store_true", help="run no scheduled jobs in this process")
    db = sub.add_parser("db", help="database commands")
    db.add_argument("db_command", choices=["upgrade"])
    manifest = sub.add_parser("manifest", help="print the Slack app manifest (JSON)")
    manifest.add_argument("--url", default="https://mentor-bot.example.com", help="public base URL of the bot")
    manifest.add_argument("--name", default="mentor-bot")
    manifest.add_argument("--socket", action="store_true", help="manifest for Socket Mode (no request URLs)")
    manifest.add_argument("--oauth", action="store_true",
                          help="for OAuth mode (the default when SLACK_CLIENT_ID etc. are set): redirect URL, org-wide")
    manifest.add_argument("--token-rotation", action="store_true", help="OAuth mode: Slack's expiring, rotating tokens")
    jobs = sub.add_parser("jobs", help="scheduled jobs")
    jobs_sub = jobs.add_subparsers(dest="jobs_command", required=True)
    jobs_sub.add_parser("list", help="name every job and its schedule")
    run = jobs_sub.add_parser("run", help="run one job once, now")
    run.add_argument("name")
    space = sub.add_parser("workspace", help="a workspace's (or Grid org's) data: show, delete, move, resume")
    space_sub = space.add_subparsers(dest="workspace_command", required=True)
    show = space_sub.add_parser("show", help="count the rows kept for TEAM (a team id, or an enterprise id)")
    show.add_argument("team")
    delete = space_sub.add_parser("delete", help="delete everything kept for TEAM (audited); needs --yes")
    delete.add_argument("team")
    delete.add_argument("--yes", action="store_true", help="really delete (without it: only count)")
    move = space_sub.add_parser("move", help="move a workspace's rows into its org's program (org-wide install)")
    move.add_argument("team", help="the workspace's team id (T...)")
    move.add_argument("target", help="the org's enterprise id (E...)")
    resume = space_sub.add_parser("resume", help="single-token mode: the bot is back in TEAM, send its held messages")
    resume.add_argument("team")
    return p


COMMANDS = {"serve": cmd_serve, "scheduler": cmd_scheduler, "socket": cmd_socket, "db": cmd_db, "manifest": cmd_manifest,
            "jobs": cmd_jobs, "workspace": cmd_workspace}


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
