"""The names people see for statuses, reasons an order did not go ahead, and rating aspects.

A status has two roles: its name on the card, in lists and in moderators' views (context
"status", nobody's voice), and the professional's own button on the status panel (context
"status button", in their voice: es «Aún no me han contratado»)."""

from __future__ import annotations

from bot.domain.order import NotGoingAheadReason, Status
from bot.i18n import N_, NC_, Translator

STATUS_CONTEXT = "status"
STATUS = {
    Status.NOT_HIRED: NC_("status", "Not hired yet"),
    Status.IN_PROGRESS: NC_("status", "In progress"),
    Status.DONE: NC_("status", "Done"),
    Status.NOT_GOING_AHEAD: NC_("status", "Not going ahead"),
    Status.CANCELLED: NC_("status", "Cancelled"),
    Status.DISPUTED: NC_("status", "In dispute"),
}
BUTTON_CONTEXT = "status button"
STATUS_BUTTON = {
    Status.NOT_HIRED: NC_("status button", "Not hired yet"),
    Status.IN_PROGRESS: NC_("status button", "In progress"),
    Status.DONE: NC_("status button", "Done"),
    Status.NOT_GOING_AHEAD: NC_("status button", "Not going ahead"),
}

# A reason too has two roles: on the card ("Reason: ...") as a full sentence, and as the
# professional's answer on a button under the question why the job is not going ahead, where
# it is short and the client, whom the answer is about, may go unnamed.
REASON_CONTEXT = "reason"
REASON = {
    NotGoingAheadReason.POSTPONED: NC_("reason", "The client postponed it with no date"),
    NotGoingAheadReason.NO_ANSWER: NC_("reason", "The client did not answer after several tries"),
    NotGoingAheadReason.SOLVED_OTHERWISE: NC_("reason", "The client solved it another way"),
    NotGoingAheadReason.NO_AGREEMENT: NC_("reason", "No agreement on price or conditions"),
    NotGoingAheadReason.NEVER_POSTED: NC_("reason",
                                          "The client says they never posted the request"),
}
REASON_BUTTON_CONTEXT = "reason button"
REASON_BUTTON = {
    NotGoingAheadReason.POSTPONED: NC_("reason button", "The client postponed it with no date"),
    NotGoingAheadReason.NO_ANSWER: NC_("reason button",
                                       "The client did not answer after several tries"),
    NotGoingAheadReason.SOLVED_OTHERWISE: NC_("reason button",
                                              "The client solved it another way"),
    NotGoingAheadReason.NO_AGREEMENT: NC_("reason button",
                                          "No agreement on price or conditions"),
    NotGoingAheadReason.NEVER_POSTED: NC_("reason button",
                                          "The client says they never posted the request"),
}

ASPECT = {
    "on_time": N_("On time"),
    "quality": N_("Quality of the work"),
    "communication": N_("Communication"),
}


def status_name(t: Translator, status: Status) -> str:
    """The status as a fact, in nobody's voice ("Status: Sin contratar aún")."""
    return t.pgettext(STATUS_CONTEXT, STATUS[status])


def status_button(t: Translator, status: Status) -> str:
    """The professional's own answer on the status panel ("Aún no me han contratado")."""
    return t.pgettext(BUTTON_CONTEXT, STATUS_BUTTON[status])


def reason_name(t: Translator, reason: NotGoingAheadReason) -> str:
    """The reason as a fact, on the card."""
    return t.pgettext(REASON_CONTEXT, REASON[reason])


def reason_button(t: Translator, reason: NotGoingAheadReason) -> str:
    """The professional's answer on the reasons' buttons."""
    return t.pgettext(REASON_BUTTON_CONTEXT, REASON_BUTTON[reason])


def aspect_name(t: Translator, aspect: str) -> str:
    return t._(ASPECT[aspect])


def stars(value: int) -> str:
    return "★" * value + "☆" * (5 - value)

