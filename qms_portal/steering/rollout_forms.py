"""Forms of the rollout board: a move, a unit's plan, a hand tick and its withdrawal."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ..forms import DatePicker, ServiceForm
from .models import ENDING, PHASES, Phase


class MoveForm(ServiceForm):
    phase = forms.ChoiceField(label=_("Move to the phase"), choices=Phase.choices)
    reason = forms.CharField(label=_("Note"), required=False, max_length=500,
                             help_text=_("Optional: why the unit moves (kept in the History tab)."))


class PlanForm(ServiceForm):
    """The planned start and the planned end of each phase; the day the rollout started and the day
    each phase the unit has left was completed (for a rollout begun before the portal)."""

    planned_start = forms.DateField(label=_("Planned start"), required=False, widget=DatePicker)
    started_on = forms.DateField(label=_("Started on"), required=False, widget=DatePicker)

    def __init__(self, *args, rollout, **kwargs):
        super().__init__(*args, **kwargs)
        current = PHASES.index(rollout.phase)
        self.initial.setdefault("planned_start", rollout.planned_start)
        self.initial.setdefault("started_on", rollout.started_on)
        self.phase_rows = []
        for index, code in enumerate(ENDING):
            label = Phase(code).label
            planned = f"planned_{code}"
            self.fields[planned] = forms.DateField(label=_("Planned end"), required=False, widget=DatePicker)
            self.initial.setdefault(planned, rollout.planned_end(code))
            done = None
            if index < current:
                done = f"done_{code}"
                self.fields[done] = forms.DateField(label=_("Completed on"), required=False, widget=DatePicker)
                self.initial.setdefault(done, rollout.done_on(code))
            self.phase_rows.append((label, self[planned], self[done] if done else None))

    def plan(self):
        data = self.cleaned_data
        return {
            "planned_start": data.get("planned_start"), "started_on": data.get("started_on"),
            "planned": {code: data.get(f"planned_{code}") for code in ENDING},
            "done": {code: data.get(f"done_{code}") for code in ENDING if f"done_{code}" in data},
        }


class TickForm(ServiceForm):
    note = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000,
                           help_text=_("What shows the item is done: a decision's number and date, a meeting."))
    evidence = forms.FileField(label=_("Evidence"), required=False,
                               help_text=_("A scan, a photo or a document (PDF, Word, Excel, image)."))


class WithdrawTickForm(ServiceForm):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)
