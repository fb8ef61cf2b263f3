"""Each benchmark, run as its command on tiny sizes: its last line is one JSON object with the
issue's keys, and what it counts is right (the figures themselves are measured, not tested)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
REDIS_URL = os.environ.get("ORDERBOT_TEST_REDIS", "redis://127.0.0.1:6379/0")


def run_bench(script: str, *args: str) -> dict[str, Any]:
    done = subprocess.run([sys.executable, str(ROOT / "bench" / script), *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=110, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    last = done.stdout.strip().splitlines()[-1]
    figures = json.loads(last)
    assert isinstance(figures, dict)
    return figures


def test_updates_reports_rates_and_latencies_with_the_sender_running() -> None:
    # Long enough (about a second of real passes) for the sender, paced at 1 s per chat, to
    # deliver during them.
    figures = run_bench("updates.py", "--n", "300", "--orders", "20", "--warmup", "5")
    assert {"updates_per_s", "p50_ms", "p99_ms", "noop_updates_per_s", "ratio",
            "answer_only_updates_per_s", "answer_only_ratio"} <= set(figures)
    assert figures["n"] == 300
    assert 0 < figures["p50_ms"] <= figures["p99_ms"]
    assert figures["outbox_sent_while_measured"] > 0


# Half the scripts' tests run PTB, whose import costs a tenth of aiogram's (three seconds of
# CPU); the scripts default to aiogram, which the others run.
def test_statements_counts_each_kind_of_update() -> None:
    figures = run_bench("statements.py", "--n", "60", "--orders", "5", "--warmup", "2",
                        "--framework", "ptb")
    assert figures["updates"] == 62  # the measured updates and the warm-up's
    kinds = figures["per_kind"]
    assert {"/help", "/profile", "star:", "card:"} <= set(kinds)
    # every update reads its inbox row and person at least; a star tap also stores a rating
    assert all(count >= 2 for count in kinds.values())
    assert kinds["star:"] > kinds["/help"]
    assert figures["statements_per_update"] > 2


@pytest.mark.parametrize("redis", [False, True], ids=["limits-in-process", "limits-in-redis"])
def test_delivery_delivers_every_message_once(redis: bool) -> None:
    shared = ["--redis", REDIS_URL, "--framework", "ptb"] if redis else []
    figures = run_bench("delivery.py", "--messages", "20", "--groups", "4", "--privates", "4",
                        "--heavy-groups", "1", "--heavy-group-messages", "4",
                        "--heavy-privates", "1", "--heavy-private-messages", "4", *shared)
    assert {"messages", "seconds", "share_of_limit", "responses_429", "lost",
            "duplicates"} <= set(figures)
    assert figures["limits_in"] == ("redis" if redis else "process")
    assert figures["framework"] == ("ptb" if redis else "aiogram")
    assert (figures["messages"], figures["lost"], figures["duplicates"]) == (20, 0, 0)
    assert (figures["minimum_seconds"], figures["minimum_exact"]) == (3, True)
    assert figures["seconds"] >= 3 and "error" not in figures


def test_scheduler_reports_startup_memory_lateness_and_catchup() -> None:
    figures = run_bench("scheduler.py", "--pending", "200", "--due", "5", "--window", "1",
                        "--overdue", "10", "--grace", "2")
    assert {"pending", "startup_s", "peak_rss_mb", "lateness_p50_s", "lateness_p99_s",
            "catchup_s"} <= set(figures)
    assert figures["pending"] == 200 and figures["peak_rss_mb"] > 0


# On PostgreSQL; SQLite's run is tests/delivery/test_crash.py, the same kills and checks.
@pytest.mark.parametrize("db", [pytest.param("postgres", marks=pytest.mark.postgres)])
def test_crash_loses_nothing_and_every_duplicate_was_in_flight_at_a_kill(db: str) -> None:
    figures = run_bench("crash.py", "--kills", "1", "--notes", "30", "--max-after", "0.2",
                        "--seed", "1", "--timeout", "100", "--db", db, "--framework", "ptb")
    assert {"kills", "lost", "duplicates"} <= set(figures)
    assert "error" not in figures
    assert (figures["kills"], figures["lost"], figures["duplicates_unexplained"]) == (1, 0, 0)
    assert (figures["last_child_exit"], figures["db"], figures["framework"]) == (0, db, "ptb")
