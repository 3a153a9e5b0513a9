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

import pytest
from django.test import Client
from django.urls import reverse

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

    def test_out_of_scope_it_is_404(self, tree):
        obj = self.make_object(tree, tree.division)
        if obj is None:
            pytest.skip("a page without an object has no 'out of scope'")
        user = holder(tree, self.role)
        self.assert_status(self.request(user, obj), 404, self.role, "out of scope")

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if cls.visible_only_role:
            cls.test_visible_but_not_allowed_it_is_403 = PermissionCases._visible_but_not_allowed

    def _visible_but_not_allowed(self, tree):
        obj = self.make_object(tree, tree.ward1)
        user = holder(tree, self.visible_only_role)
        self.assert_status(self.request(user, obj), 403, self.visible_only_role, "visible, not allowed")
