"""The names people see for statuses, reasons an order did not go ahead, and rating aspects."""

from __future__ import annotations

from bot.domain.order import NotGoingAheadReason, Status
from bot.i18n import N_, Translator

STATUS = {
    Status.NOT_HIRED: N_("Not hired yet"),
    Status.IN_PROGRESS: N_("In progress"),
    Status.DONE: N_("Done"),
    Status.NOT_GOING_AHEAD: N_("Not going ahead"),
    Status.CANCELLED: N_("Cancelled"),
    Status.DISPUTED: N_("In dispute"),
}

REASON = {
    NotGoingAheadReason.POSTPONED: N_("The client postponed it with no date"),
    NotGoingAheadReason.NO_ANSWER: N_("The client did not answer after several tries"),
    NotGoingAheadReason.SOLVED_OTHERWISE: N_("The client solved it another way"),
    NotGoingAheadReason.NO_AGREEMENT: N_("No agreement on price or conditions"),
    NotGoingAheadReason.NEVER_POSTED: N_("The client says they never posted the request"),
}

ASPECT = {
    "on_time": N_("On time"),
    "quality": N_("Quality of the work"),
    "communication": N_("Communication"),
}


def status_name(t: Translator, status: Status) -> str:
    return t._(STATUS[status])


def reason_name(t: Translator, reason: NotGoingAheadReason) -> str:
    return t._(REASON[reason])


def aspect_name(t: Translator, aspect: str) -> str:
    return t._(ASPECT[aspect])


def stars(value: int) -> str:
    return "★" * value + "☆" * (5 - value)

