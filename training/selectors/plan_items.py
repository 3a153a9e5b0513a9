"""Reads of the register of plan items (``training:planitem_list``): every item of the plans the
reader may see, each with whether it is done and its people trained, in a number of queries that
does not grow with the rows.

"Done" is ``item_done_q()`` (``selectors/plan.py``), the one rule the plans list, a plan's page and
the steering committee's figure "training plan completion" count by: the register's ``done`` filter
and its badge read the same expression, so the figure's number and the register's rows agree."""

from django.db.models import BooleanField, Count, ExpressionWrapper, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce

from ..models import Participant, PlanItem
from ..services.plan import DONE_SESSION_STATUSES
from .plan import PRESENT, item_done_q


def done_items(queryset, done):
    """``queryset``'s items that are done (``done`` true) or not yet (false): the figure's rule."""
    return queryset.filter(item_done_q()) if done else queryset.exclude(item_done_q())


def plan_item_queryset(user):
    """The plan items in ``user``'s scope, with their plan, its unit and the course, each annotated
    with ``done`` (the figure's rule) and ``people_trained`` (people present at the held or closed
    sessions linked to it, each person once): two subqueries, one query for a page."""
    trained = (Participant.objects.filter(attendance=PRESENT, session__status__in=DONE_SESSION_STATUSES,
                                          session__plan_items=OuterRef("pk"))
               .order_by().values("session__plan_items")
               .annotate(n=Count("user", distinct=True)).values("n")[:1])
    return (PlanItem.objects.restrict(user, "view")
            .select_related("plan__unit", "course")
            .only("pk", "need", "title", "month", "participants", "plan__id", "plan__year", "plan__status",
                  "plan__unit__id", "plan__unit__name", "plan__unit__code", "plan__unit__path", "course__id",
                  "course__title")
            .annotate(done=ExpressionWrapper(item_done_q(), output_field=BooleanField()),
                      people_trained=Coalesce(Subquery(trained, output_field=IntegerField()), 0)))
