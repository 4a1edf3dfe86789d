"""Rate limits on what strangers can post, shared by every worker and server."""

import math
import random
import time

from django.conf import settings
from django.db import connection
from django.http import HttpRequest

from fanfold.core.shared import redis_client, redis_url


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


# A token bucket per scope and identity: `limit` tokens at most, refilled at limit/window per
# second; each attempt takes one. A burst drains it, so a burst across any boundary gets
# `limit` through, never twice that. The bucket lives where every worker and server sees it:
# one row per bucket in the database (one atomic statement), or a hash in Redis when the
# archive is configured with Redis. Never in one process's memory. The stamp only moves
# forward, so servers whose clocks differ a little can't refill a bucket twice.
_BUCKET_SQL = """
INSERT INTO core_ratebucket (bucket, tokens, stamp, allowed) VALUES (%s, %s, %s, %s)
ON CONFLICT (bucket) DO UPDATE SET
    tokens = CASE WHEN {level} >= 1 THEN {level} - 1 ELSE {level} END,
    allowed = ({level} >= 1),
    stamp = CASE WHEN excluded.stamp > core_ratebucket.stamp
        THEN excluded.stamp ELSE core_ratebucket.stamp END
RETURNING tokens, allowed
"""
_LEVEL = (
    "(CASE WHEN core_ratebucket.tokens + {elapsed} * {rate} > {cap} THEN {cap}"
    " ELSE core_ratebucket.tokens + {elapsed} * {rate} END)"
)
_ELAPSED = (
    "(CASE WHEN excluded.stamp > core_ratebucket.stamp"
    " THEN excluded.stamp - core_ratebucket.stamp ELSE 0 END)"
)
_REDIS_BUCKET = """
local cap, rate, now = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local saved = redis.call('HMGET', KEYS[1], 'tokens', 'stamp')
local tokens = tonumber(saved[1]) or cap
local stamp = tonumber(saved[2]) or now
local level = math.min(cap, tokens + math.max(0, now - stamp) * rate)
local allowed = 0
if level >= 1 then
    level = level - 1
    allowed = 1
end
redis.call('HSET', KEYS[1], 'tokens', tostring(level), 'stamp', tostring(math.max(stamp, now)))
redis.call('EXPIRE', KEYS[1], math.ceil(cap / rate) + 1)
return {allowed, tostring(level)}
"""
# Full buckets are forgotten after this long (any window up to it refills completely first).
_FORGET_SECONDS = 7 * 86400


def _take_from_database(key: str, cap: float, rate: float, now: float) -> tuple[bool, float]:
    level = _LEVEL.format(elapsed=_ELAPSED, rate=repr(rate), cap=repr(cap))
    with connection.cursor() as cursor:
        cursor.execute(_BUCKET_SQL.format(level=level), [key, cap - 1, now, True])
        tokens, allowed = cursor.fetchone()
        if random.random() < 0.001:
            cursor.execute("DELETE FROM core_ratebucket WHERE stamp < %s", [now - _FORGET_SECONDS])
    return bool(allowed), float(tokens)


def _take_from_redis(url: str, key: str, cap: float, rate: float, now: float) -> tuple[bool, float]:
    allowed, tokens = redis_client(url).eval(_REDIS_BUCKET, 1, f"fanfold:rl:{key}", cap, rate, now)
    return bool(int(allowed)), float(tokens)


def rate_limited(scope: str, ident: str, *, limit: int, window: int) -> int | None:
    """Count one attempt; return seconds until retry when over the limit, else None."""
    cap, rate, now = float(max(limit, 1)), max(limit, 1) / window, time.time()
    key = f"{scope}:{ident}"[:200]
    if url := redis_url():
        allowed, tokens = _take_from_redis(url, key, cap, rate, now)
    else:
        allowed, tokens = _take_from_database(key, cap, rate, now)
    if allowed:
        return None
    return max(1, math.ceil((1 - tokens) / rate))


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
