"""Where state shared by every process and server lives: the database, or Redis if configured."""

import functools
from typing import Any

from django.conf import settings


def redis_url() -> str | None:
    """The Redis that every server shares, when the archive is configured with one."""
    cache = settings.CACHES.get("default", {})
    if "redis" not in cache.get("BACKEND", "").lower():
        return None
    location = cache.get("LOCATION")
    return location[0] if isinstance(location, list | tuple) else location


@functools.cache
def redis_client(url: str) -> Any:
    """One connection pool per process and Redis address."""
    import redis

    return redis.Redis.from_url(url)
