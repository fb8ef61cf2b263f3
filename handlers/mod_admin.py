"""Moderators themselves and the whole marketplace: /mod_add and /mod_remove (with the
moderator's command menu published or deleted), /stats, /export."""

from __future__ import annotations

from bot.core.events import ChatEvent, Effect, SendDocument
from bot.i18n import Translator
from bot.services import export, stats
from bot.services import moderation as service
from bot.services.stats import Stats
from handlers.command_menus import moderator_menu_effects, removed_moderator_effects
from handlers.context import Context
from handlers.labels import STATUS, status_name
from handlers.mod_common import moderator_command, private, reply, user_id_arg
from handlers.router import Router


def register(router: Router) -> None:
    moderator_command(router, "mod_add")(mod_add)
    moderator_command(router, "mod_remove")(mod_remove)
    moderator_command(router, "stats")(stats_command)
    moderator_command(router, "export")(export_command)


async def mod_add(event: ChatEvent, ctx: Context, t: Translator) -> list[Effect]:
    user_id = user_id_arg(event)
    uid = t.isolate(user_id)
    if user_id in ctx.settings.moderator_ids:
        return [reply(event, t._("{id} is already a moderator (in the settings).").format(id=uid))]
    if not await service.add_moderator(ctx.uow, user_id, event.user.id, ctx.now):
        return [reply(event, t._("{id} is already a moderator.").format(id=uid))]
    return [reply(event, t._("{id} is now a moderator.").format(id=uid)),
            *moderator_menu_effects(ctx.translations, user_id)]


async def mod_remove(event: ChatEvent, ctx: Context, t: Translator) -> list[Effect]:
    user_id = user_id_arg(event)
    uid = t.isolate(user_id)
    if user_id in ctx.settings.moderator_ids:
        return [reply(event, t._("{id} is a moderator in the settings and cannot be removed by "
                                 "command; change the configuration instead.").format(id=uid))]
    if not await service.remove_moderator(ctx.uow, user_id, event.user.id, ctx.now):
        return [reply(event, t._("{id} is not a moderator.").format(id=uid))]
    return [reply(event, t._("{id} is no longer a moderator.").format(id=uid)),
            *removed_moderator_effects(ctx.translations, user_id)]


def stats_text(t: Translator, s: Stats, marketplace: str | None = None) -> str:
    lines = [t.ngettext("Orders: {n}", "Orders: {n}", s.total).format(n=t.number(s.total))]
    lines += [f"  {status_name(t, status)}: {t.number(s.by_status.get(status, 0))}"
              for status in STATUS]
    average = "—" if s.average is None else t.number(s.average, 2)
    lines.append(t.ngettext("Ratings: {n}, average {average}", "Ratings: {n}, average {average}",
                            s.ratings).format(n=t.number(s.ratings), average=average))
    if s.hidden_ratings:
        lines.append(t.ngettext("Hidden reviews: {n}", "Hidden reviews: {n}", s.hidden_ratings)
                     .format(n=t.number(s.hidden_ratings)))
    share = "—" if s.rated_share is None else t.number(round(s.rated_share * 100)) + "%"
    lines.append(t._("Done orders rated: {rated} of {done} ({share})").format(
        rated=t.number(s.done_rated), done=t.number(s.done), share=share))
    lines.append(t.ngettext("Reminders sent: {n}", "Reminders sent: {n}", s.reminders_sent)
                 .format(n=t.number(s.reminders_sent)))
    lines.append(t.ngettext("Check-ins used: {n}", "Check-ins used: {n}", s.checkins_used)
                 .format(n=t.number(s.checkins_used)))
    lines.append(t._("Disputes: {opened} opened, {open} open").format(
        opened=t.number(s.disputes_opened), open=t.number(s.disputes_open)))
    lines.append(t._("Refunds: {eligible} eligible, {decided} decided").format(
        eligible=t.number(s.refunds_eligible), decided=t.number(s.refunds_decided)))
    if s.hook_waiting is not None:
        lines.append(_hook_line(t, marketplace).format(
            waiting=t.number(s.hook_waiting), given_up=t.number(s.hook_given_up),
            marketplace=t.isolate(marketplace or "")))
    return "\n".join(lines)


def _hook_line(t: Translator, marketplace: str | None) -> str:
    if marketplace:
        return t._("Refund events for {marketplace}: {waiting} waiting, {given_up} given up")
    return t._("Refund events for the marketplace: {waiting} waiting, {given_up} given up")


async def stats_command(event: ChatEvent, ctx: Context, t: Translator) -> list[Effect]:
    figures = await stats.compute(ctx.uow, hooked=bool(ctx.settings.hook_url))
    return private(event, t, stats_text(t, figures, ctx.settings.marketplace_name))


async def export_command(event: ChatEvent, ctx: Context, t: Translator) -> list[Effect]:
    files = await export.export_files(ctx.uow, ctx.now)
    await service.audit(ctx.uow, ctx.now, event.user.id, "export", None,
                        ", ".join(name for name, _ in files))
    captions = [t._("Orders"), t._("Reviews"), t._("Audit trail")]
    effects: list[Effect] = [SendDocument(event.user.id, name, content, caption)
                             for (name, content), caption in zip(files, captions, strict=True)]
    if event.chat_type != "private":
        effects.append(reply(event, t._("I sent the export to you in a private message.")))
    return effects
