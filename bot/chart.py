"""The digest's picture: meetings per week (bars) and active partnerships at each week's end (line), as PNG bytes.

Pure: numbers in, bytes out. Uses matplotlib's object API with the Agg canvas (no pyplot, no global state, no
display), so it is safe in the scheduler's threads. matplotlib is imported by the first chart, not at start-up:
serving never draws one.
"""

from __future__ import annotations

import io
from datetime import date

SIZE = (8, 3.5)  # inches
DPI = 100
BAR = "#4C78A8"
LINE = "#F58518"


def weekly_chart(title: str, weeks: list[date], meetings: list[int], active: list[int]) -> bytes:
    """`weeks` are the Mondays the weeks start on, oldest first; `meetings` and `active` match them."""
    if not (len(weeks) == len(meetings) == len(active)):
        raise ValueError("weeks, meetings and active must have the same length")
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    fig = Figure(figsize=SIZE, dpi=DPI)
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    x = list(range(len(weeks)))
    bars = ax.bar(x, meetings, color=BAR, width=0.7, label="Meetings logged in the week")
    ax.set_ylabel("Meetings")
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_ylim(0, max([*meetings, 1]) * 1.2)
    ax.set_xticks(x, [f"{d.day} {d:%b}" for d in weeks], fontsize=8)
    ax.set_xlabel("Week starting")
    ax.spines[["top"]].set_visible(False)

    ax2 = ax.twinx()
    (line,) = ax2.plot(x, active, color=LINE, marker="o", linewidth=2, label="Active partnerships at week's end")
    ax2.set_ylabel("Active partnerships")
    ax2.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax2.set_ylim(0, max([*active, 1]) * 1.2)
    ax2.spines[["top"]].set_visible(False)

    fig.suptitle(title, fontsize=11)
    ax.legend([bars, line], [bars.get_label(), line.get_label()], loc="lower center", bbox_to_anchor=(0.5, 1.0),
              ncol=2, fontsize=8, frameon=False)
    fig.tight_layout()
    out = io.BytesIO()
    fig.savefig(out, format="png", dpi=DPI, metadata={"Software": None})
    return out.getvalue()
