"""The portal's Redis cache: when Redis is down, pages are slower, never broken.

``PortalRedisCache`` is Django's ``RedisCache`` whose failures are misses:

* a read that fails returns nothing (the piece is built from the database), a write that fails is
  dropped, and the failure is logged as a warning at most once a minute (``WARN_EVERY``);
* after a failure Redis is left alone for ``RETRY_AFTER`` seconds (5): every call in that time is
  a miss at once, so a page never waits on a dead server more than once per interval per process;
* connections time out after ``SOCKET_TIMEOUT`` seconds (0.5: a cache that answers slower than
  the database is no use);
* when Redis answers again after a failed write, every piece cached before the outage is retired
  (``fragments.forget_all``): a generation bumped during the outage was lost, and what Redis kept
  must not be read as current.

Sessions are in the database and django-axes records sign-in failures there too; tasks go
through the outbox (``notifications.py``), whose rows wait when the broker is down. So a Redis
outage leaves every page working.
"""

import logging
import threading
import time
from urllib.parse import urlsplit

from django.core.cache.backends.redis import RedisCache

log = logging.getLogger(__name__)

_STATES = {}
_LOCK = threading.Lock()


class _State:
    """What one process knows of one Redis server: shared by the cache objects of its threads."""

    def __init__(self):
        self.down_until = 0.0  # monotonic time before which the server is not tried
        self.down_since = None  # when the current outage was first seen
        self.warned_at = None
        self.lost_write = False


def _state(location):
    with _LOCK:
        return _STATES.setdefault(location, _State())


def reset():
    """Forget every outage seen (tests)."""
    with _LOCK:
        _STATES.clear()


def _public(location):
    """The server's address without its password, for the log."""
    parts = urlsplit(location)
    host = parts.hostname or ""
    return f"{parts.scheme}://{host}{f':{parts.port}' if parts.port else ''}{parts.path}"


_WRITES = {"set", "add", "set_many", "delete", "delete_many", "touch", "incr", "clear"}


def _guarded(name, fallback):
    def call(self, *args, **kwargs):
        state = self._state
        if state.down_until and time.monotonic() < state.down_until:
            if name in _WRITES:
                state.lost_write = True
            return fallback(*args, **kwargs)
        try:
            result = getattr(super(PortalRedisCache, self), name)(*args, **kwargs)
        except self._errors as error:
            self._failed(error, write=name in _WRITES)
            return fallback(*args, **kwargs)
        if state.down_since is not None and self._recovered() and name not in _WRITES:
            # What was just read may be a piece a lost bump should have retired: a miss instead.
            return fallback(*args, **kwargs)
        return result

    call.__name__ = name
    return call


class PortalRedisCache(RedisCache):
    """``RedisCache`` that answers a miss when Redis fails (see the module). ``OPTIONS``:
    ``RETRY_AFTER`` and ``WARN_EVERY`` (seconds), and anything redis-py's connection pool takes
    (``socket_timeout`` and ``socket_connect_timeout`` default to ``SOCKET_TIMEOUT``)."""

    RETRY_AFTER = 5.0
    WARN_EVERY = 60.0
    SOCKET_TIMEOUT = 0.5

    def __init__(self, server, params):
        options = dict(params.get("OPTIONS") or {})
        self.retry_after = float(options.pop("RETRY_AFTER", self.RETRY_AFTER))
        self.warn_every = float(options.pop("WARN_EVERY", self.WARN_EVERY))
        options.setdefault("socket_timeout", self.SOCKET_TIMEOUT)
        options.setdefault("socket_connect_timeout", self.SOCKET_TIMEOUT)
        super().__init__(server, {**params, "OPTIONS": options})
        self._location = self._servers[0]
        self._state = _state(self._location)
        from redis.exceptions import RedisError

        self._errors = (RedisError, OSError)

    def _failed(self, error, write):
        state = self._state
        now = time.monotonic()
        with _LOCK:
            state.down_until = now + self.retry_after
            if state.down_since is None:
                state.down_since = now
            state.lost_write = state.lost_write or write
            warn = state.warned_at is None or now - state.warned_at >= self.warn_every
            if warn:
                state.warned_at = now
        if warn:
            log.warning("The cache (%s) is unavailable: %s: %s. Pages are built without it; trying again every "
                        "%g s.", _public(self._location), type(error).__name__, error, self.retry_after)

    def _recovered(self):
        """Redis answers again: True when a write was lost meanwhile (every piece is then retired)."""
        state = self._state
        with _LOCK:
            if state.down_since is None:
                return False
            seconds = time.monotonic() - state.down_since
            lost, state.lost_write = state.lost_write, False
            state.down_since, state.down_until, state.warned_at = None, 0.0, None
        log.warning("The cache (%s) is available again after %.0f s.%s", _public(self._location), seconds,
                    " Every piece cached before the outage is retired." if lost else "")
        if lost:
            from . import fragments

            fragments.forget_all()
        return lost

    get = _guarded("get", lambda key, default=None, version=None: default)
    get_many = _guarded("get_many", lambda keys, version=None: {})
    has_key = _guarded("has_key", lambda key, version=None: False)
    add = _guarded("add", lambda *args, **kwargs: False)
    set = _guarded("set", lambda *args, **kwargs: None)
    set_many = _guarded("set_many", lambda data, *args, **kwargs: list(data))
    touch = _guarded("touch", lambda *args, **kwargs: False)
    delete = _guarded("delete", lambda *args, **kwargs: False)
    delete_many = _guarded("delete_many", lambda *args, **kwargs: None)
    clear = _guarded("clear", lambda *args, **kwargs: None)

    def incr(self, key, delta=1, version=None):
        try:
            return super().incr(key, delta, version)
        except self._errors as error:
            self._failed(error, write=True)
            raise ValueError(f"Key '{key}' not found (the cache is unavailable).") from error
