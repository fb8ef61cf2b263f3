"""Names a library calls by name, which vulture cannot see used.

Read by `vulture bot handlers scheduler vulture_whitelist.py` (tests/unit/test_dead_code.py);
never imported or run. Each line is one use, with the reason. Only framework hooks belong here:
code that nothing calls is deleted, not listed.
"""

# ruff: noqa: B018  (a bare expression is how a vulture whitelist uses a name)

import sqlite3
from types import SimpleNamespace

from bot.storage.sqlite_inline import InlineCursor, SQLiteDialect_inline

from bot.config import Settings
from bot.storage.models import Base, UTCDateTime

# pydantic-settings: the class's configuration and its field validators
Settings.model_config  # read by BaseSettings when the class is built
Settings.split_comma_separated  # @field_validator, run by pydantic on validation
Settings.check_increasing  # @field_validator, run by pydantic on validation
Settings.blank_is_none  # @field_validator, run by pydantic on validation
Settings.check_http_url  # @field_validator, run by pydantic on validation
Settings.check_known_zone  # @field_validator, run by pydantic on validation

# SQLAlchemy: declarative metadata, type decorators, the inline SQLite dialect
Base.metadata  # DeclarativeBase takes the naming convention from this attribute
UTCDateTime.impl  # TypeDecorator's underlying type (StrEnumType too)
UTCDateTime.cache_ok  # TypeDecorator's statement-cache opt-in (StrEnumType too)
UTCDateTime.process_bind_param  # TypeDecorator hook on every bound value (StrEnumType too)
SQLiteDialect_inline  # registered by its name with sqlalchemy.dialects.registry.register
SQLiteDialect_inline.driver  # the dialect's driver name, read by create_engine's URL lookup
SQLiteDialect_inline.is_async  # tells the engine to drive the dialect through greenlets
SQLiteDialect_inline.supports_statement_cache  # dialect opt-in to the compiled cache
SQLiteDialect_inline.get_pool_class  # classmethod the engine asks for its pool
InlineCursor._async_soft_close  # hook the async result calls on the DBAPI cursor
sqlite3.Connection.isolation_level  # set in db.py's connect listener; sqlite3 reads it

# SQLAlchemy event listeners, nested in bot/storage/db.py's _configure_sqlite
listeners = SimpleNamespace()
listeners._on_connect  # @event.listens_for(engine, "connect")
listeners._on_begin  # @event.listens_for(engine, "begin")
