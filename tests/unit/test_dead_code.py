"""No dead code in the product: vulture, at 80% confidence, finds nothing in bot, handlers and
scheduler beyond the framework hooks listed in vulture_whitelist.py."""

from __future__ import annotations

from pathlib import Path

import pytest
from vulture import Vulture

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("bot", "handlers", "scheduler")
WHITELIST = ROOT / "vulture_whitelist.py"


def test_vulture_finds_no_dead_code() -> None:
    vulture = Vulture()
    vulture.scavenge([str(ROOT / name) for name in PACKAGES] + [str(WHITELIST)])
    unused = [item.get_report() for item in vulture.get_unused_code(min_confidence=80)]
    assert not unused, "delete it, or list a framework hook in vulture_whitelist.py:\n" + \
        "\n".join(unused)
