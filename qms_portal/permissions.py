"""THE permission mechanism.

A user holds roles on units (``RoleAssignment(user, role, unit, include_subunits)``); a role is a
set of Django permissions. Every scoped model names the lookup that reaches its unit
(``unit_field``). From that:

* ``restrict(queryset, user, action)`` — exactly the rows the user may act on, as one SQL filter:
  the user's own role grants (a handful of units and paths, read once per request) become unit
  ids and indexed path-prefix matches; single-object grants and a model's own widening
  (``scope_extra``) are subqueries. Never a Python list of object ids;
* ``can(user, action, obj)`` — the same filter on one row;
* ``RoleBackend`` — so ``user.has_perm(perm)`` (held anywhere) and ``user.has_perm(perm, obj)``
  agree with the two above;
* single-object grants (a named reviewer, an external auditor) live in django-guardian's
  direct-FK tables and are read and written only here.

An action is either a bare verb for the queryset's model (``"view"``, ``"change"``) or a full
permission name (``"qms_portal.decide_accessrequest"``).
"""

import functools

from django.contrib.auth.backends import ModelBackend
from django.db.models import Exists, OuterRef, Q
from django.utils.functional import SimpleLazyObject, empty


def perm_name(model, action):
    """``"view"`` → ``"app_label.view_modelname"``; a full name is returned as it is."""
    if "." in action:
        return action
    return f"{model._meta.app_label}.{action}_{model._meta.model_name}"


def _split(perm):
    app_label, codename = perm.split(".", 1)
    return app_label, codename


def _active(user):
    return user is not None and user.is_authenticated and user.is_active


def _real(user):
    """``request.user`` is a lazy proxy: the per-request caches live on the user it wraps."""
    if isinstance(user, SimpleLazyObject):
        if user._wrapped is empty:
            user._setup()
        return user._wrapped
    return user


def role_grants(user):
    """``{perm: {(unit_id, unit_path, include_subunits), …}}`` for the user's roles on active units.
    Read with the single-object grants in one query per request (``_load``), cached on the user
    object; the set is bounded by the user's own role assignments, never by the amount of data."""
    return _load(user)[0]


def _load(user):
    """``(role grants, permissions held through single-object grants)`` of ``user``: one plain SQL
    query on every page, so it is written out (through the ORM it cost four times as much: two
    queries, each joining the permission and content-type tables). Permission ids become names
    through ``permission_names()``."""
    user = _real(user)
    if "_qms_grants" not in user.__dict__:
        from django.db import connection

        names = permission_names()
        grants, singles = {}, set()
        with connection.cursor() as cursor:
            tables = _grant_tables()
            cursor.execute(_grants_sql(tables), [user.pk] * (1 + len(tables)))  # and the roots
            rows = cursor.fetchall()
        if any(pid is not None and pid not in names for _u, _p, _s, pid in rows):
            names = permission_names(reload=True)
        roots, active_roots = set(), set()
        for unit_id, path, subunits, permission_id in rows:
            if unit_id is None and path is not None:
                roots.add(path)  # the tree's roots (the last part of the query), and which are active
                if subunits:
                    active_roots.add(path)
                continue
            name = names.get(permission_id)
            if name is None:
                continue  # a role without permissions
            if unit_id is None:
                singles.add(name)
            else:
                grants.setdefault(name, set()).add((unit_id, path, bool(subunits)))
        user._qms_grants = grants
        user._qms_single_grants = singles
        user._qms_roots = frozenset(roots)
        user._qms_active_roots = frozenset(active_roots)
    return user._qms_grants, user._qms_single_grants


def _grant_tables():
    from guardian.models import UserObjectPermissionBase

    return [t._meta.db_table for t in UserObjectPermissionBase.__subclasses__() if not t._meta.abstract]


def _grants_sql(tables):
    from .models import Role, RoleAssignment, Unit

    roles = RoleAssignment._meta.db_table
    units = Unit._meta.db_table
    role_perms = Role.permissions.through._meta.db_table
    # Table names from the models' own metadata; the user's id is a parameter.
    sql = (
        f"SELECT ra.unit_id, u.path, ra.include_subunits, rp.permission_id FROM {roles} ra"  # noqa: S608
        f" INNER JOIN {units} u ON u.id = ra.unit_id"
        f" LEFT JOIN {role_perms} rp ON rp.role_id = ra.role_id"
        " WHERE ra.user_id = %s AND ra.ended_at IS NULL AND u.is_active"  # ended assignments grant nothing
    )
    for table in tables:
        sql += f" UNION ALL SELECT NULL, NULL, NULL, permission_id FROM {table} WHERE user_id = %s"  # noqa: S608
    # The paths of the tree's roots (a handful of rows): a reader holding a permission on every root
    # with its sub-units reaches every row, and their lists need no scope filter (``covers_all``).
    # (The third column says whether the root is active: ``administers_whole_tree`` leaves retired ones out.)
    sql += f" UNION ALL SELECT NULL, path, is_active, NULL FROM {units} WHERE parent_id IS NULL"  # noqa: S608
    return sql


_PERMISSIONS = {}  # permission id → "app_label.codename", the same in every request of a process


def permission_names(reload=False):
    """Django's permissions by id. They only change when migrations run (``post_migrate`` empties
    this map, ``apps.py``), so a process reads them once, and again when it meets an unknown id."""
    global _PERMISSIONS
    if reload or not _PERMISSIONS:
        from django.contrib.auth.models import Permission

        _PERMISSIONS = {
            pk: f"{app_label}.{codename}"
            for pk, app_label, codename in Permission.objects.values_list("pk", "content_type__app_label", "codename")
        }
    return _PERMISSIONS


def forget_permission_names(**kwargs):
    global _PERMISSIONS
    _PERMISSIONS = {}


def permission_id(perm):
    """The id of ``perm`` ("app_label.codename"), or None when there is no such permission."""
    for attempt in (False, True):
        for pk, name in permission_names(reload=attempt).items():
            if name == perm:
                return pk
    return None


def unit_scope_q(user, perm, unit_lookup):
    """The units on which ``user`` holds ``perm``, as a filter on ``unit_lookup`` ("" for a unit
    itself, "unit", "document__unit"…): the units held directly, and every unit whose materialised
    path starts with the path of a unit held with its sub-units (an indexed prefix match)."""
    grants = role_grants(user).get(perm, ())
    subtree_paths = []
    for path in sorted({path for _unit, path, subunits in grants if subunits}):
        if not any(path.startswith(kept) for kept in subtree_paths):
            subtree_paths.append(path)
    direct = sorted({unit for unit, path, subunits in grants
                     if not subunits and not any(path.startswith(kept) for kept in subtree_paths)})
    ids = "pk__in" if not unit_lookup else f"{unit_lookup}__in"
    path = "path__startswith" if not unit_lookup else f"{unit_lookup}__path__startswith"
    q = Q(**{ids: direct}) if direct else Q(pk__in=[])
    for prefix in subtree_paths:
        q |= Q(**{path: prefix})
    return q


def scope_fingerprint(user, perm):
    """What decides ``user``'s scope for ``perm``, as a value with a stable ``repr`` for cache keys:
    the units held (with or without their sub-units) and whether any single-object grant is held.
    (Which objects those grants name is not in it: a grant saved or deleted retires what depends on
    it through ``fragments.track``.)"""
    grants, singles = _load(user)
    return tuple(sorted(grants.get(perm, ()))), perm in singles


def units_where(user, perm):
    """The units on which ``user`` holds ``perm`` through a role, as a lazy queryset."""
    from .models import Unit

    return Unit.objects.filter(unit_scope_q(user, perm, ""))


def grant_model(model):
    """The django-guardian direct-FK grant table for ``model``, or None when it has none."""
    from guardian.models import UserObjectPermissionBase

    for candidate in UserObjectPermissionBase.__subclasses__():
        if candidate._meta.abstract:
            continue
        if candidate._meta.get_field("content_object").related_model is model:
            return candidate
    return None


def _granted(model, user, perm):
    table = grant_model(model)
    if table is None:
        return None
    if perm not in _load(user)[1]:
        return None  # the user holds this permission on no single object: no subquery needed
    return table.objects.filter(user=user, permission_id=permission_id(perm)).values("content_object")


def covers_all(user, perm, *, active_roots_only=False):
    """Whether ``user`` holds ``perm`` on every root of the unit tree with its sub-units: then every
    row of a scoped model is within reach (a province's steering committee, its administrators),
    and a list needs no scope filter at all — no join to the units, no test of each row's path.
    A retired root counts (its rows are still there, out of everyone's reach), unless
    ``active_roots_only`` (``administers_whole_tree``: what is global is changed by who administers
    every unit still in use)."""
    user = _real(user)
    grants, _singles = _load(user)
    roots = user._qms_active_roots if active_roots_only else user._qms_roots
    held = {path for _unit, path, subunits in grants.get(perm, ()) if subunits}
    return bool(roots) and roots <= held


def scope_q(model, user, perm):
    """The Q object that restricts ``model`` rows to those ``user`` may act on with ``perm``.
    A model without ``unit_field`` (roles) is global: all rows or none."""
    unit_field = getattr(model, "unit_field", None)
    if unit_field is None:
        return Q() if perm in held_permissions(user) else Q(pk__in=[])
    if covers_all(user, perm):
        # Every row: a condition that holds for all (the key is never null; the database drops it).
        # Not an empty Q(), which OR-ed with another by a caller would vanish (``Q() | x`` is ``x``).
        return Q(pk__isnull=False)
    q = unit_scope_q(user, perm, unit_field)
    granted = _granted(model, user, perm)
    if granted is not None:
        q |= Q(pk__in=granted)
    # A model may widen its own scope for a reason of its own (a document distributed to someone
    # is readable by them): ``scope_extra(user, perm)`` returns a Q built from subqueries, or None.
    extra = getattr(model, "scope_extra", None)
    if extra is not None:
        widened = extra(user, perm)
        if widened is not None:
            q |= widened
    return q


def restrict(queryset, user, action="view"):
    if not _active(user):
        return queryset.none()
    if user.is_superuser:
        return queryset
    return queryset.filter(scope_q(queryset.model, user, perm_name(queryset.model, action)))


def can(user, action, obj):
    """May ``user`` do ``action`` to ``obj``? The same filter as ``restrict``, on one row. When the
    permission is held nowhere, or the object's unit is already loaded and a role grant covers it,
    the answer needs no query."""
    if obj is None or obj.pk is None or not _active(user):
        return False
    if user.is_superuser:
        return True
    model = type(obj)
    perm = perm_name(model, action)
    user = _real(user)
    cache = user.__dict__.setdefault("_qms_obj_perm_cache", {})
    key = (perm, model._meta.label, obj.pk)
    if key not in cache:
        unit = _loaded_unit(obj)
        if perm not in held_permissions(user):
            cache[key] = False  # held nowhere, not even through a model's widening: no query to build
        elif unit is not None and _grants_cover(user, perm, unit):
            cache[key] = True
        else:
            cache[key] = model._default_manager.filter(pk=obj.pk).filter(scope_q(model, user, perm)).exists()
    return cache[key]


def _loaded_unit(obj):
    """The object's unit if it is the object itself or already loaded (never a query), else None."""
    unit_field = getattr(type(obj), "unit_field", None)
    if unit_field is None:
        return None
    target = obj
    for part in [p for p in unit_field.split("__") if p]:
        field = type(target)._meta.get_field(part)
        if not field.is_cached(target):
            return None
        target = getattr(target, part)
        if target is None:
            return None
    return target if target.is_active else None


def _grants_cover(user, perm, unit):
    return any(
        unit_id == unit.pk or (subunits and unit.path.startswith(path))
        for unit_id, path, subunits in role_grants(user).get(perm, ())
    )


def holds_over(user, perm, unit, subunits=False):
    """Whether ``user`` holds ``perm`` on ``unit`` — and, with ``subunits``, on every unit below it
    too (through a role held with sub-units on the unit or above it). Superusers hold everything."""
    if not _active(user):
        return False
    if user.is_superuser:
        return True
    if not subunits:
        return can(user, perm, unit)
    return any(with_subunits and unit.path.startswith(path)
               for _unit_id, path, with_subunits in role_grants(user).get(perm, ()))


def administers_whole_tree(user, perm):
    """Whether ``user`` holds ``perm`` on the whole unit tree: on every active top unit, with its
    sub-units (``covers_all`` without the retired roots). What is global (what a role grants, the
    same in every unit) is changed only by them (and superusers), never by the administrator of one
    branch."""
    if not _active(user):
        return False
    if user.is_superuser:
        return True
    return covers_all(user, perm, active_roots_only=True)


def held_permissions(user):
    """Every permission ``user`` holds somewhere (a role on an active unit, or a single-object
    grant), as ``{"app_label.codename"}``: read with the role grants in one query per request at
    most (``_load``), cached on the user object."""
    if not _active(user):
        return set()
    user = _real(user)
    if "_qms_perm_cache" not in user.__dict__:
        grants, singles = _load(user)
        perms = set(grants) | singles
        # A model that widens its scope (``scope_extra``) says which permissions that widening
        # gives, so "held somewhere" agrees with ``restrict``: a document distributed to someone
        # without any role is readable by them, and the pages that list it open for them.
        for model in _widening_models():
            perms |= model.widened_permissions(user, perms)
        user._qms_perm_cache = perms
    return user._qms_perm_cache


_WIDENING = None


def _widening_models():
    global _WIDENING
    if _WIDENING is None:
        from django.apps import apps

        _WIDENING = [m for m in apps.get_models() if hasattr(m, "widened_permissions")]
    return _WIDENING


def forget(user):
    """Drop the per-request permission caches (after a role or grant changes)."""
    user = _real(user)
    user.__dict__.pop("_qms_grants", None)
    user.__dict__.pop("_qms_single_grants", None)
    user.__dict__.pop("_qms_perm_cache", None)
    user.__dict__.pop("_qms_obj_perm_cache", None)
    user.__dict__.pop("_qms_roots", None)
    user.__dict__.pop("_qms_active_roots", None)


def grant(user, perm, obj):
    """Give ``user`` ``perm`` on the single object ``obj`` (a named reviewer, an external auditor)."""
    from guardian.shortcuts import assign_perm

    assign_perm(perm_name(type(obj), perm), user, obj)
    forget(user)


def revoke(user, perm, obj):
    from guardian.shortcuts import remove_perm

    remove_perm(perm_name(type(obj), perm), user, obj)
    forget(user)


def users_who_can(action, obj):
    """The active users who may do ``action`` to ``obj``: the inverse query, for notifications."""
    from django.contrib.auth import get_user_model

    from .models import RoleAssignment

    User = get_user_model()
    model = type(obj)
    app_label, codename = _split(perm_name(model, action))
    unit = unit_of(obj)
    by_role = RoleAssignment.objects.current().filter(
        user=OuterRef("pk"),
        unit__is_active=True,
        role__permissions__codename=codename,
        role__permissions__content_type__app_label=app_label,
    ).filter(Q(unit_id=unit.pk) | Q(include_subunits=True, unit__path__in=ancestor_paths(unit.path)))
    q = Q(Exists(by_role))
    table = grant_model(model)
    if table is not None:
        q |= Q(
            Exists(
                table.objects.filter(
                    user=OuterRef("pk"), content_object=obj, permission__codename=codename,
                    permission__content_type__app_label=app_label,
                )
            )
        )
    return User.objects.filter(is_active=True).filter(q)


def users_who_can_each(action, objects):
    """``users_who_can`` for many objects of one model at once, in a bounded number of queries
    whatever their number (for reminder sweeps): ``{obj.pk: [user, …]}``. The objects' units
    (their ``unit_field``) should be loaded with them (``select_related``)."""
    from collections import defaultdict

    from django.contrib.auth import get_user_model

    from .models import RoleAssignment

    objects = list(objects)
    if not objects:
        return {}
    User = get_user_model()
    model = type(objects[0])
    app_label, codename = _split(perm_name(model, action))
    units = {obj.pk: unit_of(obj) for obj in objects}
    paths = {path for unit in units.values() for path in ancestor_paths(unit.path)}
    holders = defaultdict(set)  # unit path → {(user id, include_subunits, unit id)}
    for user_id, path, unit_id, below in (
        RoleAssignment.objects.filter(unit__is_active=True, unit__path__in=paths, user__is_active=True,
                                      role__permissions__codename=codename,
                                      role__permissions__content_type__app_label=app_label)
        .values_list("user_id", "unit__path", "unit_id", "include_subunits").distinct()
    ):
        holders[path].add((user_id, below, unit_id))
    granted = defaultdict(set)
    table = grant_model(model)
    if table is not None:
        for obj_id, user_id in table.objects.filter(
            content_object__in=[obj.pk for obj in objects], permission__codename=codename,
            permission__content_type__app_label=app_label,
        ).values_list("content_object_id", "user_id"):
            granted[obj_id].add(user_id)
    wanted = {}
    for obj in objects:
        unit = units[obj.pk]
        ids = set(granted[obj.pk])
        for path in ancestor_paths(unit.path):
            ids |= {user_id for user_id, below, unit_id in holders[path] if below or unit_id == unit.pk}
        wanted[obj.pk] = ids
    people = User.objects.filter(is_active=True).in_bulk({pk for ids in wanted.values() for pk in ids})
    return {pk: [people[user_id] for user_id in sorted(ids) if user_id in people] for pk, ids in wanted.items()}


def unit_of(obj):
    """The unit a scoped object belongs to, following its ``unit_field``."""
    target = obj
    for part in [p for p in type(obj).unit_field.split("__") if p]:
        target = getattr(target, part)
    return target


def ancestor_paths(path):
    """"/1/5/23/" → ["/1/", "/1/5/", "/1/5/23/"]: the unit and every unit above it."""
    return list(ancestor_chain(path))


@functools.lru_cache(maxsize=8192)
def ancestor_chain(path):
    """``ancestor_paths`` as a tuple, remembered: what a roll-up reads for every row it sums (a
    dashboard of 250 units asks it some 3,500 times for 250 paths). A tree has a few thousand units."""
    parts = [p for p in path.strip("/").split("/") if p]
    return tuple("/" + "/".join(parts[: i + 1]) + "/" for i in range(len(parts)))


class RoleBackend(ModelBackend):
    """Authentication as Django's, permissions from roles on units (and single-object grants)."""

    def get_user_permissions(self, user_obj, obj=None):
        return set()

    def get_group_permissions(self, user_obj, obj=None):
        return set()

    def get_all_permissions(self, user_obj, obj=None):
        if obj is not None:
            return {p for p in held_permissions(user_obj) if can(user_obj, p, obj)}
        return held_permissions(user_obj)

    def has_perm(self, user_obj, perm, obj=None):
        if not _active(user_obj):
            return False
        if obj is None:
            return perm in held_permissions(user_obj)
        return can(user_obj, perm, obj)

    def has_module_perms(self, user_obj, app_label):
        return any(p.startswith(app_label + ".") for p in held_permissions(user_obj))
