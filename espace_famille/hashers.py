"""Password hashing at OWASP's recommended Argon2id floor, fast enough for a registration rush."""

from django.contrib.auth.hashers import Argon2PasswordHasher


class Argon2idPasswordHasher(Argon2PasswordHasher):
    """Argon2id with 7 MiB, 5 iterations and 1 lane: one of the equivalent configurations the
    OWASP Password Storage Cheat Sheet recommends as a minimum.

    Django's defaults (100 MiB, 8 lanes) cost about 200 ms of both cores per login: 4 to 6 logins
    per second on a 2-core server, so a registration morning queued parents for over a minute.
    Of OWASP's equivalent configurations, this one is the cheapest on our 2-core machines (one
    verification: 24 ms of CPU, against 33 ms for 19 MiB and 2 iterations, 69 ms for 46 MiB and
    1 iteration; `docs/benchmarks.md`). The algorithm name stays ``argon2``, so hashes made with
    other parameters still verify and Django re-hashes them at the next login (``must_update``
    compares the parameters).
    """

    time_cost = 5
    memory_cost = 7168  # KiB
    parallelism = 1
