"""A small fixed-window rate limiter on the cache, for what strangers can post."""

import time

from django.core.cache import cache
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str:
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def rate_limited(scope: str, ident: str, *, limit: int, window: int) -> int | None:
    """Count one attempt; return seconds until retry when over the limit, else None."""
    now = int(time.time())
    start = now - now % window
    key = f"rl:{scope}:{ident}:{start}"
    if cache.add(key, 1, timeout=window + 1):
        count = 1
    else:
        try:
            count = cache.incr(key)
        except ValueError:
            cache.set(key, 1, timeout=window + 1)
            count = 1
    if count > limit:
        return start + window - now
    return None
