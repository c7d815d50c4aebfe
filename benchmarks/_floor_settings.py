"""Settings of the load benchmark's app servers: production's, plus one bare view (the floor)."""

from espace_famille.settings import *  # noqa: F403

ROOT_URLCONF = "benchmarks._floor_urls"
