"""Shared view-test mixins: every permission-aware view gets the same three cases.

* no permission anywhere → 403
* in scope               → 200 (or ``ok_status``: 302 for a POST action)
* out of scope           → 404 (the page does not admit that the object exists)

and, when ``visible_only_role`` is set, a fourth: the object is visible to the user but the action
is not allowed on it → 403.

Usage (the class name must start with ``Test`` for pytest to collect it)::

    class TestUnitEditAccess(PermissionCases):
        url_name = "unit_edit"
        role = "administrator"           # a seeded role that grants the view's permission
        visible_only_role = "staff"      # sees the unit, may not edit it

        def make_object(self, tree, unit):
            return unit                  # the object of the page, placed on ``unit``

The scope is defined once for every view (``tests.factories.small_tree``)::

    city ─┬─ district ─┬─ ward1   ← in scope: the object is placed here
          │            └─ ward2
          └─ agency ──── division ← out of scope: the object is placed here

and the user under test holds ``role`` on ``district`` *with sub-units*, so "in scope" also proves
that a role reaches the units below the one it was given on.
"""

from dataclasses import dataclass, field

from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests import factories


def holder(tree, role_code=None, unit=None, include_subunits=True, name=None):
    """A person whose primary unit is ``unit`` (default: the district) holding only ``role_code``
    there (no role at all when ``role_code`` is None)."""
    unit = unit or tree.district
    name = name or f"{tree.prefix}holder-{role_code or 'none'}-{unit.code}".lower()
    user = factories.make_user(name[:150], unit, full_name=f"Holder {role_code or 'none'}")
    if role_code:
        factories.assign(user, role_code, unit, include_subunits=include_subunits)
    return user


def logged_in(user):
    client = Client()
    client.force_login(user)
    return client


def call(client, method, url, data=None):
    return getattr(client, method.lower())(url, data or {})


class PermissionCases:
    """The three permission cases for one view. See the module docstring."""

    url_name = None
    role = None
    visible_only_role = None
    lacking_role = None  # a role held on the same unit that does NOT grant the permission (None: no role)
    method = "get"
    data = None
    ok_status = 200
    scoped = True  # False: a page without an object (a list), which has no "out of scope"

    # --- what a subclass provides ------------------------------------------------------------
    def make_object(self, tree, unit):
        """The object the page is about, placed on ``unit``. Return None for a page without one."""
        return unit

    def url_kwargs(self, obj):
        return {} if obj is None else {"pk": obj.pk}

    def post_data(self, obj):
        return dict(self.data or {})

    # --- helpers -------------------------------------------------------------------------------
    def url_for(self, obj):
        return reverse(self.url_name, kwargs=self.url_kwargs(obj))

    def request(self, user, obj):
        response = call(logged_in(user), self.method, self.url_for(obj), self.post_data(obj))
        return response

    def assert_status(self, response, expected, who, where):
        assert response.status_code == expected, (
            f"{self.method.upper()} {self.url_name} as {who} ({where}): expected {expected}, got "
            f"{response.status_code}"
        )

    # --- the cases -----------------------------------------------------------------------------
    def test_without_the_permission_anywhere_it_is_403(self, tree):
        obj = self.make_object(tree, tree.ward1)
        user = holder(tree, self.lacking_role)
        self.assert_status(self.request(user, obj), 403, self.lacking_role or "no role", "in scope")

    def test_in_scope_it_is_allowed(self, tree):
        obj = self.make_object(tree, tree.ward1)
        user = holder(tree, self.role)
        self.assert_status(self.request(user, obj), self.ok_status, self.role, "in scope")

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if cls.scoped:
            cls.test_out_of_scope_it_is_404 = PermissionCases._out_of_scope
        if cls.visible_only_role:
            cls.test_visible_but_not_allowed_it_is_403 = PermissionCases._visible_but_not_allowed

    def _out_of_scope(self, tree):
        obj = self.make_object(tree, tree.division)
        assert obj is not None, f"{type(self).__name__}: a page without an object says scoped = False"
        user = holder(tree, self.role)
        self.assert_status(self.request(user, obj), 404, self.role, "out of scope")

    def _visible_but_not_allowed(self, tree):
        obj = self.make_object(tree, tree.ward1)
        user = holder(tree, self.visible_only_role)
        self.assert_status(self.request(user, obj), 403, self.visible_only_role, "visible, not allowed")


# ---- the access matrix's vocabulary (shared with the areas' own rows, see test_access_matrix) ----------
@dataclass(frozen=True)
class Row:
    """Who may open one URL.

    access     "public" (no login), "login" (any signed-in person), "perm" (``perm`` held somewhere),
               "anonymous_only" (the login page: signed-in people are sent on, 302)
    perm       the permission the view checks first (held anywhere)
    obj        the kind of object behind ``pk`` (None: no object)
    scoped     False for an object that belongs to no unit (a role): it has no "out of scope"
    post_only  GET answers 405 (after the permission check); POST is checked too
    variants   value of the ``transition`` URL argument → the second permission it needs
    ok         the status on success, per method
    whole_tree the permission must be held on the whole unit tree (what a role grants is global):
               the matrix's identities hold their role on the district, so only a superuser passes
    also       more kinds of object the same URL is checked with (a revision's page: also with a
               superseded revision, also with a draft), each a case of its own
    beside     kind → the kind of a second object the page opens with it, named in the query string
               (``?with=``: two revisions compared); that one out of reach is 404 as well
    """

    access: str
    perm: str = ""
    obj: str | None = None
    scoped: bool = True
    post_only: bool = False
    variants: dict = field(default_factory=dict)
    ok: dict = field(default_factory=lambda: {"GET": 200, "POST": 302})
    whole_tree: bool = False
    also: tuple = ()
    beside: dict = field(default_factory=dict)

    @property
    def methods(self):
        return ("GET", "POST") if self.post_only else ("GET",)

    @property
    def kinds(self):
        """The kinds of object the URL is checked with (``(None,)`` for a page without one)."""
        return (self.obj, *self.also)

    @property
    def scopes(self):
        if self.obj is None:
            return ("-",)
        if not self.scoped:
            return ("global",)
        return ("in", "out")


def P(perm, obj=None, **kw):  # noqa: N802 - reads like a table
    """A row for a page that needs ``perm`` somewhere (and on ``obj``, when it has one)."""
    return Row("perm", perm=perm, obj=obj, **kw)


PUBLIC = Row("public")
# Objects that belong to one person, not to a unit: "out of scope" is someone else's.
OWN_OBJECTS = ("notification", "job")
LOGIN = Row("login")


@dataclass(frozen=True)
class Listing:
    """What a list page of the matrix must list and leave out.

    kind   the kind of object it lists (the matrix places one in every scope)
    perm   the permission that puts an object on the list (the identity's reach of it decides)
    shows  object → the text that marks it on the page (its link, usually)
    query  the query string (a search that keeps the list to one page)
    kwargs URL arguments (an export's format)
    job    the page queues a background job (an export): the list is the file the job makes
    """

    kind: str
    perm: str
    shows: object
    query: dict = field(default_factory=dict)
    kwargs: dict = field(default_factory=dict)
    job: bool = False


def expected_status(row, who, scope, method, held, variant=None, kind=None, reach=None):
    """The status a request should get.

    ``who``: "anonymous", "superuser" or anyone else; ``scope``: where the object lives ("in",
    "out", "district"), or "global" / "-"; ``held``: the permissions the identity holds somewhere;
    ``kind``: the kind of object (default: the row's own); ``reach(kind, scope, perm)``: whether the
    identity holds ``perm`` on *that* object — through a role on its unit (or above it, with
    sub-units), a single-object grant, or a document it received. Without ``reach``: a permission
    held reaches everything but "out" (a role on the district with sub-units).

        anonymous: a public page → its success status, anything else → 302 to the login page
        403  the row's permission is held nowhere
        405  GET on a POST-only URL (checked after the permission: no hint to people without it)
        404  the object (or the one beside it, ``?with=``) is out of the identity's reach
        403  the second permission (the transition's) is not held on the object
        else the row's success status
    """
    kind = kind or row.obj
    if reach is None:
        def reach(kind, scope, perm):
            return perm in held and scope != "out"
    ok = 405 if (row.post_only and method == "GET") else row.ok[method]
    if who == "anonymous":
        return ok if row.access in ("public", "anonymous_only") else 302
    if row.access == "anonymous_only":
        return 302
    if row.access in ("public", "login"):
        if row.obj in OWN_OBJECTS and ok != 405 and scope == "out":
            return 404  # someone else's message or job, even for a superuser
        return ok
    if who == "superuser":
        return ok
    if row.perm not in held or row.whole_tree:
        return 403
    if ok == 405:
        return 405
    if kind is not None and row.scoped:
        if not reach(kind, scope, row.perm):
            return 404
        if kind in row.beside and not reach(row.beside[kind], scope, row.perm):
            return 404
    second = row.variants.get(variant) if variant else None
    if second and (second not in held or (kind is not None and row.scoped and not reach(kind, scope, second))):
        return 403
    return ok


def walk_urls(patterns=None, namespace=""):
    """Every URL pattern of the project as ``(name, route, kwarg names)``; unnamed ones as name None."""
    if patterns is None:
        patterns = get_resolver().url_patterns
    for entry in patterns:
        if isinstance(entry, URLResolver):
            ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from walk_urls(entry.url_patterns, ns)
        elif isinstance(entry, URLPattern):
            name = f"{namespace}{entry.name}" if entry.name else None
            kwargs = set(getattr(entry.pattern, "converters", {})) | set(entry.pattern.regex.groupindex)
            yield name, str(entry.pattern), frozenset(kwargs)
