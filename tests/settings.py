"""Settings for the test suite: the project's settings with ESPACE_FAMILLE_TESTING on.

It switches to a fast password hasher, the in-memory email outbox and a local cache; every
other setting comes from the same environment variables as in production (DATABASE_URL…).
"""

import os

os.environ["ESPACE_FAMILLE_TESTING"] = "1"

from espace_famille.settings import *  # noqa: F403

# Staff tests log in with force_login; the second-factor tests turn this on themselves.
STAFF_REQUIRE_TOTP = False
