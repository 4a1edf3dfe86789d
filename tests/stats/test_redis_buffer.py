"""With REDIS_URL the hit buffer is a Redis list shared by every server."""

import pytest

from fanfold.stats.hits import RedisBuffer, hit_buffer
from fanfold.stats.services import hits_flush
from fanfold.works.models import Work
from tests.stats.conftest import guest


@pytest.fixture
def on_redis(settings, redis_url):
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": redis_url}
    }
    buffer = hit_buffer()
    assert isinstance(buffer, RedisBuffer)
    buffer.client.flushdb()
    yield buffer
    buffer.client.flushdb()


@pytest.mark.django_db
def test_hits_go_through_redis(on_redis, serial):
    ch1 = serial.chapters.order_by("position").first()
    url = ch1.get_absolute_url()
    assert guest("10.0.0.1").get(url)["X-Fanfold-Cache"] == "miss"
    assert guest("10.0.0.2").get(url)["X-Fanfold-Cache"] == "hit"
    assert on_redis.client.llen(RedisBuffer.KEY) == 2
    # A flush that died after moving the list aside leaves it for the next one.
    on_redis.rotate()
    guest("10.0.0.3").get(url)
    hits_flush()
    assert Work.objects.get(pk=serial.pk).hit_count == 3
    assert not list(on_redis.client.scan_iter(match=f"{RedisBuffer.KEY}*"))
    hits_flush()
    assert Work.objects.get(pk=serial.pk).hit_count == 3
