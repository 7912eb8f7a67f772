"""A bounded load run against a started sandbox: no 5xx, and memory flat once the journal is full.

The suite runs a shorter version (LOAD_REQUESTS); `bench/load.py` runs the full 20,000
requests at 64 connections with the same code. Figures are printed and written to
artifacts/load-test.json.
"""

from __future__ import annotations

import json
from collections.abc import Callable

from bench.load import measured_run, write
from tests.pressure.conftest import LiveServer

LOAD_REQUESTS = 6000
CONCURRENCY = 64
# After the warm-up the journal ring (500 entries), the contract memo and the chart cache
# are full; what may still move is allocator noise. 10 MiB is far below what keeping
# every request would cost (6,000 journal entries, responses of up to 100 records).
RSS_TOLERANCE_KIB = 10 * 1024


def test_load_has_no_server_errors_and_flat_memory(start_server: Callable[..., LiveServer]) -> None:
    server = start_server(journal_size=500, log_level="warning")
    result = measured_run(server.url, server.pid, LOAD_REQUESTS, CONCURRENCY, warmup=2000,
                          time_limit=90)
    write(result, "load-test.json")
    print("load:", json.dumps(result))
    assert result["requests"] == LOAD_REQUESTS, "the run hit its time limit"
    assert result["errors"] == 0
    assert result["server_errors"] == 0 and result["warmup_server_errors"] == 0
    assert result["statuses"] == {"200": LOAD_REQUESTS}
    assert result["rss_growth_kib"] < RSS_TOLERANCE_KIB, result
    journal = server.get_json("/_sandbox/requests?limit=1000")
    assert journal["total"] <= 500
    assert server.alive()
