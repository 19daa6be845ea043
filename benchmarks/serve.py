"""The serving process a benchmark measures: the real app (build_app) under waitress, as `mentor-bot serve` runs it
(one process, or `--workers N` forked after find's index is loaded), without the scheduler; or, with `--bare`,
the floor any Bolt bot pays: a Bolt app that checks the signature and acks `/mentor`, on the same server.

    python -m benchmarks.serve DATABASE_URL SLACK_API_URL SIGNING_SECRET TOKEN [--workers N] [--bare]

prints the port it listens on, then serves until SIGTERM (the runner reads the workers' memory first).
"""

from __future__ import annotations

import argparse
import logging
import signal
import sys
from contextlib import nullcontext

from app import workers as prefork

THREADS = 16


def bare_wsgi(secret: str, token: str, api_url: str):
    """A Bolt app that only checks the signature and acks the slash command: the floor."""
    from slack_bolt import App
    from slack_bolt.adapter.wsgi import SlackRequestHandler
    from slack_sdk import WebClient

    app = App(signing_secret=secret, client=WebClient(token=token, base_url=api_url), token_verification_enabled=False)

    @app.command("/mentor")
    def ack_only(ack):
        ack(response_type="ephemeral", text="ok")

    return SlackRequestHandler(app, path="/slack/events")


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("url")
    p.add_argument("api_url")
    p.add_argument("secret")
    p.add_argument("token")
    p.add_argument("--workers", type=int, default=1)
    p.add_argument("--bare", action="store_true")
    args = p.parse_args()
    if not args.bare:
        prefork.tune_memory()  # as `mentor-bot serve`
        from app import index_build
        from bot.flows import find

        # as `mentor-bot serve`: an index with no snapshot is built in a short-lived process of its own
        find.build_index_elsewhere(index_build.builder(args.url, "WARNING", "text"))
    logging.basicConfig(level=logging.WARNING)
    logging.getLogger("waitress.queue").setLevel(logging.ERROR)  # 50 commands at once queue on purpose
    with nullcontext() if args.bare else prefork.starting():  # as `mentor-bot serve`: no cyclic GC while starting
        from app.bolt import build_app
        from app.web import Server, make_wsgi
        from bot import migrate
        from bot.db import Database
        from bot.settings import Settings

        settings = Settings(slack_bot_token=args.token, slack_signing_secret=args.secret, slack_api_url=args.api_url,
                            database_url=args.url, program_name="Grow Together", scheduler_enabled=False,
                            web_threads=THREADS, _env_file=None)
        sock = prefork.listen("127.0.0.1", 0)
        print(sock.getsockname()[1], flush=True)
        if not args.bare:  # as `mentor-bot serve`: the database brought to the newest schema first (at head: one read)
            migrate.upgrade(args.url)

        def wsgi(db: Database):
            if args.bare:
                return bare_wsgi(args.secret, args.token, args.api_url)
            return make_wsgi(build_app(settings, db, verify_token=False), db)

        if args.workers <= 1:  # as `mentor-bot serve`: one process, find's index built in the background
            signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
            db = Database(args.url)
            server = Server(wsgi(db), sock=sock, threads=THREADS)
        elif not args.bare:  # as `mentor-bot serve --workers N`: the index loaded once, before forking
            from bot.flows import find
            from bot.flows.context import Context

            db = Database(args.url)
            find.load_index(Context(settings=settings, db=db))
            db.dispose()
    if args.workers <= 1:
        try:
            server.serve_forever()
        finally:
            db.dispose()
        return

    def worker(number: int) -> int:
        with nullcontext() if args.bare else prefork.starting():
            db = Database(args.url)
            server = Server(wsgi(db), sock=sock, threads=THREADS)
        server.serve_forever()
        return 0

    sys.exit(prefork.prefork(args.workers, worker))


if __name__ == "__main__":
    main()
