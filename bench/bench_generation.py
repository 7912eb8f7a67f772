"""How long chart generation takes.

    .venv/bin/python bench/bench_generation.py [--seed N] [--patients N]

Prints the median time to build the full chart of a new generated patient (cold cache,
distinct patients), the time for the large persona, and the cost of slicing a deep page
versus the first page out of a cached chart. Target: a new patient's chart under 50 ms.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sandbox.data.chart import Charts  # noqa: E402
from sandbox.identity import PatientRef  # noqa: E402

AS_OF = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)
LARGE = "ruth.large@example.com"


def ms(seconds: float) -> str:
    return f"{seconds * 1000:8.2f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--patients", type=int, default=20)
    args = parser.parse_args()
    charts = Charts(args.seed, ROOT / "fixtures", AS_OF, cache_size=4096)
    charts.chart(PatientRef.from_email(args.seed, "warm.up@example.org"))  # imports, Faker

    times, cpu, sizes = [], [], []
    for i in range(args.patients):
        ref = PatientRef.from_email(args.seed, f"bench.{i}@example.org")
        start, start_cpu = time.perf_counter(), time.process_time()
        chart = charts.chart(ref)
        times.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
        sizes.append(sum(len(v) for v in chart.records.values()))
    print(f"new generated patient, cold (median of {args.patients}): {ms(statistics.median(times))}"
          f"   (cpu {ms(statistics.median(cpu))})   max {ms(max(times))}"
          f"   median records {statistics.median(sizes):.0f}")

    ref = PatientRef.from_email(args.seed, LARGE)
    start, start_cpu = time.perf_counter(), time.process_time()
    large = charts.chart(ref)
    cold, cold_cpu = time.perf_counter() - start, time.process_time() - start_cpu
    total = sum(len(v) for v in large.records.values())
    print(f"large persona ({LARGE}), cold:          {ms(cold)}   (cpu {ms(cold_cpu)})"
          f"   records {total}")

    labs = large.records["labs"]
    rounds = 2000

    def page(offset: int) -> float:
        start = time.perf_counter()
        for _ in range(rounds):
            chart = charts.chart(ref)  # cache hit
            chart.records["labs"][offset:offset + 100]
        return (time.perf_counter() - start) / rounds

    first, deep = page(0), page(max(0, len(labs) - 100))
    print(f"cached chart, labs first page (limit 100):   {first * 1e6:8.2f} us")
    print(f"cached chart, labs last page (offset {len(labs) - 100}): {deep * 1e6:8.2f} us")


if __name__ == "__main__":
    main()
