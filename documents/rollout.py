"""The rollout checklist's items the documents' records tick (``areas.RolloutCheck``): "the
document set is effective" — the unit has effective documents of its own (not withdrawn, with a
current revision); "certified or announced" — the unit's QMS is announced as conforming (a signed
announcement of conformity, not superseded)."""

from django.utils.translation import gettext_lazy as _

from qms_portal.areas import RolloutCheck
from qms_portal.steering.rollout import dates_of, units_with


def rollout_checks():
    from .models import Announcement, Document

    effective = Document.objects.filter(is_withdrawn=False, current_revision__isnull=False)
    announced = Announcement.objects.filter(status=Announcement.Status.ANNOUNCED)
    return [RolloutCheck("document_set", units_with(effective), _("effective documents of its own")),
            RolloutCheck("certified_or_announced", units_with(announced), _("an announcement of conformity signed"),
                         dates=dates_of(announced, "decision_date"))]
