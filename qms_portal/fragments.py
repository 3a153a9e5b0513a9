"""Cached pieces of pages, retired by *generations* when what they show changes.

A generation is a token kept in the cache under a name: ``"options"``, ``"register"``,
``"document:902"``. A cached piece is stored with the tokens of the generations it depends on and
is used only while they are all still current; ``bump(name)`` gives a generation a new token, so
every piece stored under the old one is never used again (and expires on its own).

* ``cached(key, generations, build, timeout)`` reads the piece and its generations in one round
  trip to the cache (``get_many``) and calls ``build()`` only when the piece is missing or stale;
  ``cached_many({name: Piece(…)})`` does the same for several pieces in one round trip (a page
  that needs four pieces pays for one trip to Redis, not four).
* ``track(model label, names)`` bumps generations whenever a row of that model is saved or deleted
  (or a many-to-many relation through that table changes). ``names`` is a tuple of names, or a
  function of the row that returns them (``lambda r: [f"document:{r.document_id}"]``).
  ``QuerySet.update()`` and ``bulk_create()`` send no signals: the services that use them call
  ``bump`` themselves.
* A generation is bumped at once and again when the transaction commits: a reader in another
  process that read the old rows before the commit may store its piece under the first new token,
  never under the final one.
* A generation the cache has lost (evicted, or the cache was emptied) is given a fresh token,
  never a default that an old piece could still match.
* A piece's key holds the *release* (``release()``): HTML rendered by other templates or
  translations, or rows pickled from other models, are never read after a deployment.
"""

import functools
import hashlib
import platform
import time
from collections import defaultdict
from pathlib import Path

import django
from django.conf import settings
from django.core.cache import cache
from django.db import transaction

_PREFIX = "qms:gen:"
_TRACKED = defaultdict(list)  # model label → [names or function(row) → names]


def _token():
    return time.time_ns()


def _gen_key(name):
    return _PREFIX + name


def bump(*names):
    """Every piece that depends on one of ``names`` is stale from now on (and after commit)."""
    if not names:
        return
    keys = [_gen_key(n) for n in names]

    def renew():
        token = _token()
        cache.set_many(dict.fromkeys(keys, token), None)

    renew()
    transaction.on_commit(renew)


def _current(found, keys):
    """The tokens of ``keys`` from ``found`` (a ``get_many`` result); missing ones are created."""
    tokens = []
    for key in keys:
        if key not in found:
            cache.add(key, _token(), None)  # the first process to add it wins; the others read it
            found[key] = cache.get(key)
        tokens.append(found[key])
    return tuple(tokens)


@functools.cache
def release():
    """What names the running code in cache keys: ``settings.RELEASE`` (the ``RELEASE`` variable)
    when set, else a digest of the project's apps (Python and templates), its templates and its
    compiled translations, with the Python and Django versions. Servers running the same code
    share their pieces; after a deployment, none written by the old code is read. Generations are
    shared across releases, so a worker still on the old code retires what new web servers cached."""
    if getattr(settings, "RELEASE", ""):
        return settings.RELEASE
    from django.apps import apps

    base = Path(settings.BASE_DIR).resolve()
    roots = [Path(app.path) for app in apps.get_app_configs() if Path(app.path).resolve().parent == base]
    roots += [Path(d) for d in settings.TEMPLATES[0]["DIRS"]] + [Path(d) for d in settings.LOCALE_PATHS]
    digest = hashlib.sha256(f"{platform.python_version()} {django.__version__}".encode())
    for root in roots:
        for path in sorted(root.rglob("*")):
            if path.suffix in (".py", ".html", ".txt", ".svg", ".mo") and path.is_file():
                name = f"{root.name}/{path.relative_to(root)}"  # the same on every server
                digest.update(name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


def entry_key(*parts):
    """A cache key for a piece of this release, from any parts with a stable ``repr`` (ids,
    strings, dates)."""
    return "qms:frag:" + hashlib.sha256(repr((release(), parts)).encode()).hexdigest()


def lookup(key, generations):
    """``(value or None, tokens)``: the piece under ``key`` if its generations are still current."""
    gen_keys = [_gen_key(n) for n in generations]
    found = cache.get_many([key, *gen_keys])
    return _valid(found.get(key), _current(found, gen_keys))


def _valid(entry, tokens):
    if entry is not None and entry[0] == tokens:
        return entry[1], tokens
    return None, tokens


def store(key, tokens, value, timeout):
    cache.set(key, (tokens, value), timeout)


class Piece:
    """One cached piece for ``cached_many``: built by ``build()`` when missing or stale."""

    def __init__(self, key, generations, build, timeout):
        self.key, self.generations, self.build, self.timeout = key, tuple(generations), build, timeout


def cached_many(pieces):
    """``{name: value}`` for ``{name: Piece}``: every piece and generation read in one round trip
    to the cache, the missing ones built and written back (one more round trip per timeout)."""
    gen_keys = {name: [_gen_key(g) for g in piece.generations] for name, piece in pieces.items()}
    found = cache.get_many([*(p.key for p in pieces.values()), *{k for keys in gen_keys.values() for k in keys}])
    values, writes = {}, defaultdict(dict)
    for name, piece in pieces.items():
        value, tokens = _valid(found.get(piece.key), _current(found, gen_keys[name]))
        if value is None:
            value = piece.build()
            writes[piece.timeout][piece.key] = (tokens, value)
        values[name] = value
    for timeout, entries in writes.items():
        cache.set_many(entries, timeout)
    return values


def cached(key, generations, build, timeout):
    """The piece under ``key``, built by ``build()`` and kept for ``timeout`` seconds when missing
    or when one of its ``generations`` was bumped since it was stored."""
    return cached_many({"piece": Piece(key, generations, build, timeout)})["piece"]


def track(label, names):
    """Bump ``names`` (a tuple, or a function of the changed row) when a row of ``label`` changes."""
    _TRACKED[label].append(names)


def _names(sender, instance):
    names = set()
    for spec in _TRACKED.get(sender._meta.label, ()):
        names.update(spec(instance) if callable(spec) else spec)
    return names


def row_changed(sender, instance=None, **kwargs):
    """``post_save`` / ``post_delete`` of any model."""
    if sender._meta.label in _TRACKED:
        bump(*_names(sender, instance))


def relation_changed(sender, instance=None, action="", **kwargs):
    """``m2m_changed``: ``sender`` is the through table, ``instance`` the row whose set changed."""
    if action in ("post_add", "post_remove", "post_clear") and sender._meta.label in _TRACKED:
        bump(*_names(sender, instance))
