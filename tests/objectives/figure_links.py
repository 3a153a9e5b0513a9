"""The steering committee's figures of the objectives area and the registers they link to: a
figure's number for a unit equals the rows of the register its link opens (as the dashboard's own
test checks on a seeded world, here with data where the figure counts something)."""

from django.core.cache import cache

from qms_portal import areas
from qms_portal import cache as portal_cache
from tests.viewtests import logged_in


def figure(key):
    return next(f for _area, f in areas.dashboard_figures() if f.key == key)


def counted_and_listed(user, key, unit, period=None):
    """``(rows the figure counts for unit's subtree, rows of the register its link opens)``."""
    found = figure(key)
    counted = found.rows(user, period).filter(**{f"{found.queryset(user).model.unit_field}__path__startswith":
                                                 unit.path}).count()
    cache.clear()
    portal_cache.reset()
    response = logged_in(user).get(found.link(unit, period))
    assert response.status_code == 200
    return counted, response.context["filter"].qs.count()
