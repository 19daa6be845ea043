"""`python -m benchmarks`: run the benchmarks and print a Markdown table (see README, "Benchmarks").

    .venv/bin/python -m benchmarks --sizes 1k,10k,100k --db sqlite,postgresql           # find, acks, digest, memory
    .venv/bin/python -m benchmarks --only fanout --db sqlite,postgresql                  # 10,000 DMs at 600/min (~17 min)
    .venv/bin/python -m benchmarks --quick                                                # a minute or two, for development
"""

from __future__ import annotations

import argparse
import os
import platform
import sys

from benchmarks.run import SIZES, bench_fanout, bench_size, now_utc, table


def machine() -> str:
    cpu = next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name")),
               platform.processor())
    mem = next(int(line.split()[1]) for line in open("/proc/meminfo") if line.startswith("MemTotal"))
    return f"{os.cpu_count()} CPU ({cpu}), {mem / 1024 / 1024:.0f} GB RAM, Python {platform.python_version()}"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1k,10k,100k", help="org sizes: 1k, 10k, 100k, 500k (default 1k,10k,100k)")
    parser.add_argument("--db", default="sqlite,postgresql",
                        help="backends (PostgreSQL at BENCH_DATABASE_URL, default postgresql://postgres@127.0.0.1:5432/bench)")
    parser.add_argument("--only", default="sizes,fanout,pairing", help="which parts: sizes, flood, fanout, pairing, circles")
    parser.add_argument("--fanout-people", type=int, default=10_000, help="people asked in the fan-out (default 10000)")
    parser.add_argument("--samples", type=int, default=300, help="find and no-op commands timed per size")
    parser.add_argument("--rounds", type=int, default=6, help="bursts of 50 commands at once, per app and worker count")
    parser.add_argument("--flood-size", default="100k", help="the org the flood runs against (default 100k)")
    parser.add_argument("--workers", default="1,2", help="worker processes to serve with, each in turn (default 1,2)")
    parser.add_argument("--reuse", action="store_true",
                        help="development: keep the generated orgs between runs (SQLite files, the PostgreSQL database)")
    parser.add_argument("--quick", action="store_true", help="1k and 10k only, fewer samples, a 1,200-people fan-out")
    args = parser.parse_args(argv)
    if args.quick:
        args.sizes, args.samples, args.rounds, args.fanout_people = "1k,10k", 100, 2, 1_200
    backends = [b.strip() for b in args.db.split(",") if b.strip()]
    parts = {p.strip() for p in args.only.split(",")}

    def log(line: str) -> None:
        print(line, file=sys.stderr, flush=True)

    log(f"{now_utc()}: {machine()}")
    rows = []
    if "sizes" in parts:
        for backend in backends:
            for size in [s.strip() for s in args.sizes.split(",") if s.strip()]:
                if size not in SIZES:
                    parser.error(f"unknown size {size!r}: use {', '.join(SIZES)}")
                log(f"{backend} {size}")
                rows.append(bench_size(backend, size, samples=args.samples, rounds=args.rounds, log=log,
                                       reuse=args.reuse, workers=tuple(int(w) for w in args.workers.split(","))))
    if "flood" in parts:
        from benchmarks.flood import bench_flood

        for backend in backends:
            rows.append(bench_flood(backend, args.flood_size, log))
    if "fanout" in parts:
        for backend in backends:
            rows.append(bench_fanout(backend, args.fanout_people, log=log))
    if "pairing" in parts:
        try:
            from benchmarks.pairing import bench_pairing
        except ImportError as exc:
            log(f"pairing: skipped ({exc})")
        else:
            for backend in backends:
                rows.append(bench_pairing(backend, log=log))
    circles = ""
    if "circles" in parts:  # pure, in memory: no backend
        from benchmarks.circles import bench_circles

        circles = bench_circles(log)
    print(f"\n{now_utc()} on {machine()}\n")
    print(table(rows))
    print(circles)


if __name__ == "__main__":
    main()
