"""The serving process a benchmark measures: the real app (build_app) under waitress, as `mentor-bot serve`
runs it, without the scheduler. Started by the runner as a child process so its memory is its own.

    python -m benchmarks.serve DATABASE_URL SLACK_API_URL SIGNING_SECRET TOKEN

prints the port it listens on, then serves until its stdin closes.
"""

from __future__ import annotations

import logging
import sys

from app.bolt import build_app
from app.web import Server, make_wsgi
from bot.db import Database
from bot.settings import Settings


def main() -> None:
    url, api_url, secret, token = sys.argv[1:5]
    logging.basicConfig(level=logging.WARNING)
    logging.getLogger("waitress.queue").setLevel(logging.ERROR)  # 50 commands at once queue on purpose
    settings = Settings(slack_bot_token=token, slack_signing_secret=secret, slack_api_url=api_url,
                        database_url=url, program_name="Grow Together", scheduler_enabled=False, _env_file=None)
    db = Database(url)
    app = build_app(settings, db, verify_token=False)
    server = Server(make_wsgi(app, db), host="127.0.0.1", port=0, threads=max(16, settings.web_threads))
    server.start_background()
    print(server.port, flush=True)
    sys.stdin.read()  # the runner closes our stdin to stop us
    server.stop()
    db.dispose()


if __name__ == "__main__":
    main()
