#!/usr/bin/env python
import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "espace_famille.settings")
    # A checkout with no configuration at all (no DEBUG, SECRET_KEY nor DATABASE_URL) is a
    # development one: run commands in development mode on the local SQLite file. A server
    # always sets SECRET_KEY, so production is never switched to DEBUG (wsgi.py is unaffected).
    if not any(os.environ.get(name) for name in ("DEBUG", "SECRET_KEY", "DATABASE_URL")):
        os.environ["DEBUG"] = "1"
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
