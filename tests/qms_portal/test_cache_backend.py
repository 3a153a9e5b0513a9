"""What the portal caches survives the trip through the production cache (Redis): the tests run
with a cache in memory (tests/conftest.py), so this one writes and reads each kind of value through
Redis itself, under a key of its own."""

import os
import uuid

import pytest
from django.core.cache.backends.redis import RedisCache

from tests.helpers import need

pytestmark = pytest.mark.redis


def test_options_coverage_and_fragments_round_trip_through_redis():
    url = os.environ.get("REDIS_URL")
    need(bool(url), "REDIS_URL is not set", "QMS_REQUIRE_REDIS")
    redis = RedisCache(url, {})
    prefix = f"qms-test-{uuid.uuid4().hex}:"
    values = {
        "options": (123, [("1", '  <option value="1">Sở Nội vụ</option>'),
                          ("2", '  <option value="2">区政府</option>')]),
        "coverage": [{"unit__code": "SNV", "unit__name": "Sở Nội vụ", "total": 6, "done": 1}],
        "fragment": "<div>第 1 页 · Quy trình</div>",
    }
    try:
        for name, value in values.items():
            redis.set(prefix + name, value, 30)
        assert redis.get_many([prefix + name for name in values]) == {prefix + k: v for k, v in values.items()}
    finally:
        redis.delete_many([prefix + name for name in values])
