"""Comments and docstrings say the rule, not where it was written: no .py file names a design
document or a seed that is not in the repository."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TREES = ("bot", "handlers", "scheduler", "tests", "bench")
# Built from parts, so that this file does not cite what it forbids.
DOCUMENTS = ("PROD" "UCT", "ARCHI" "TECTURE", "STY" "LE")
# A document by file name or by name and section; a seed by number. A constant that happens to be
# named like a document (`PRODUCT = ("bot", ...)`) is not a citation.
CITATION = re.compile(
    r"\b(?:" + "|".join(DOCUMENTS) + r")(?:\.md\b|\s+(?:sections?\s+)?\d)|\bseeds?\s+0\d\d")


def citations() -> list[str]:
    found = []
    for tree in TREES:
        for path in sorted((ROOT / tree).rglob("*.py")):
            text = path.read_text(encoding="utf-8")
            for match in CITATION.finditer(text):
                line = text.count("\n", 0, match.start()) + 1
                found.append(f"{path.relative_to(ROOT)}:{line}: {match.group(0)!r}")
    return found


def test_no_file_cites_a_document_outside_the_repository() -> None:
    found = citations()
    assert not found, "say the rule in a few words instead:\n" + "\n".join(found)


def test_the_check_sees_each_kind_of_citation() -> None:
    cited = ["(" + DOCUMENTS[0] + ".md section 5)", DOCUMENTS[1] + ".md", "(seeds\n003, 004)",
             "(seed " "001)", DOCUMENTS[0] + " section 5", DOCUMENTS[0] + " 4, 10"]
    assert all(CITATION.search(text) for text in cited)
    assert not CITATION.search("PRODUCTION, a seed of 1, --seed 1, docs/PERFORMANCE.md")
    assert not CITATION.search("for package in " + DOCUMENTS[0] + ":")
