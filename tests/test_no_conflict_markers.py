"""No merge leftovers: a conflict marker in a stylesheet silently drops the rule after it."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SKIP = {".git", ".venv", "node_modules", "test-results", "media", "staticfiles", ".mypy_cache"}
SUFFIXES = {".py", ".html", ".css", ".js", ".md", ".toml", ".txt", ".po", ".conf", ".service"}
MARKER = re.compile(r"^(<{7} |>{7} |={7}$)", re.MULTILINE)


def test_no_file_keeps_a_merge_conflict_marker():
    found = []
    for path in ROOT.rglob("*"):
        if path.suffix not in SUFFIXES or SKIP & set(path.relative_to(ROOT).parts):
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        found += [f"{path.relative_to(ROOT)}:{m.group(0)!r}" for m in MARKER.finditer(text)]
    assert found == []
