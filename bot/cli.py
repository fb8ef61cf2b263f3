"""`orderbot`: run, webhook, migrate, demo, try, sandbox, create-order, hook-events."""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
from collections.abc import Callable, Sequence

from pydantic import ValidationError

from bot.config import Settings
from bot.logging_setup import configure_logging, json_from_env


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="orderbot", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    for name, help_text in (("run", "run the bot with long polling"),
                            ("webhook", "run the bot behind a webhook (aiohttp server)")):
        sub = commands.add_parser(name, help=help_text)
        sub.add_argument("--framework", choices=("aiogram", "ptb"))
        if name == "run":
            sub.add_argument("--drop-webhook", action="store_true",
                             help="delete the webhook set for this bot (Telegram keeps its "
                                  "pending updates) and poll instead; without it, `run` "
                                  "refuses to start while a webhook is set")
    commands.add_parser("migrate", help="create or upgrade the database schema")
    demo = commands.add_parser("demo", help="play the whole story in the sandbox")
    demo.add_argument("--lang", choices=("es", "pt", "ar", "en"), default="es")
    demo.add_argument("--framework", choices=("aiogram", "ptb"), default="aiogram")
    demo.add_argument("--json", action="store_true", help="one JSON object per line")
    tryit = commands.add_parser("try", help="play pro, client and moderator in a web page")
    tryit.add_argument("--lang", choices=("es", "pt", "ar", "en"), default="es")
    tryit.add_argument("--framework", choices=("aiogram", "ptb"), default="aiogram")
    tryit.add_argument("--port", type=int, default=8090)
    tryit.add_argument("--host", default="127.0.0.1",
                       help="serve beyond this machine (a warning: the page can act as anyone)")
    sandbox = commands.add_parser("sandbox", help="run the Telegram Bot API sandbox alone")
    sandbox.add_argument("--host", default="127.0.0.1")
    sandbox.add_argument("--port", type=int, default=8081)
    sandbox.add_argument("--no-privacy", action="store_true",
                         help="let bots read every group message")
    sandbox.add_argument("--limits", action="store_true", help="enforce Telegram's limits")
    create = commands.add_parser("create-order",
                                 help="create an order for a marketplace backend and print "
                                      "the link that binds a group to it")
    create.add_argument("--title", required=True)
    create.add_argument("--pro-id", type=int, required=True)
    create.add_argument("--pro-name", required=True)
    create.add_argument("--language", choices=("es", "pt", "ar", "en"))
    create.add_argument("--region",
                        help="the order's territory, like MX or es_MX: first day of the week, "
                             "date and number formats (default: ORDERBOT_DEFAULT_REGIONS)")
    create.add_argument("--bot-username", required=True)
    hooks = commands.add_parser("hook-events",
                                help="the marketplace hook's events not yet taken, and those "
                                     "given up")
    hooks.add_argument("--retry", action="store_true",
                       help="queue the given-up events again (after fixing the hook)")
    failed = commands.add_parser("updates",
                                 help="the updates set aside because they failed every attempt")
    failed.add_argument("--failed", action="store_true",
                        help="list them, with their errors (what --retry also does)")
    failed.add_argument("--retry", metavar="ID|all",
                        help="run the update ID (or all of them) again")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    quiet = args.command in ("demo", "try", "migrate", "create-order", "hook-events",
                             "updates")
    configure_logging(logging.WARNING if quiet else logging.INFO,
                      json=json_from_env(os.environ.get("ORDERBOT_LOG_JSON")))
    try:
        return _command(args)
    except ValidationError as error:
        if error.title != Settings.__name__:
            raise
        for line in _bad_settings(error):
            print(f"orderbot: {line}", file=sys.stderr)
        return 2


def _bad_settings(error: ValidationError) -> list[str]:
    """What is wrong with the settings, for the operator: one line per setting, named as in
    the environment, "ORDERBOT_FRAMEWORK: Input should be 'aiogram' or 'ptb' (got 'foo')"."""
    lines: dict[str, str] = {}
    for problem in error.errors():
        name = _setting_name(problem["loc"])
        lines.setdefault(name, f"{name}: {problem['msg']} (got {problem['input']!r})")
    return list(lines.values())


def _setting_name(location: tuple[int | str, ...]) -> str:
    """("moderator_ids", 1) -> "ORDERBOT_MODERATOR_IDS" (its second item is the wrong one)."""
    if not location:
        return "the settings"
    return f"{Settings.model_config.get('env_prefix', '')}{location[0]}".upper()


def _command(args: argparse.Namespace) -> int:
    if args.command == "sandbox":
        from bot.sandbox.cli import run as run_sandbox

        run_sandbox(args.host, args.port, privacy=not args.no_privacy, limits=args.limits)
        return 0
    if args.command == "try":
        from bot.tryit.cli import run as run_try
        from bot.tryit.world import Options

        return run_try(Options(args.lang, args.framework), args.host, args.port)
    if args.command == "demo":
        from bot.demo.runner import run_demo

        return asyncio.run(run_demo(language=args.lang, framework=args.framework,
                                    as_json=args.json))
    settings = Settings()
    if args.command == "migrate":
        return _one_line_errors(lambda: _migrate(settings))
    if args.command == "create-order":
        try:
            region = order_region(args.language or settings.default_language, args.region,
                                  settings)
        except ValueError as error:
            print(f"orderbot: {error}", file=sys.stderr)
            return 2
        return _one_line_errors(lambda: asyncio.run(_create_order(settings, args, region)))
    if args.command == "hook-events":
        from bot.cli_hooks import hook_events

        return _one_line_errors(lambda: asyncio.run(hook_events(settings, retry=args.retry)))
    if args.command == "updates":
        from bot.cli_updates import updates

        return _one_line_errors(lambda: asyncio.run(updates(settings, retry=args.retry)))
    if args.framework:
        settings = settings.model_copy(update={"framework": args.framework})
    if args.command == "webhook":
        return _one_line_errors(lambda: _run_bot(settings, "webhook"))
    return _one_line_errors(lambda: _run_bot(settings, "polling", args.drop_webhook))


def _one_line_errors(command: Callable[[], int]) -> int:
    """What keeps the bot from starting (a database that cannot be used, a webhook set when
    polling) is told in one line for the operator, exit status 2."""
    from bot.startup import StartupError

    try:
        return command()
    except StartupError as error:
        print(f"orderbot: {error}", file=sys.stderr)
        return 2


def _migrate(settings: Settings) -> int:
    from bot.startup import describe, migrate

    before, head = asyncio.run(migrate(settings.database_url))
    where = describe(settings.database_url)
    if before == head:
        print(f"schema already at {head}: {where}")
    else:
        print(f"schema upgraded from {before or 'nothing'} to {head}: {where}")
    return 0


def _run_bot(settings: Settings, mode: str, drop_webhook: bool = False) -> int:
    from bot.runner import run
    from bot.startup import check_schema

    if not settings.bot_token:
        print("orderbot: ORDERBOT_BOT_TOKEN is not set", file=sys.stderr)
        return 2
    try:
        asyncio.run(check_schema(settings.database_url))  # before talking to Telegram
        asyncio.run(run(settings, mode=mode, drop_webhook=drop_webhook))  # type: ignore[arg-type]
    except KeyboardInterrupt:
        pass
    return 0


async def _create_order(settings: Settings, args: argparse.Namespace, region: str) -> int:
    from bot.clock import SystemClock
    from bot.services.orders import create_order, new_bind_token
    from bot.startup import check_schema
    from bot.storage.db import create_engine
    from bot.storage.uow import UnitOfWorkFactory

    language = args.language or settings.default_language
    await check_schema(settings.database_url)
    engine = create_engine(settings.database_url)
    token = new_bind_token()
    async with UnitOfWorkFactory(engine)() as uow:
        order = await create_order(
            uow, chat_id=0, thread_id=None, title=args.title, pro_id=args.pro_id,
            pro_name=args.pro_name, language=language, region=region,
            timezone=settings.timezone, now=SystemClock().now(), policy=settings.policy(),
            can_read_all=False, bind_token=token)
        await uow.commit()
    await engine.dispose()
    print(f"order {order.id}: https://t.me/{args.bot_username}?startgroup={token}")
    return 0


def order_region(language: str, region: str | None, settings: Settings) -> str:
    """The territory of a new order: `--region` ("MX", "es_MX", "es-mx") or the language's
    default; ValueError (one line for the user) when CLDR has no such locale."""
    from bot.i18n import known_locale, region_of

    if region is None:
        return settings.regions().get(language, "")
    territory = region_of(region) or region.strip().upper()
    named = region.replace("-", "_").split("_")[0].lower()
    if ("_" in region or "-" in region) and named != language:
        raise ValueError(f"--region {region} is not a region of the order's language "
                         f"({language})")
    if not known_locale(language, territory):
        raise ValueError(f"unknown region for {language}: {region} (e.g. {language}_"
                         f"{settings.regions().get(language, 'US')})")
    return territory


if __name__ == "__main__":
    raise SystemExit(main())
