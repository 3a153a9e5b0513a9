"""``{% load training_competence %}{% session_qualifications session as rows %}``: the qualifications
granted from a session's attendance, per competence, as far as the reader may see them (one query),
for the competence part's panel on a session's page."""

from django import template
from django.db.models import Count, Max

from ..models import Qualification

register = template.Library()


@register.simple_tag(takes_context=True)
def session_qualifications(context, session):
    user = context.get("user") or getattr(context.get("request"), "user", None)
    if user is None or session is None or not getattr(session, "pk", None):
        return []
    rows = (Qualification.objects.restrict(user, "view").filter(participant__session_id=session.pk,
                                                                 is_withdrawn=False)
            .values("competence_id", "competence__code", "competence__name_en", "competence__name_vi",
                    "competence__name_zh_hans", "competence__name_zh_hant")
            .annotate(people=Count("user_id", distinct=True), until=Max("valid_until")).order_by("competence__code"))
    from django.utils import translation

    language = (translation.get_language() or "en").replace("-", "_").lower()
    return [{"name": row.get(f"competence__name_{language}") or row["competence__name_en"], "people": row["people"],
             "until": row["until"]} for row in rows]
