"""Django's Redis cache, with one Redis client per connection pool instead of one per call.

``django.core.cache.backends.redis`` builds a new ``redis.Redis`` object for every cache
operation; building one fills its table of response callbacks (about 170 entries), which cost
more CPU than the round trip itself on the public pages' cache hits. A client is thread-safe
and holds no connection of its own (it borrows one from the pool), so one per pool suffices.
"""

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient


class KeptClientRedisCacheClient(RedisCacheClient):
    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        clients = self.__dict__.setdefault("_clients", {})
        client = clients.get(id(pool))
        if client is None:
            client = clients[id(pool)] = self._client(connection_pool=pool)
        return client


class RedisCache(DjangoRedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = KeptClientRedisCacheClient
