"""Template filters of the nonconformities' reports: ``{{ object|fishbone }}`` draws a
nonconformity's fishbone (nonconformities/fishbone.py)."""

from django import template

from ..fishbone import fishbone_svg

register = template.Library()


@register.filter
def fishbone(nonconformity):
    return fishbone_svg(nonconformity)
