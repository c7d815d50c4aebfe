"""Password hashing at OWASP's recommended Argon2id floor, fast enough for a registration rush."""

from django.contrib.auth.hashers import Argon2PasswordHasher


class Argon2idPasswordHasher(Argon2PasswordHasher):
    """Argon2id with 19 MiB, 2 iterations and 1 lane (OWASP Password Storage Cheat Sheet).

    Django's defaults (100 MiB, 8 lanes) cost about 200 ms of both cores per login: 4 to 6 logins
    per second on a 2-core server, so a registration morning queued parents for over a minute.
    These parameters take about 20 ms on one core. The algorithm name stays ``argon2``, so hashes
    made with the old parameters still verify and Django re-hashes them at the next login
    (``must_update`` compares the parameters).
    """

    time_cost = 2
    memory_cost = 19456  # KiB
    parallelism = 1
