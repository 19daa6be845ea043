"""What every use case is given: the settings and the database."""

from __future__ import annotations

from dataclasses import dataclass

from bot.db import Database
from bot.settings import Settings


@dataclass
class Context:
    settings: Settings
    db: Database
