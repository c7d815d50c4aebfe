"""Settings of the test suite: the project's settings, then what tests need on top of them.

Only this module (DJANGO_SETTINGS_MODULE=tests.settings, set in pyproject.toml) relaxes
anything: no environment variable can switch a server to these values. Every other setting
comes from the same environment variables as in production (DATABASE_URL…).
"""

import os

# The real settings refuse to start without a key outside DEBUG; the suite runs without DEBUG.
_KEY_ADDED = "SECRET_KEY" not in os.environ
if _KEY_ADDED:
    os.environ["SECRET_KEY"] = "tests-only-key-never-used-by-a-server"
try:
    from espace_famille.settings import *  # noqa: F403
    from espace_famille.settings import CACHES, STORAGES
finally:
    if _KEY_ADDED:  # subprocesses started by tests see the caller's environment, unchanged
        del os.environ["SECRET_KEY"]

ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast, tests only
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CACHES = {**CACHES, "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Plain HTTP test client and live server.
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SECURE_HSTS_SECONDS = 0

# The sandbox provider settles invoices without money: allowed here, refused in production.
PAYMENT_PROVIDER = "sandbox"
ALLOW_SANDBOX_PAYMENTS = True

# Staff tests log in with force_login; the second-factor tests turn this on themselves.
STAFF_REQUIRE_TOTP = False
