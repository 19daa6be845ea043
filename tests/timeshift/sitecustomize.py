"""Moves the wall clock of every Python process that starts with this folder on PYTHONPATH.

`.ci/run` runs the suite a second time with ``PYTHONPATH=tests/timeshift`` and ``MENTOR_CLOCK_SHIFT_DAYS=400``:
pytest, its xdist workers and every process a test starts (``mentor-bot serve``, ``jobs run``, ...) then see a
date 400 days ahead, with the clock ticking, so a test that secretly depends on today's date fails today.
(libfaketime is no good for this: it makes ``time.sleep`` fail or hang.) Without the variable it does nothing.
"""

import os
from datetime import UTC

_days = os.environ.get("MENTOR_CLOCK_SHIFT_DAYS")
if _days:
    from datetime import datetime, timedelta

    import time_machine

    _travel = time_machine.travel(datetime.now(UTC) + timedelta(days=float(_days)), tick=True)
    _travel.start()
