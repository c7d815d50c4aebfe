"""Keep the translation catalogues in step with the code.

    python scripts/check_translations.py            check: every string has an English translation
    python scripts/check_translations.py --update   refresh the catalogues in place (makemessages)
    python scripts/check_translations.py --compile  compile the catalogues (.mo)

Each app keeps its own catalogue in `<app>/locale/`; the project's `locale/` holds the strings
of `templates/`. The check refreshes a copy of the tree and fails on any untranslated or fuzzy
entry, so a string added without its translation fails `make lint`.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APPS = [
    "espace_famille",
    "famille",
    "documents",
    "inscriptions",
    "reservations",
    "factures",
    "historique",
    "contact",
]
LANGUAGE = "en"
IGNORE = [".venv", "tests", "scripts", "benchmarks", "docs", "media", "staticfiles", *APPS]


def _manage(tree: Path, cwd: Path, *args: str) -> None:
    # DEBUG only so that settings load without a SECRET_KEY; no page is served.
    env = {**os.environ, "DEBUG": "1"}
    subprocess.run(
        [sys.executable, str(tree / "manage.py"), *args],
        cwd=cwd,
        check=True,
        stdout=subprocess.DEVNULL,
        env=env,
    )


def update(tree: Path) -> list[Path]:
    """Run makemessages for the project and each app; return the catalogues."""
    options = ["makemessages", "-l", LANGUAGE, "--no-obsolete", "--no-location", "-v", "0"]
    catalogues = []
    for app in APPS:
        (tree / app / "locale").mkdir(exist_ok=True)
        _manage(tree, tree / app, *options)
        catalogues.append(tree / app / "locale" / LANGUAGE / "LC_MESSAGES" / "django.po")
    ignores = [f"--ignore={name}" for name in IGNORE]
    _manage(tree, tree, *options, *ignores)
    catalogues.append(tree / "locale" / LANGUAGE / "LC_MESSAGES" / "django.po")
    return [path for path in catalogues if path.exists()]


def problems(catalogue: Path) -> str:
    """The untranslated and fuzzy entries of a catalogue, as msgattrib prints them."""
    stats = subprocess.run(
        ["msgfmt", "--statistics", "-o", os.devnull, str(catalogue)],
        capture_output=True,
        text=True,
        check=True,
    ).stderr
    if "untranslated" not in stats and "fuzzy" not in stats:
        return ""
    found = [stats.strip()]
    for flag in ("--untranslated", "--only-fuzzy"):
        result = subprocess.run(
            ["msgattrib", flag, "--no-obsolete", str(catalogue)],
            capture_output=True,
            text=True,
            check=True,
        )
        found.append(result.stdout)
    return "\n".join(found)


def check() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        tree = Path(tmp) / "tree"
        shutil.copytree(
            ROOT,
            tree,
            ignore=shutil.ignore_patterns(
                ".venv", ".git", "media", "staticfiles", "*.mo", "__pycache__", "db.sqlite3"
            ),
        )
        failed = False
        for catalogue in update(tree):
            text = problems(catalogue)
            if text:
                failed = True
                print(f"{catalogue.relative_to(tree)}: entries without a translation:\n{text}\n")
    if failed:
        print("Run `make makemessages`, translate the entries above, and commit the .po files.")
        return 1
    print("Translations: every string has its English translation.")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--update", action="store_true")
    parser.add_argument("--compile", action="store_true")
    args = parser.parse_args()
    if args.update:
        for catalogue in update(ROOT):
            print(catalogue.relative_to(ROOT))
        return 0
    if args.compile:
        _manage(ROOT, ROOT, "compilemessages", "--ignore=.venv", "-v", "0")
        return 0
    return check()


if __name__ == "__main__":
    sys.exit(main())
