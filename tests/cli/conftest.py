"""The end-to-end harness's sandbox and migrated database, for the commands run against them."""

from tests.e2e.conftest import (  # noqa: F401
    database_url,
    framework,
    sandbox,
)
