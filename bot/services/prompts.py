"""What the bot asked someone to type, and their answer found by the message they replied to."""

from __future__ import annotations

from datetime import datetime

from bot.domain.order import Order
from bot.domain.prompts import Prompt, PromptStep
from bot.services.ports import UnitOfWork


async def open_prompt(uow: UnitOfWork, order: Order, user_id: int, step: PromptStep,
                      now: datetime, target_id: int | None = None) -> Prompt:
    prompt = Prompt(order_id=order.id, chat_id=order.chat_id, user_id=user_id, step=step,
                    created_at=now, target_id=target_id)
    await uow.prompts.add(prompt)
    return prompt


async def close_prompt(uow: UnitOfWork, prompt: Prompt) -> None:
    prompt.close()
    await uow.prompts.save(prompt)


async def answered_prompt(uow: UnitOfWork, chat_id: int, replied_to: int) -> Prompt | None:
    """The prompt a reply answers, by the bot's message it replies to."""
    return await uow.prompts.by_message(chat_id, replied_to)
