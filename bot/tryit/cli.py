"""`orderbot try`: serve the page until Ctrl-C, then stop everything."""

from __future__ import annotations

import asyncio
import contextlib
import signal
import sys

from bot.tryit.server import LOOPBACK, PortTaken, TryServer
from bot.tryit.world import Options

WARNING = ("orderbot try: warning: serving on {host}, not only this machine: anyone who can "
           "reach it can act as any person, forge taps and inject faults.")


def run(options: Options, host: str = "127.0.0.1", port: int = 8090) -> int:
    if host not in LOOPBACK:
        print(WARNING.format(host=host), file=sys.stderr, flush=True)
    try:
        asyncio.run(_serve(TryServer(options, host, port)))
    except PortTaken as error:
        print(f"orderbot try: {error} (another program uses the port? try --port)",
              file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        pass
    return 0


async def _serve(server: TryServer) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, stop.set)
    async with server:
        print(f"orderbot try: open {server.url} ({server.tryout.options.framework}, "
              f"{server.tryout.options.language}); Ctrl-C stops", flush=True)
        await stop.wait()
    print("orderbot try: stopped", flush=True)
