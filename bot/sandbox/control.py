"""An async client for the sandbox's control API: act as people, inspect what they see."""

from __future__ import annotations

import asyncio
import base64
from collections.abc import Callable, Iterable
from typing import Any

import aiohttp


class SandboxControlError(Exception):
    """The sandbox refused a control request (e.g. tapping a button that does not exist)."""


class SandboxControl:
    """`async with SandboxControl(url) as sandbox: ...`; owns one aiohttp session."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url.rstrip("/")
        self._session: aiohttp.ClientSession | None = None

    async def __aenter__(self) -> SandboxControl:
        self._session = aiohttp.ClientSession()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def call(self, action: str, **body: Any) -> Any:
        if self._session is None:
            raise RuntimeError("use SandboxControl as an async context manager")
        url = f"{self.base_url}/control/{action}"
        async with self._session.post(url, json=body) as response:
            answer = await response.json()
        if not answer.get("ok"):
            raise SandboxControlError(answer.get("error", "control request failed"))
        return answer.get("result")

    # --- setup ----------------------------------------------------------------
    async def register_bot(self, token: str) -> int:
        return int(await self.call("register_bot", token=token))

    async def create_user(
        self, name: str, language: str | None = None, username: str | None = None,
        user_id: int | None = None, is_bot: bool = False,
    ) -> int:
        return int(await self.call("create_user", name=name, language=language, username=username,
                                   user_id=user_id, is_bot=is_bot))

    async def create_chat(
        self,
        type: str = "group",
        title: str = "Order thread",
        members: Iterable[int] = (),
        with_bot: bool = True,
        bot_admin: bool = False,
    ) -> int:
        return int(
            await self.call(
                "create_chat",
                type=type,
                title=title,
                members=list(members),
                with_bot=with_bot,
                bot_admin=bot_admin,
            )
        )

    async def add_member(self, chat_id: int, user_id: int) -> None:
        await self.call("add_member", chat_id=chat_id, user_id=user_id)

    async def remove_member(self, chat_id: int, user_id: int) -> None:
        await self.call("remove_member", chat_id=chat_id, user_id=user_id)

    async def set_title(self, chat_id: int, title: str, by: int | None = None) -> None:
        """Rename a group (a `new_chat_title` service message, delivered in privacy mode)."""
        await self.call("set_title", chat_id=chat_id, title=title, by=by)

    async def add_bot(self, chat_id: int, admin: bool = False, by: int | None = None) -> None:
        status = "administrator" if admin else "member"
        await self.call("set_bot_status", chat_id=chat_id, status=status, by=by)

    async def remove_bot(self, chat_id: int, by: int | None = None) -> None:
        await self.call("set_bot_status", chat_id=chat_id, status="kicked", by=by)

    async def set_bot_admin(self, chat_id: int, admin: bool) -> None:
        status = "administrator" if admin else "member"
        await self.call("set_bot_status", chat_id=chat_id, status=status)

    async def set_privacy(self, enabled: bool) -> None:
        await self.call("set_privacy", enabled=enabled)

    async def block_bot(self, user_id: int) -> None:
        await self.call("set_blocked", user_id=user_id, blocked=True)

    async def unblock_bot(self, user_id: int) -> None:
        await self.call("set_blocked", user_id=user_id, blocked=False)

    async def upgrade_to_supergroup(self, chat_id: int) -> int:
        return int(await self.call("upgrade_to_supergroup", chat_id=chat_id))

    # --- people act -------------------------------------------------------------
    async def post(
        self,
        chat_id: int,
        user_id: int,
        text: str,
        reply_to_message_id: int | None = None,
        message_thread_id: int | None = None,
    ) -> int:
        return int(
            await self.call(
                "post",
                chat_id=chat_id,
                user_id=user_id,
                text=text,
                reply_to_message_id=reply_to_message_id,
                message_thread_id=message_thread_id,
            )
        )

    async def start_in_group(self, chat_id: int, user_id: int, payload: str) -> int:
        """`user_id` opens `?startgroup=<payload>` and picks this group: the bot is added
        and receives `/start@<bot> <payload>` from them, as Telegram does; the message id."""
        return int(await self.call("start_in_group", chat_id=chat_id, user_id=user_id,
                                   payload=payload))

    async def tap(
        self,
        chat_id: int,
        message_id: int,
        user_id: int,
        text: str | None = None,
        data: str | None = None,
    ) -> str:
        return str(
            await self.call(
                "tap", chat_id=chat_id, message_id=message_id, user_id=user_id, text=text, data=data
            )
        )

    async def forge_tap(self, chat_id: int, message_id: int, user_id: int, data: str) -> str:
        return str(
            await self.call(
                "forge_tap", chat_id=chat_id, message_id=message_id, user_id=user_id, data=data
            )
        )

    # --- what people see --------------------------------------------------------
    async def transcript(self, chat_id: int, after: int = 0) -> list[dict[str, Any]]:
        return list(await self.call("transcript", chat_id=chat_id, after=after))

    async def messages(self, chat_id: int) -> list[dict[str, Any]]:
        return list(await self.call("messages", chat_id=chat_id))

    async def wait_for(
        self,
        chat_id: int,
        predicate: Callable[[dict[str, Any]], bool],
        timeout: float = 5.0,
        kinds: Iterable[str] | None = None,
        after: int = 0,
    ) -> dict[str, Any]:
        """The first transcript entry (seq > after) matching; long-polls the server."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        kind_list = list(kinds) if kinds is not None else None
        while True:
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise TimeoutError(f"no matching entry in chat {chat_id} within {timeout}s")
            entries = await self.call(
                "transcript", chat_id=chat_id, after=after, wait=remaining, kinds=kind_list
            )
            for entry in entries:
                after = max(after, int(entry["seq"]))
                if predicate(entry):
                    return dict(entry)

    async def callback_answer(self, callback_query_id: str, timeout: float = 5.0) -> dict[str, Any]:
        return dict(
            await self.call("callback_answer", callback_query_id=callback_query_id, timeout=timeout)
        )

    async def documents(self, chat_id: int) -> list[dict[str, Any]]:
        docs = await self.call("documents", chat_id=chat_id)
        for doc in docs:
            doc["content"] = base64.b64decode(doc.pop("content_b64"))
        return list(docs)

    async def commands(self) -> list[dict[str, Any]]:
        return list(await self.call("commands"))

    # --- switches -----------------------------------------------------------------
    async def set_limits(self, enabled: bool) -> None:
        await self.call("set_limits", enabled=enabled)

    async def inject_fault(
        self,
        kind: str,
        count: int = 1,
        method: str | None = None,
        chat_id: int | None = None,
        retry_after: int = 1,
        performed: bool = False,
    ) -> None:
        await self.call(
            "inject_fault",
            kind=kind,
            count=count,
            method=method,
            chat_id=chat_id,
            retry_after=retry_after,
            performed=performed,
        )

    async def stats(self) -> dict[str, Any]:
        return dict(await self.call("stats"))

    async def redeliver(self, update_id: int) -> None:
        await self.call("redeliver", update_id=update_id)

    async def reset(self) -> None:
        await self.call("reset")
