"""``{{ score|rating_badge }}``: a risk's rating as a badge coloured by its band, the band also in
words for a screen reader (never colour alone); "—" for none. Written in Python: the register shows
two on each of its rows, and an include per badge cost more than the rest of the row."""

from django import template
from django.utils.html import format_html

from ..models.risks import Band, band_of

register = template.Library()

BADGE_CLASSES = {Band.LOW: "text-bg-light border", Band.MEDIUM: "text-bg-info", Band.HIGH: "text-bg-warning",
                 Band.VERY_HIGH: "text-bg-danger"}


@register.filter
def rating_badge(score):
    if not score:
        return "—"
    band = band_of(score)
    return format_html('<span class="badge {}">{}<span class="visually-hidden"> · {}</span></span>',
                       BADGE_CLASSES[band], score, Band(band).label)
