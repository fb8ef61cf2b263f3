"""What the bot asked someone to type (a ForceReply), matched by the replied-to message."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class PromptStep(StrEnum):
    NOTE = "note"
    COMMENT = "comment"
    REPLY = "reply"
    REVISION = "revision"
    DELIVERY_DATE = "delivery_date"
    DISPUTE = "dispute"
    CHECKIN = "checkin"


class PromptState(StrEnum):
    OPEN = "open"
    ANSWERED = "answered"
    STALE = "stale"


@dataclass
class Prompt:
    order_id: int
    chat_id: int
    user_id: int
    step: PromptStep
    created_at: datetime
    target_id: int | None = None  # the review request, the rating... the step works on
    state: PromptState = PromptState.OPEN
    id: int = 0  # 0 until stored
    version: int = 0

    def refusal(self, user_id: int) -> str | None:
        """Why `user_id`'s reply does not answer this prompt: "someone_else" (it asked another
        person) or "answered" (it is closed); None if it does."""
        if user_id != self.user_id:
            return "someone_else"
        if self.state != PromptState.OPEN:
            return "answered"
        return None

    def close(self) -> None:
        self.state = PromptState.ANSWERED
