"""``{% load time_limits %}``: a procedure's time limits in words (documents/time_limits.py)."""

from django import template

from .. import time_limits

register = template.Library()


@register.filter
def step_time(step):
    """``{{ step|step_time }}`` → "3 working days", "1 working day", "4 working hours"."""
    return time_limits.step_time(step)


@register.filter
def working_days(value):
    """``{{ document.legal_time_limit_days|working_days }}`` → "10 working days"."""
    return time_limits.working_days(value) if value not in (None, "") else ""
