"""The kpi part's reminder: a period closed without a value (through the core's ONE sweep).

Every morning (beat entry in ``objectives.parts.kpi``) one run looks, for each frequency, at the
period that ended last (last month, last quarter, last year): every active indicator of that
frequency with no value for it is reminded to the person who enters it (its ``reporter``; where it
names nobody, the department head of its unit, or the nearest one above). Each person gets ONE
message listing every indicator they owe a value for, each line with its period. An indicator is
reminded once per period (the sweep's claims): a second run the same day, or beat firing twice,
sends nothing again.
"""

from django.db.models import Exists, OuterRef, Value
from django.db.models.fields import DateField
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from qms_portal.notifications import Item, Kind, Ref
from qms_portal.reminders import Sweep

from ..models import Indicator, Measurement
from ..selectors.kpi_math import last_closed

MESSAGE = "indicator_values_missing"
CLAIM = "indicator_value_missing"  # the claims' name (stable: renaming it would remind everything again)
DEPARTMENT_HEAD = "department_head"

KINDS = {
    MESSAGE: Kind(
        title=ngettext_lazy("%(count)s indicator value to enter", "%(count)s indicator values to enter", "count"),
        text=_("Each line names an indicator whose period ended without a value. Enter the values on the "
               "“Enter values” page."),
    ),
}
NOTE = _("no value for the period that began on")


def missing(frequency, period):
    """The active indicators of ``frequency`` without a value for ``period``."""
    entered = Measurement.objects.filter(indicator=OuterRef("pk"), period=period)
    return (Indicator.objects.filter(is_active=True, frequency=frequency).filter(~Exists(entered))
            .only("pk", "reporter_id", "unit_id", "unit__path", "unit__is_active"))


def _recipients(batch):
    from nonconformities.services.escalation import nearest_holders

    told = {i.pk: [i.reporter_id] for i in batch if i.reporter_id is not None}
    orphans = [i for i in batch if i.reporter_id is None]
    if orphans:
        heads = nearest_holders(DEPARTMENT_HEAD, {i.unit_id: i.unit for i in orphans}.values())
        for indicator in orphans:
            told[indicator.pk] = heads.get(indicator.unit_id, [])
    return told


def indicator_reminders_send(*, today=None, now=None, batch_size=1000):
    """Remind the missing values of the periods that ended last (see the module's text)."""
    today = today or timezone.localdate()
    run = Sweep(message=MESSAGE, url=reverse("objectives:period_entry"), now=now or timezone.now(),
                batch_size=batch_size)
    for frequency in Indicator.Frequency.values:
        period = last_closed(today, frequency)
        run.collect(missing(frequency, period), kind=CLAIM, stage=frequency,
                    due=Value(period, output_field=DateField()), recipients=_recipients,
                    item=lambda row, p=period: Item(Ref(Indicator, row.pk), note=[NOTE, p]), related=("unit",))
    return run.send()
