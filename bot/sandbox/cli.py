"""Run the sandbox alone, for trying the bot by hand (`orderbot sandbox --port 8081`)."""

from __future__ import annotations

import asyncio
import contextlib

from bot.sandbox.server import SandboxServer


def usage(base_url: str) -> str:
    return "\n".join(
        [
            f"Telegram sandbox listening on {base_url}",
            f"  Bot API:      {base_url}/bot<token>/<method>  (any token like 123456:secret)",
            f"  Control API:  POST {base_url}/control/<action>  (see bot/sandbox/control.py)",
            f"  aiogram:      AiohttpSession(api=TelegramAPIServer.from_base({base_url!r}))",
            f"  PTB:          Application.builder().base_url({base_url + '/bot'!r})",
            "Press Ctrl+C to stop.",
        ]
    )


async def serve(host: str, port: int, privacy: bool, limits: bool) -> None:
    server = SandboxServer(host=host, port=port, privacy=privacy, limits=limits)
    base_url = await server.start()
    print(usage(base_url), flush=True)
    try:
        await asyncio.Event().wait()
    finally:
        await server.stop()


def run(host: str, port: int, privacy: bool = True, limits: bool = False) -> None:
    """Serve until interrupted."""
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve(host, port, privacy, limits))
