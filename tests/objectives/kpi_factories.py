"""Builders for the kpi part's tests: objectives, indicators and values made through the services."""

from decimal import Decimal

from objectives.services import kpi as services
from tests import factories


def objective(unit, acting_user, *, year=2026, title=None, **kw):
    return services.objective_create(acting_user=acting_user, unit=unit, year=year,
                                     title=title or f"Mục tiêu {unit.code}", **kw)


def indicator(unit, acting_user, *, code="ontime", name=None, target="98", **kw):
    kw.setdefault("unit_of_measure", "%")
    return services.indicator_create(acting_user=acting_user, unit=unit, code=code,
                                     name=name or f"Tỷ lệ đúng hạn {unit.code}", target=Decimal(str(target)), **kw)


def rate(unit, acting_user, *, code="ontime", target="98", threshold="96", **kw):
    return indicator(unit, acting_user, code=code, target=target, kind="rate",
                     alert_threshold=Decimal(threshold), **kw)


def value(ind, acting_user, period, **kw):
    return services.measurement_enter(acting_user=acting_user, indicator=ind, period=period, **kw)


def reporter(tree, unit, name="reporter"):
    """A staff member of ``unit``: no objectives permission on the unit, may be named a reporter."""
    user = factories.make_user(f"{tree.prefix}{name}", unit, full_name=f"Reporter {unit.code}")
    factories.assign(user, "staff", unit, include_subunits=False)
    return user
