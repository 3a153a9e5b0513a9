"""``{{ finding.grade|grade_badge:finding.get_grade_display }}``: a finding's grade as a badge coloured
by its weight, with its name. Written in Python: the findings list shows one on each row, and an
include per badge cost more than the rest of a row."""

from django import template
from django.utils.html import format_html

register = template.Library()

COLOURS = {"major": "danger", "minor": "warning", "observation": "info", "good_practice": "success"}


@register.filter
def grade_badge(grade, label):
    return format_html('<span class="badge text-bg-{}">{}</span>', COLOURS.get(grade, "secondary"), label)
