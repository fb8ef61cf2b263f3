"""What the benchmarks share: databases, a sandbox in its own process, figures, the JSON line.

Every bench prints its figures as ONE JSON object on its last line (`emit`). The sandbox runs
in a child process (`python -m bench.common sandbox`) so that the emulator's CPU does not eat
into the measured process on a 2-core machine.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import shutil
import statistics
import sys
import tempfile
import uuid
from collections.abc import AsyncIterator, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
TOKEN = "123456:bench-token"
PG_SERVER = os.environ.get("ORDERBOT_BENCH_PG",
                           "postgresql+asyncpg://postgres@127.0.0.1:5432/test")


def emit(figures: dict[str, Any]) -> None:
    """The result: one JSON object, the last line of stdout."""
    print(json.dumps(figures, sort_keys=False), flush=True)


def note(text: str) -> None:
    """Progress for humans, on stderr (stdout's last line is the JSON)."""
    print(text, file=sys.stderr, flush=True)


def quiet() -> None:
    """Only errors: a refused tap or a failed callback answer is logged at INFO/WARNING."""
    logging.basicConfig(level=logging.ERROR)
    for name in ("orderbot", "apscheduler", "aiogram", "telegram", "httpx", "alembic",
                 "sqlalchemy"):
        logging.getLogger(name).setLevel(logging.ERROR)


def percentile(values: Sequence[float], share: float) -> float:
    """Nearest-rank percentile (share in 0..1); 0 for no values."""
    if not values:
        return 0.0
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(share * len(ordered) + 0.5) - 1))
    return ordered[index]


def median(values: Sequence[float]) -> float:
    return statistics.median(values) if values else 0.0


# --- databases ---------------------------------------------------------------------------

async def migrate(url: str) -> None:
    """Alembic runs its own event loop: keep it off ours."""
    from bot.storage.migrate import upgrade

    await asyncio.to_thread(upgrade, url)


@contextlib.asynccontextmanager
async def sqlite_database() -> AsyncIterator[str]:
    """A migrated SQLite file in a temporary directory, removed after."""
    folder = tempfile.mkdtemp(prefix="orderbot_bench_")
    url = f"sqlite+aiosqlite:///{folder}/bench.db"
    try:
        await migrate(url)
        yield url
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _pg_url(database: str, driver: str) -> str:
    from sqlalchemy.engine import make_url

    url = make_url(PG_SERVER).set(drivername=driver, database=database)
    return url.render_as_string(hide_password=False)


async def _pg_admin(statement: str) -> None:
    import asyncpg

    conn = await asyncpg.connect(_pg_url("postgres", "postgresql"), timeout=5)
    try:
        await conn.execute(statement)
    finally:
        await conn.close()


@contextlib.asynccontextmanager
async def postgres_database() -> AsyncIterator[str]:
    """A migrated database `orderbot_bench_<random>` on the server, dropped after."""
    name = f"orderbot_bench_{uuid.uuid4().hex[:10]}"
    await _pg_admin(f'CREATE DATABASE "{name}"')
    try:
        url = _pg_url(name, "postgresql+asyncpg")
        await migrate(url)
        yield url
    finally:
        await _pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def database(kind: str) -> contextlib.AbstractAsyncContextManager[str]:
    return postgres_database() if kind == "postgres" else sqlite_database()


def settings(database_url: str, api_base_url: str, framework: str = "aiogram",
             **extra: Any) -> Any:
    from bot.config import Settings

    # Quiet hours off: a benchmark's notes are due now whatever the hour it runs at.
    values: dict[str, Any] = {"quiet_hours": ""} | extra
    return Settings(bot_token=TOKEN, framework=framework, api_base_url=api_base_url,
                    database_url=database_url, default_language="en", moderator_ids=(),
                    **values)


# --- the sandbox in a child process ---------------------------------------------------------

@contextlib.asynccontextmanager
async def sandbox_process(limits: bool = False) -> AsyncIterator[str]:
    """Start `python -m bench.common sandbox`; yield its base URL; stop it after."""
    args = [sys.executable, "-m", "bench.common", "sandbox"] + (["--limits"] if limits else [])
    child = await asyncio.create_subprocess_exec(*args, cwd=str(ROOT),
                                                 stdout=asyncio.subprocess.PIPE)
    try:
        assert child.stdout is not None
        line = await asyncio.wait_for(child.stdout.readline(), timeout=20)
        base_url = line.decode().strip()
        if not base_url.startswith("http"):
            raise RuntimeError(f"the sandbox did not start: {line!r}")
        yield base_url
    finally:
        with contextlib.suppress(ProcessLookupError):
            child.terminate()
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(child.wait(), timeout=5)
        if child.returncode is None:
            child.kill()
            await child.wait()


async def _serve_sandbox(limits: bool) -> None:
    from bot.sandbox.server import SandboxServer

    server = SandboxServer(limits=limits, bot_token=TOKEN)
    print(await server.start(), flush=True)
    try:
        await asyncio.Event().wait()
    finally:
        await server.stop()


def main(argv: list[str]) -> None:
    if argv[:1] == ["sandbox"]:
        with contextlib.suppress(KeyboardInterrupt):
            asyncio.run(_serve_sandbox("--limits" in argv))
        return
    raise SystemExit("usage: python -m bench.common sandbox [--limits]")


if __name__ == "__main__":
    main(sys.argv[1:])
