"""Cached pieces of pages, retired by *generations* when what they show changes: the portal's one
caching mechanism.

A generation is a token kept in the cache under a name: ``"register"``, ``"units"``,
``"document:902"``. A cached piece is stored with the tokens of the generations it depends on and
is used only while they are all still current; ``bump(name)`` gives a generation a new token, so
every piece stored under the old one is never used again (and expires on its own).

* ``cached(key, generations, build, timeout)`` reads the piece and its generations in one round
  trip to the cache (``get_many``) and calls ``build()`` only when the piece is missing or stale;
  ``cached_many({name: Piece(…)})`` does the same for several pieces in one round trip (a page
  that needs four pieces pays for one trip to Redis, not four).
* ``track(model label, names, fields=None)`` bumps generations whenever a row of that model is
  saved or deleted (or a many-to-many relation through that table changes). ``names`` is a tuple
  of names, or a function of the row that returns them (``lambda r: [f"document:{r.document_id}"]``).
  With ``fields``, only a change to one of those fields bumps them (a person's name, not their last
  sign-in). ``QuerySet.update()`` and ``bulk_create()`` send no signals: the services that use them
  call ``bump`` themselves. ``immutable(label)`` says a model's rows never change once written
  (signatures): pieces may show them without a generation. A test
  (``tests/fragment_check.py``) records every model field a cached piece shows and fails when a
  change to it would not retire the piece.
* Every piece also depends on the generation ``EVERYTHING``: ``forget_all()`` retires every piece
  at once without emptying the cache, which may be shared (the benchmark's first visits, a bulk
  load, the cache coming back after an outage).
* ``request_piece(name, make)``: a piece every page may show (the navigation's unread count),
  read in the same round trip as the first pieces a view reads during the request
  (``middleware.CurrentRequestMiddleware``); ``request_value(request, name)`` hands it to the template, and
  reads it alone on a page that read no piece. Views do not know about it.
* A generation is bumped at once and again when the transaction commits: a reader in another
  process that read the old rows before the commit may store its piece under the first new token,
  never under the final one.
* A generation the cache has lost (evicted, or the cache was emptied) is given a fresh token,
  never a default that an old piece could still match.
* A piece's key holds the *release* (``release()``): HTML rendered by other templates or
  translations, or rows pickled from other models, are never read after a deployment.
* When the cache is down (``qms_portal/cache.py``) every read is a miss and every write is
  dropped: pages are built each time, slower, and nothing fails.
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

from .middleware import current_request, serving

_PREFIX = "qms:gen:"
EVERYTHING = "*"  # every piece depends on it (``forget_all``)
# The core's generations, bumped by any change to a unit (or a grant on one), to a person's name,
# to a role (``apps.py``): a piece that shows one of them depends on its generation.
UNITS, PEOPLE, ROLES = "units", "people", "roles"
# The core's lists (``apps.py`` says what bumps them): the people list (a person's listed fields,
# not only their name), role assignments and access requests.
PEOPLE_LIST, ASSIGNMENTS, ACCESS_REQUESTS = "people-list", "assignments", "access-requests"
_TRACKED = defaultdict(list)  # model label → [(names or function(row) → names, fields or None)]
_WATCHED = defaultdict(set)  # model label → the fields some of its ``track`` calls are limited to
_IMMUTABLE = set()
_ROW_GENERATIONS = {}  # model label → the generation any change to its rows bumps (``track_rows``)
_REQUEST_PIECES = {}  # name → function(request) → Piece or None
_BUILT_ALONE = set()  # the request pieces built, not read, on a page that read no piece (``request_piece``)


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


def forget_all():
    """Every cached piece is stale from now on: the cache itself is left as it is (it may hold
    other things, or be shared with something that must not be emptied)."""
    bump(EVERYTHING)


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
    strings, dates). A method or function (``page.has_next`` for ``page.has_next()``) has no
    stable ``repr``: a key made with one would never be found again."""
    if any(callable(part) for part in parts):
        raise TypeError("A cache key part must be a value, not a function or method.")
    return "qms:frag:" + hashlib.sha256(repr((release(), parts)).encode()).hexdigest()


def _valid(entry, tokens):
    if entry is not None and entry[0] == tokens:
        return entry[1]
    return None


class Piece:
    """One cached piece for ``cached_many``: built by ``build()`` when missing or stale."""

    def __init__(self, key, generations, build, timeout):
        self.key, self.generations, self.build, self.timeout = key, tuple(generations), build, timeout


def _build(piece):
    return piece.build()


def _with_request_pieces(pieces):
    """``pieces`` and, the first time in a request, the pieces every page may show (and the request)."""
    request = current_request()
    if request is None or getattr(request, "_qms_pieces_claimed", False):
        return pieces, {}, None
    request._qms_pieces_claimed = True
    extra = {}
    for name, make in _REQUEST_PIECES.items():
        piece = make(request)
        if piece is not None:
            extra[("request", name)] = piece
    return {**pieces, **extra}, extra, request


def cached_many(pieces):
    """``{name: value}`` for ``{name: Piece}``: every piece and generation read in one round trip
    to the cache, the missing ones built and written back (one more round trip per timeout). The
    first call in a request also reads the request's own pieces (``request_piece``)."""
    pieces, extra, request = _with_request_pieces(pieces)
    if not pieces:
        if request is not None:
            request._qms_pieces = {}
        return {}
    gen_keys = {name: [_gen_key(g) for g in (EVERYTHING, *piece.generations)] for name, piece in pieces.items()}
    found = cache.get_many([*(p.key for p in pieces.values()), *{k for keys in gen_keys.values() for k in keys}])
    values, writes = {}, defaultdict(dict)
    for name, piece in pieces.items():
        tokens = _current(found, gen_keys[name])
        value = _valid(found.get(piece.key), tokens)
        if value is None:
            value = _build(piece)
            writes[piece.timeout][piece.key] = (tokens, value)
        values[name] = value
    for timeout, entries in writes.items():
        cache.set_many(entries, timeout)
    if request is not None:
        request._qms_pieces = {key[1]: values.pop(key) for key in extra}
    return values


def cached(key, generations, build, timeout):
    """The piece under ``key``, built by ``build()`` and kept for ``timeout`` seconds when missing
    or when one of its ``generations`` was bumped since it was stored."""
    return cached_many({"piece": Piece(key, generations, build, timeout)})["piece"]


def shows(rows, *fields):
    """The piece being built shows these ``fields`` of each of ``rows`` (paths such as
    ``unit__code``), written out in Python rather than by a template (a list's rows). Nothing
    happens here: the fragment check (``tests/fragment_check.py``) records it as it records what a
    template shows, so that a change to one of those fields must retire the piece."""


# --- Pieces every page may show ------------------------------------------------------------------


def request_piece(name, make, build_alone=False):
    """``make(request)`` → a ``Piece`` (or None) that any page may show: read with the first pieces
    a view reads during the request, in the same round trip. Registered once, from ``ready``.

    ``build_alone``: on a page that read no piece of its own, the piece is built, not read from the
    cache — for a piece that costs no more to build than a round trip to the cache (a COUNT on an
    index), where reading it alone would take one round trip when kept and three when not."""
    _REQUEST_PIECES[name] = make
    if build_alone:
        _BUILT_ALONE.add(name)
    else:
        _BUILT_ALONE.discard(name)


def request_value(request, name):
    """The value of the request piece ``name``: from the round trip a view already made, or read
    now (the page read no piece of its own; built without the cache if it is ``build_alone``)."""
    found = getattr(request, "_qms_pieces", None)
    if found is None and name in _BUILT_ALONE and not getattr(request, "_qms_pieces_claimed", False):
        piece = _REQUEST_PIECES[name](request)
        value = None if piece is None else _build(piece)
        # Kept for the request: the layout asks again for every template rendered with it.
        request._qms_pieces_claimed, request._qms_pieces = True, {name: value}
        return value
    if found is None or name not in found:
        with serving(request):
            request._qms_pieces_claimed = False  # (claimed by a read that has not finished: read again)
            cached_many({})
        found = request._qms_pieces
    return found.get(name)


# --- What retires what ---------------------------------------------------------------------------


def track(label, names, fields=None):
    """Bump ``names`` (a tuple, or a function of the changed row) when a row of ``label`` changes
    (with ``fields``: when one of those fields changes, or the row is created or deleted)."""
    fields = frozenset(fields) if fields else None
    _TRACKED[label].append((names, fields))
    if fields:
        _WATCHED[label] |= fields


def immutable(label):
    """Rows of ``label`` never change once written: a piece may show them without a generation."""
    _IMMUTABLE.add(label)


def track_rows(labels, named=None):
    """For pieces that show rows of models they cannot name in advance (a message refers to any
    record): each model of ``labels`` gets a generation that any change to one of its rows bumps,
    ``rows:<label>``, unless ``named`` gives it one it already has (a unit's, a person's name's)."""
    named = named or {}
    for label in labels:
        if label in _IMMUTABLE:
            continue
        if label in named:
            _ROW_GENERATIONS[label] = named[label]
        else:
            _ROW_GENERATIONS[label] = f"rows:{label}"
            track(label, (_ROW_GENERATIONS[label],))


def rows_generations(labels):
    """The generations that retire a piece showing rows of ``labels`` (``track_rows``; rows that
    never change need none), or None when one of them has none: such a piece must not be cached."""
    if any(label not in _ROW_GENERATIONS and label not in _IMMUTABLE for label in labels):
        return None
    return sorted({_ROW_GENERATIONS[label] for label in labels if label in _ROW_GENERATIONS})


def tracked_names(label, instance, field=None):
    """The generations a change to ``instance`` (to its ``field``, if given) bumps."""
    names = set()
    for spec, fields in _TRACKED.get(label, ()):
        if field is None or fields is None or field in fields:
            names.update(spec(instance) if callable(spec) else spec)
    return names


def _names(sender, instance, changed=None):
    """``changed``: the watched fields that changed (None: the row is new or gone, or unknown)."""
    names = set()
    for spec, fields in _TRACKED.get(sender._meta.label, ()):
        if fields is None or changed is None or fields & changed:
            names.update(spec(instance) if callable(spec) else spec)
    return names


def row_saving(sender, instance=None, update_fields=None, raw=False, **kwargs):
    """``pre_save``: which of the watched fields of an existing row this save changes."""
    watched = _WATCHED.get(sender._meta.label)
    if not watched or raw or instance._state.adding or instance.pk is None:
        return
    if update_fields is not None:
        instance._qms_changed = watched & set(update_fields)
        return
    stored = sender._base_manager.filter(pk=instance.pk).values(*watched).first()
    if stored is not None:
        instance._qms_changed = {name for name in watched
                                 if stored[name] != getattr(instance, sender._meta.get_field(name).attname)}


def row_changed(sender, instance=None, **kwargs):
    """``post_save`` / ``post_delete`` of any model."""
    if sender._meta.label in _TRACKED:
        changed = instance.__dict__.pop("_qms_changed", None) if "created" in kwargs else None
        bump(*_names(sender, instance, changed))


def relation_changed(sender, instance=None, action="", **kwargs):
    """``m2m_changed``: ``sender`` is the through table, ``instance`` the row whose set changed."""
    if action in ("post_add", "post_remove", "post_clear") and sender._meta.label in _TRACKED:
        bump(*_names(sender, instance))
