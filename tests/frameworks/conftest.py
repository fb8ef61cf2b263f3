"""The end-to-end harness's fixtures, reused to drive the adapters with a stand-in core."""

from tests.e2e.conftest import (  # noqa: F401
    app_factory,
    clock,
    database_url,
    framework,
    mode,
    sandbox,
    settings,
    settings_overrides,
    world,
)
