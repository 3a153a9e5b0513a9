"""THE permission mechanism.

A user holds roles on units (``RoleAssignment(user, role, unit, include_subunits)``); a role is a
set of Django permissions. Every scoped model names the lookup that reaches its unit
(``unit_field``). From that:

* ``restrict(queryset, user, action)`` — exactly the rows the user may act on, as one SQL filter
  built from subqueries (never a Python list of ids);
* ``can(user, action, obj)`` — the same filter on one row;
* ``RoleBackend`` — so ``user.has_perm(perm)`` (held anywhere) and ``user.has_perm(perm, obj)``
  agree with the two above;
* single-object grants (a named reviewer, an external auditor) live in django-guardian's
  direct-FK tables and are read and written only here.

An action is either a bare verb for the queryset's model (``"view"``, ``"change"``) or a full
permission name (``"qms_portal.decide_accessrequest"``).
"""

from django.contrib.auth.backends import ModelBackend
from django.db.models import Exists, F, OuterRef, Q
from django.db.models.lookups import StartsWith


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


def units_where(user, perm):
    """The units on which ``user`` holds ``perm`` through a role, as a lazy queryset (a subquery)."""
    from .models import RoleAssignment, Unit

    app_label, codename = _split(perm)
    held = RoleAssignment.objects.filter(
        user=user,
        unit__is_active=True,
        role__permissions__codename=codename,
        role__permissions__content_type__app_label=app_label,
    )
    here = held.filter(unit=OuterRef("pk"))
    # The outer unit's path starts with the assigned unit's path (a lookup expression: an annotated
    # OuterRef cannot take a lookup).
    above = held.filter(include_subunits=True).filter(StartsWith(OuterRef("path"), F("unit__path")))
    return Unit.objects.filter(Q(Exists(here)) | Q(Exists(above)))


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
    app_label, codename = _split(perm)
    return table.objects.filter(
        user=user, permission__codename=codename, permission__content_type__app_label=app_label
    ).values("content_object")


def scope_q(model, user, perm):
    """The Q object that restricts ``model`` rows to those ``user`` may act on with ``perm``.
    A model without ``unit_field`` (roles) is global: all rows or none."""
    unit_field = getattr(model, "unit_field", None)
    if unit_field is None:
        return Q() if perm in held_permissions(user) else Q(pk__in=[])
    lookup = f"{unit_field}__in" if unit_field else "pk__in"
    q = Q(**{lookup: units_where(user, perm).values("pk")})
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
    """May ``user`` do ``action`` to ``obj``? The same SQL filter as ``restrict``, on one row."""
    if obj is None or obj.pk is None or not _active(user):
        return False
    if user.is_superuser:
        return True
    model = type(obj)
    perm = perm_name(model, action)
    cache = user.__dict__.setdefault("_qms_obj_perm_cache", {})
    key = (perm, model._meta.label, obj.pk)
    if key not in cache:
        cache[key] = model._default_manager.filter(pk=obj.pk).filter(scope_q(model, user, perm)).exists()
    return cache[key]


def held_permissions(user):
    """Every permission ``user`` holds somewhere (a role on an active unit, or a single-object
    grant), as ``{"app_label.codename"}``. One query per grant table, cached on the user object."""
    if not _active(user):
        return set()
    if "_qms_perm_cache" not in user.__dict__:
        from django.contrib.auth.models import Permission
        from guardian.models import UserObjectPermissionBase

        rows = Permission.objects.filter(
            role__assignments__user=user, role__assignments__unit__is_active=True
        ).values_list("content_type__app_label", "codename")
        perms = {f"{app}.{code}" for app, code in rows}
        for table in UserObjectPermissionBase.__subclasses__():
            if table._meta.abstract:
                continue
            rows = table.objects.filter(user=user).values_list(
                "permission__content_type__app_label", "permission__codename"
            )
            perms |= {f"{app}.{code}" for app, code in rows}
        user._qms_perm_cache = perms
    return user._qms_perm_cache


def forget(user):
    """Drop the per-request permission caches (after a role or grant changes)."""
    user.__dict__.pop("_qms_perm_cache", None)
    user.__dict__.pop("_qms_obj_perm_cache", None)


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
    by_role = RoleAssignment.objects.filter(
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


def unit_of(obj):
    """The unit a scoped object belongs to, following its ``unit_field``."""
    target = obj
    for part in [p for p in type(obj).unit_field.split("__") if p]:
        target = getattr(target, part)
    return target


def ancestor_paths(path):
    """"/1/5/23/" → ["/1/", "/1/5/", "/1/5/23/"]: the unit and every unit above it."""
    parts = [p for p in path.strip("/").split("/") if p]
    return ["/" + "/".join(parts[: i + 1]) + "/" for i in range(len(parts))]


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
