"""Limits that hold across every socket of a person, and of an address, in every
process: token buckets kept in Redis when REDIS_URL is set, in this process otherwise
(one process then serves everyone). If Redis cannot be reached the limit lets the
message through: writes still go to the database, and the per-socket patience
(consumers.py) still closes a flood."""

import asyncio
import logging
import weakref

import redis.asyncio as redis
from django.conf import settings

from .ratelimit import TokenBucket

logger = logging.getLogger(__name__)

LOCAL_KEYS_MAX = 10_000  # buckets back to full are forgotten past this many

# Refill since the last take, then take `cost` tokens if there are that many.
TAKE = """
local now = redis.call('TIME')
now = tonumber(now[1]) + tonumber(now[2]) / 1000000
local rate, burst, cost = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local state = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(state[1]) or burst
local at = tonumber(state[2]) or now
tokens = math.min(burst, tokens + math.max(0, now - at) * rate)
local taken = 0
if tokens >= cost then
  tokens = tokens - cost
  taken = 1
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(now))
redis.call('PEXPIRE', KEYS[1], math.ceil(burst / rate * 1000) + 1000)
return taken
"""


class Limits:
    def __init__(self):
        self.local: dict[str, TokenBucket] = {}
        # One Redis client per event loop: a client is bound to the loop it was made on.
        self.clients: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()

    async def take(self, key: str, rate: float, burst: float, cost: float = 1) -> bool:
        if not settings.REDIS_URL:
            return self._local_bucket(key, rate, burst).allow(cost)
        try:
            script = self._script()
            redis_key = f"{settings.REDIS_PREFIX}:limit:{key}"
            return bool(await script(keys=[redis_key], args=[rate, burst, cost]))
        except (redis.RedisError, OSError) as exc:
            logger.warning("limits unavailable, letting %s through: %s", key, exc)
            return True

    def _local_bucket(self, key: str, rate: float, burst: float) -> TokenBucket:
        bucket = self.local.get(key)
        if bucket is None or (bucket.rate, bucket.burst) != (rate, burst):
            if len(self.local) >= LOCAL_KEYS_MAX:
                self.local = {k: b for k, b in self.local.items() if not b.is_full()}
            bucket = self.local[key] = TokenBucket(rate, burst)
        return bucket

    def _script(self):
        loop = asyncio.get_running_loop()
        if loop not in self.clients:
            client = redis.from_url(settings.REDIS_URL, socket_timeout=1)
            self.clients[loop] = client.register_script(TAKE)
        return self.clients[loop]


limits = Limits()
