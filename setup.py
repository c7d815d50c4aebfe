"""The packages of the distribution: the project's apps, listed once in
espace_famille/project_apps.py. Everything else about the package is in pyproject.toml."""

import runpy
from pathlib import Path

from setuptools import find_packages, setup

APPS = runpy.run_path(str(Path(__file__).parent / "espace_famille" / "project_apps.py"))
setup(packages=find_packages(include=[f"{app}*" for app in APPS["PROJECT_APPS"]]))
