"""The dashboard's monthly readings of its "now" figures (open nonconformities, reviews overdue,
acknowledgement coverage…): such a figure has no date to count a past month by, so its trend is
read from what it was. A model of the core app (``app_label = "qms_portal"``), imported by
``qms_portal.models``; written by ``steering.snapshots`` only."""

from django.db import models
from django.utils import timezone

from ..models import Unit


class FigureSnapshot(models.Model):
    """Figure ``key`` for ``unit``'s subtree as it stood at the last reading of ``month`` (its
    first day): the numbers behind it, as the dashboard's roll-up gives them."""

    month = models.DateField()
    key = models.CharField(max_length=80)
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")
    rows = models.PositiveIntegerField(default=0)
    total = models.FloatField(default=0)
    denominator_rows = models.PositiveIntegerField(default=0)
    denominator_total = models.FloatField(default=0)
    taken_at = models.DateTimeField(default=timezone.now)

    unit_field = "unit"

    class Meta:
        default_permissions = ()
        constraints = [models.UniqueConstraint(fields=["unit", "key", "month"], name="figure_snapshot_once")]

    def __str__(self):
        return f"{self.key} · {self.unit_id} · {self.month:%Y-%m}"
