"""The rollout board and one unit's rollout: who may see them is the dashboard's permission
(``qms_portal.view_dashboard`` on the unit); who may move a unit, plan it and tick its checklist
holds ``qms_portal.change_unitrollout`` on it. The views parse; ``rollout_services`` write."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.template.backends.utils import csrf_input
from django.urls import reverse
from django.utils.html import conditional_escape
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView

from ..history import PAGE_SIZE, history_page
from ..models import Unit
from ..permissions import can
from ..views.generic import ServiceFormView, safe_url
from . import charts_timeline, rollout_cards, rollout_forms, rollout_selectors, rollout_services, selectors
from .models import Phase, RolloutTick, UnitRollout
from .rollout import ITEMS
from .views import DashboardMixin

VIEW = selectors.PERMISSION
CHANGE = rollout_services.PERMISSION


class RolloutBoardView(DashboardMixin, TemplateView):
    """One column per phase, a card per unit of the subtree; ``?late=1`` keeps the units late."""

    template_name = "steering/rollout_board.html"

    def get_context_data(self, **kwargs):
        self.tops = selectors.tops(self.request.user)
        root = self.get_root()
        late_only = self.request.GET.get("late") == "1"
        columns = rollout_selectors.board(self.request.user, root, late_only=late_only)
        cards = [card for column in columns for card in column.cards]
        phases = [(value, conditional_escape(label)) for value, label in Phase.choices]
        next_url, token_input = self.request.get_full_path(), csrf_input(self.request)
        for column in columns:
            column.cards_html = rollout_cards.column_cards(column, phases=phases, csrf_input=token_input,
                                                           next_url=next_url)
        return {**super().get_context_data(**kwargs), "page_title": _("Rollout board"), "root": root,
                "columns": columns, "late_only": late_only, "units": len(cards),
                "late": sum(1 for card in cards if card.late),
                "top_id": self.tops[0] if self.tops else None, "may_move": any(c.may_move for c in cards)}


class UnitRolloutMixin:
    """``self.unit``: the unit of the URL, within the reader's dashboard scope (403 without the
    permission anywhere, 404 outside the scope); ``permission`` for the writes."""

    permission = VIEW

    def dispatch(self, request, *args, **kwargs):
        user = request.user
        if not (user.has_perm(VIEW) and user.has_perm(self.permission)):
            raise PermissionDenied
        self.unit = get_object_or_404(Unit.objects.select_related("parent"), pk=kwargs["pk"])
        if not (can(user, VIEW, self.unit) and can(user, self.permission, self.unit)):
            raise Http404
        return super().dispatch(request, *args, **kwargs)


class RolloutDetailView(UnitRolloutMixin, TemplateView):
    template_name = "steering/rollout_detail.html"

    def get_context_data(self, **kwargs):
        found, lines = rollout_selectors.unit_rollout(self.unit)
        return {**super().get_context_data(**kwargs), "unit": self.unit, "rollout": found, "lines": lines,
                "late": found.pk is not None and found.is_late(), "tab": "details",
                "may_change": can(self.request.user, CHANGE, self.unit),
                "timeline": charts_timeline.timeline(lines),
                "withdrawn": rollout_selectors.withdrawn_ticks(self.unit), "move_form": rollout_forms.MoveForm(
                    user=self.request.user, initial={"phase": found.phase})}


class RolloutHistoryView(UnitRolloutMixin, TemplateView):
    """The History tab of a unit's rollout: its moves and plans, newest first."""

    template_name = "generic/history.html"

    def get_context_data(self, **kwargs):
        found = UnitRollout.objects.filter(unit=self.unit).first()
        ctx = {**super().get_context_data(**kwargs), "unit": self.unit, "tab": "history", "entries": [],
               "object": _("Rollout: %(unit)s") % {"unit": self.unit},
               "tabs_template": "steering/rollout_tab_list.html"}
        if found is not None:
            before = self.request.GET.get("before", "")
            page = history_page(found, limit=PAGE_SIZE, before=int(before) if before.isdigit() else None)
            ctx.update(entries=page.entries, older_url=f"{self.request.path}?before={page.older}" if page.older else "",
                       newest_url="" if page.newest else self.request.path)
        return ctx


class UnitRolloutFormView(UnitRolloutMixin, ServiceFormView):
    permission = CHANGE
    login_only = True  # the permission is checked on the unit (UnitRolloutMixin)
    template_name = "steering/rollout_form.html"

    def get_success_url(self):
        return safe_url(self.request, self.request.POST.get("next", ""),
                        default=reverse("rollout_detail", args=[self.unit.pk]))

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "unit": self.unit,
                "cancel_url": reverse("rollout_detail", args=[self.unit.pk])}


class RolloutMoveView(UnitRolloutFormView):
    form_class = rollout_forms.MoveForm
    title = gettext_lazy("Move the unit to another phase")

    def perform(self, form):
        moved = rollout_services.unit_rollout_move(acting_user=self.request.user, unit=self.unit,
                                                   phase=form.cleaned_data["phase"],
                                                   reason=form.cleaned_data["reason"])
        messages.success(self.request, _("%(unit)s is now in “%(phase)s”.") % {
            "unit": self.unit, "phase": moved.get_phase_display()})


class RolloutPlanView(UnitRolloutFormView):
    form_class = rollout_forms.PlanForm
    title = gettext_lazy("Plan the rollout")
    template_name = "steering/rollout_plan.html"
    success_message = gettext_lazy("The plan is saved.")

    def get_form_kwargs(self):
        found = UnitRollout.objects.filter(unit=self.unit).first()
        return {**super().get_form_kwargs(), "rollout": found or UnitRollout(unit=self.unit)}

    def perform(self, form):
        rollout_services.unit_rollout_plan(acting_user=self.request.user, unit=self.unit, **form.plan())


class RolloutTickView(UnitRolloutFormView):
    form_class = rollout_forms.TickForm
    success_message = gettext_lazy("The item is ticked.")

    def dispatch(self, request, *args, **kwargs):
        self.item = next((item for item in ITEMS if item.code == kwargs["item"]), None)
        if self.item is None:
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "title": _("Tick: %(item)s") % {"item": self.item.label}}

    def perform(self, form):
        rollout_services.rollout_item_tick(acting_user=self.request.user, unit=self.unit, item=self.item.code,
                                           note=form.cleaned_data["note"], evidence=form.cleaned_data["evidence"])


class RolloutTickWithdrawView(UnitRolloutFormView):
    """Withdraw a hand tick: the URL names the tick; its unit is the one checked."""

    form_class = rollout_forms.WithdrawTickForm
    success_message = gettext_lazy("The tick is withdrawn: the item is open again.")

    def dispatch(self, request, *args, **kwargs):
        self.tick = get_object_or_404(RolloutTick, pk=kwargs["pk"], withdrawn_at=None)
        kwargs = {**kwargs, "pk": self.tick.unit_id}
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        from .rollout import item_label

        return {**super().get_context_data(**kwargs),
                "title": _("Withdraw the tick: %(item)s") % {"item": item_label(self.tick.item)}}

    def perform(self, form):
        rollout_services.rollout_tick_withdraw(acting_user=self.request.user, tick=self.tick,
                                               reason=form.cleaned_data["reason"])
