"""The project's app list is written once (espace_famille/project_apps.py) and read by the
settings, the translation checker and the packaging."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from django.conf import settings

from espace_famille.project_apps import PROJECT_APPS

ROOT = Path(__file__).resolve().parent.parent


def test_the_settings_install_the_project_apps_first():
    assert tuple(settings.INSTALLED_APPS[: len(PROJECT_APPS)]) == PROJECT_APPS


def test_the_translation_checker_reads_the_same_list():
    spec = importlib.util.spec_from_file_location(
        "check_translations", ROOT / "scripts" / "check_translations.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert tuple(module.APPS) == PROJECT_APPS


def test_every_app_folder_of_the_repository_is_listed():
    folders = {path.parent.name for path in ROOT.glob("*/apps.py")}
    assert folders == set(PROJECT_APPS)


def test_the_packaging_takes_its_packages_from_the_list():
    setup = (ROOT / "setup.py").read_text(encoding="utf-8")
    assert "project_apps.py" in setup and "PROJECT_APPS" in setup
    assert "[tool.setuptools]" not in (ROOT / "pyproject.toml").read_text(encoding="utf-8")
