"""No framework outside bot/frameworks/; nothing imported or started at import time."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCANNED = ("bot", "handlers", "scheduler")
ALLOWED = ROOT / "bot" / "frameworks"
FRAMEWORKS = {"aiogram", "telegram"}


def imported_roots(source: str) -> set[str]:
    roots: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            roots |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            roots.add(node.module.split(".")[0])
    return roots


def test_no_framework_import_outside_the_adapters() -> None:
    offenders = []
    for folder in SCANNED:
        for path in sorted((ROOT / folder).rglob("*.py")):
            if ALLOWED in path.parents:
                continue
            found = imported_roots(path.read_text(encoding="utf-8")) & FRAMEWORKS
            if found:
                offenders.append(f"{path.relative_to(ROOT)}: {sorted(found)}")
    assert offenders == []


def test_the_scan_sees_both_import_forms() -> None:
    assert imported_roots("import telegram.ext\nfrom aiogram import Bot\n") == FRAMEWORKS
    assert imported_roots("from .telegram import x\nimport telegramx\n") == {"telegramx"}


@pytest.mark.slow
def test_runner_imports_only_the_chosen_framework() -> None:
    code = (
        "import sys\n"
        "import bot.runner\n"
        "assert not {'aiogram', 'telegram'} & set(sys.modules), 'framework at import time'\n"
        "from bot.config import Settings\n"
        "bot.runner.load_adapter(Settings(_env_file=None, framework='ptb', bot_token='1:a'))\n"
        "assert 'telegram' in sys.modules and 'aiogram' not in sys.modules\n"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 0, result.stderr
