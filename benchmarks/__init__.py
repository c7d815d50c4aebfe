"""Benchmarks of Espace Famille: `make bench` (or `python -m benchmarks --help`).

Each module `benchmarks/<app>.py` may define:
- `PAGES = [("label", url_for_family)]`: portal pages to time, `url_for_family(family) -> str`;
- `def run() -> list[tuple[str, str]]`: other measurements (label, figure), shown under the
  module's docstring as heading; a `households` parameter receives `--billing-households`.
The harness builds a fresh database with the demo data and `--families` generated households
(a year of data each), times every page as a logged-in parent and writes docs/benchmarks.md
(or `--output`). It runs on `benchmarks/settings.py`: the production settings, DEBUG off.
CI runs it at a small size into a temporary file so that it cannot rot.
"""
