"""Who lacks which competence: the one query of the training area's "who must hold what, and who
holds it" that the matrix, a person's gaps (My training, a person's page) and the plan's needs all
read.

**Who must hold what.** A ``CompetenceRequirement(role, competence, unit U)`` (active, on an active
unit, of an active competence) applies to whoever holds ``role`` through a current role assignment
(not ended) on an active unit A where the role reaches into U's subtree, as the core's scopes read
an assignment: A is U or below it, or — when the assignment includes the sub-units — A is above U.

**Who holds it.** A qualification counts on a day when it is not withdrawn, obtained by then, and
valid then (no end, or an end on or after the day). The best one is the one valid longest
(``FOREVER``: without end). A **gap** is a required competence without a qualification that counts.

The core is ``validity(people, day)``: SQL over a subquery of people's ids that yields
``(user_id, competence_id, until)`` for every required pair, ``until`` the best validity or NULL.
Everything else here is a thin adapter over it, each one query whatever the number of people:

- ``required_validity(people, day)``: ``{(user_id, competence_id): until or None}`` (the matrix's cells);
- ``lacking(people, day)``: ``{(user_id, competence_id)}`` of the gaps (a person's gaps);
- ``with_gap(users, day)``: ``users`` narrowed to those with a gap, still a queryset (the plan's needs);
- ``required_competence_ids(people)``: a subquery of the competences required of anyone of them.

The pair "who must hold what" joins role assignments to requirements on the unit path (a prefix
match), which the ORM cannot express as a join: it is written in SQL with the table names from the
models' metadata; every value is a parameter."""

from datetime import date

from django.db import connection
from django.db.models.expressions import RawSQL
from django.utils import timezone

from qms_portal.models import RoleAssignment, Unit, User

from ..models import Competence, CompetenceRequirement, Qualification

FOREVER = date(9999, 12, 31)


def tables():
    return {"ra": RoleAssignment._meta.db_table, "unit": Unit._meta.db_table,
            "req": CompetenceRequirement._meta.db_table, "comp": Competence._meta.db_table,
            "qual": Qualification._meta.db_table, "user": User._meta.db_table}


def people_sql(people):
    """``(sql, params)`` of a subquery of user ids, its one column named ``pk``: from a queryset of
    users, or from ids."""
    if not hasattr(people, "query"):
        people = User.objects.filter(pk__in=[getattr(p, "pk", p) for p in people])
    return people.order_by().values("pk").query.sql_with_params()


def required(people):
    """``(sql, params)``: SELECT DISTINCT (user_id, competence_id) required of ``people``."""
    sql, params = people_sql(people)
    t = tables()
    # From the people to their assignments (the index on the assignment's user), not from every
    # assignment of a role narrowed to the people at the end: a district's 300 people, not the
    # province's 5,800 assignment × requirement pairs (the matrix's query 19 → 3 ms).
    return (
        f"SELECT DISTINCT ra.user_id AS user_id, r.competence_id AS competence_id FROM ({sql}) people"  # noqa: S608
        f" INNER JOIN {t['ra']} ra ON ra.user_id = people.pk"
        f" INNER JOIN {t['unit']} au ON au.id = ra.unit_id"
        f" INNER JOIN {t['req']} r ON r.role_id = ra.role_id"
        f" INNER JOIN {t['unit']} ru ON ru.id = r.unit_id"
        f" INNER JOIN {t['comp']} rc ON rc.id = r.competence_id"
        " WHERE ra.ended_at IS NULL AND au.is_active AND r.is_active AND ru.is_active AND rc.is_active"
        " AND (au.path LIKE ru.path || '%%' OR (ra.include_subunits AND ru.path LIKE au.path || '%%'))",
        list(params))


def validity(people, day):
    """``(sql, params)``: (user_id, competence_id, until) for every pair required of ``people``,
    ``until`` the latest end among their qualifications not withdrawn and obtained by ``day``
    (``FOREVER``: one without end; before ``day``: expired), NULL when they hold none."""
    req_sql, req_params = required(people)
    sql, params = people_sql(people)
    t = tables()
    return (
        f"SELECT req.user_id AS user_id, req.competence_id AS competence_id, best.until AS until FROM ({req_sql}) req"  # noqa: S608
        " LEFT JOIN (SELECT q.user_id AS user_id, q.competence_id AS competence_id,"
        " MAX(COALESCE(q.valid_until, %s)) AS until"
        f" FROM {t['qual']} q WHERE NOT q.is_withdrawn AND q.obtained_on <= %s AND q.user_id IN ({sql})"
        " GROUP BY q.user_id, q.competence_id) best"
        " ON best.user_id = req.user_id AND best.competence_id = req.competence_id",
        [*req_params, FOREVER, day, *params])


def gap_sql(people, day):
    """``(sql, params)``: (user_id, competence_id) of the gaps of ``people`` on ``day``."""
    sql, params = validity(people, day)
    return (f"SELECT v.user_id, v.competence_id FROM ({sql}) v WHERE v.until IS NULL OR v.until < %s",  # noqa: S608
            [*params, day])


def _fetch(sql, params):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def as_date(value):
    """A date from the database's answer to raw SQL (SQLite answers a text)."""
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


# --- adapters -------------------------------------------------------------------------------------------


def required_validity(people, day=None):
    """``{(user_id, competence_id): until or None}`` of every pair required of ``people`` (one query)."""
    day = day or timezone.localdate()
    return {(u, c): as_date(until) for u, c, until in _fetch(*validity(people, day))}


def lacking(people, day=None):
    """``{(user_id, competence_id)}``: the competences ``people`` must hold and do not, on ``day`` (one query)."""
    day = day or timezone.localdate()
    return set(_fetch(*gap_sql(people, day)))


def required_competence_ids(people):
    """A subquery (for ``pk__in``) of the competences required of anyone of ``people``."""
    sql, params = required(people)
    return RawSQL(f"SELECT required.competence_id FROM ({sql}) required", params)  # noqa: S608, S611


def with_gap(users, day=None):
    """``users`` (a queryset) narrowed to those with a gap on ``day``: still a queryset (a subquery)."""
    day = day or timezone.localdate()
    sql, params = gap_sql(users, day)
    return users.filter(pk__in=RawSQL(f"SELECT g.user_id FROM ({sql}) g", params))  # noqa: S608, S611
