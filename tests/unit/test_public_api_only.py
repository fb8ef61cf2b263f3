"""Only the public, documented API of every dependency: bot, handlers, scheduler, bench, tests.

A private name (`_name`, not a dunder) of a package that is not the project's may change or vanish
in any release, so the code and its tests do not use one. The scan (tests/unit/public_api_scan.py)
reads every file with ast and reports:

* `x._name` when the project does not define `_name` itself: the project's own private names are
  its module-level names and the attributes of its own classes (classes whose bases are builtins,
  standard-library classes or other own classes);
* `_name` defined on a class that inherits from a third-party class: it overrides, or may come to
  override, a private hook of that package;
* `getattr`/`setattr`/`hasattr`/`delattr` (and `monkeypatch.setattr`/`delattr`) with such a name
  as a string literal;
* an import of a `_private` module, or of a `_name`, from a package not the project's.

ALLOWED is empty: it would list, one entry per file, a use still waiting for its rewrite, with what
it does; only files under bot/storage/ may be listed, and an entry whose names are no longer used
fails.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from tests.unit.public_api_scan import Finding, scan

ROOT = Path(__file__).resolve().parents[2]
SCANNED = ("bot", "handlers", "scheduler", "bench", "tests")
ALLOWED_UNDER = "bot/storage/"

# path -> (the private names the file still uses, what for)
ALLOWED: dict[str, tuple[frozenset[str], str]] = {}


@cache  # one scan of the tree for both tests (in one process)
def findings() -> list[Finding]:
    return scan(ROOT, SCANNED)


def test_no_private_names_of_other_packages() -> None:
    left = [f for f in findings() if f.name not in ALLOWED.get(f.path, (frozenset(), ""))[0]]
    assert not left, "use the package's public API instead:\n" + "\n".join(map(str, left))


def test_allow_list_is_storage_only_and_current() -> None:
    outside = [path for path in ALLOWED if not path.startswith(ALLOWED_UNDER)]
    assert not outside, f"only files under {ALLOWED_UNDER} may be allow-listed: {outside}"
    used: dict[str, set[str]] = {}
    for finding in findings():
        used.setdefault(finding.path, set()).add(finding.name)
    stale = [f"{path}: {sorted(names - used.get(path, set()))}"
             for path, (names, _why) in ALLOWED.items() if names - used.get(path, set())]
    assert not stale, "drop the names no longer used from ALLOWED:\n" + "\n".join(stale)
    assert all(why.strip() for _names, why in ALLOWED.values()), "say what each entry does"
