"""A small fixed-window rate limiter on the cache, for what strangers can post."""

import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str:
    """The reader's address; behind a trusted reverse proxy, the one it forwarded for."""
    remote = request.META.get("REMOTE_ADDR", "") or "unknown"
    trusted = settings.FANFOLD_TRUSTED_PROXIES
    if remote not in trusted:
        return remote
    hops = [h.strip() for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    hops = [h for h in hops if h]
    # Each proxy appends the address it saw: the last one that isn't ours is the reader.
    for hop in reversed(hops):
        if hop not in trusted:
            return hop
    return hops[0] if hops else remote


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


def over_rate(request: HttpRequest, scope: str, rate: tuple[int, int]) -> int | None:
    """Count a post against both this user and this address; seconds to wait if over either."""
    limit, window = rate
    waits = [rate_limited(scope, f"ip:{client_ip(request)}", limit=limit, window=window)]
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        waits.append(rate_limited(scope, f"u:{user.pk}", limit=limit, window=window))
    return max((w for w in waits if w), default=None)


class RateLimited(Exception):
    """Raised by API endpoints over a rate limit; answered with 429 and Retry-After."""

    def __init__(self, retry_after: int):
        super().__init__(f"Too many requests: try again in {retry_after} seconds.")
        self.retry_after = retry_after
