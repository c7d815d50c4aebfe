"""Settings of the benchmarks: the production settings (DEBUG off) with what a measurement needs.

The database, media and static directories still come from the environment (DATABASE_URL,
MEDIA_ROOT, STATIC_ROOT), which `python -m benchmarks` points at a temporary directory.
"""

import os

_KEY_ADDED = "SECRET_KEY" not in os.environ
if _KEY_ADDED:
    os.environ["SECRET_KEY"] = "benchmarks-only-key-never-used-by-a-server"  # noqa: S105
try:
    from espace_famille.settings import *  # noqa: F403
finally:
    if _KEY_ADDED:
        del os.environ["SECRET_KEY"]

ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
# Django's test client speaks plain HTTP.
SECURE_SSL_REDIRECT = False
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Mes factures as a structure that takes online payments shows it (the sandbox moves no money).
PAYMENT_PROVIDER = "sandbox"
ALLOW_SANDBOX_PAYMENTS = True
