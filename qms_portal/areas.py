"""The areas of the portal and what each one adds to it.

The core (``qms_portal``) knows no area: the list of areas is ``settings.QMS_AREAS`` (the apps
installed after the core, whose URLs are mounted under ``/<label>/``), and each area registers its
parts from its ``AppConfig.ready()``::

    from qms_portal import areas

    areas.register(
        "documents",
        roles={"document_controller": ["documents.add_document", ...], ...},   # seeded roles
        notification_kinds={"revision_approved": _("Approved: %(object)s"), ...},
        my_work=[document_work],                  # "My work" sections (see ``mywork.py``)
        dashboard=[Figure(...), ...],             # figures for the steering committee's view
        beat={"documents-publish-due": {"task": "documents.tasks.publish_due", "schedule": ...}},
        menu=_("Documents"),                      # its menu in the main navigation, and
        menu_links=[MenuLink(_("Register"), "documents:register", "documents.view_document"), ...],
        jobs=[JobKind("documents.master_list_xlsx", …)],   # background jobs (see ``jobs.py``)
        signature_meanings={"approved": _("Approved")},
        review_inputs=[ReviewInput("nonconformities", …)],   # inputs of a management review
        panels=[Panel("documents.Document", "training/coverage.html", context=…)],  # on others' pages
        rollout=[RolloutCheck("document_set", units=…)],   # rollout checklist items ticked by data
        demo="documents.demo.seed",               # tools: dotted paths, imported only by the
        scale="documents.scale.DocumentsScale",   # management commands (seed_demo, seed_scale,
        bench="documents.bench.DocumentsBench",   # bench), never by the web process
    )

Nothing here imports an area: tools are named by their dotted path and loaded with
``import_string`` only when a command asks for them.
"""

import functools
from dataclasses import dataclass, field

from django.conf import settings
from django.urls import get_script_prefix, reverse
from django.utils import formats
from django.utils.html import conditional_escape
from django.utils.module_loading import import_string
from django.utils.safestring import mark_safe

_AREAS = {}


FIGURE_KINDS = ("count", "rate", "average")
LIGHTS = ("green", "amber", "red")


@dataclass
class Figure:
    """One figure of the steering committee's dashboard (``qms_portal.steering``).

    ``queryset(user)`` returns the rows it counts, already restricted to what ``user`` may see; the
    dashboard counts them per unit and rolls them up the unit tree in one GROUP BY
    (``rollups.tally``). ``kind`` says what is shown:

    * ``"count"``: the rows;
    * ``"rate"``: the rows of ``queryset`` out of the rows of ``denominator(user)`` (both rolled up,
      so a district's rate is the sum of numerators over the sum of denominators, never an average
      of its wards' rates); a rate of quantities the rows carry (files handled on time out of
      files handled, a month's figures per row) names them: ``value`` summed over the numerator's
      rows out of ``denominator_value`` summed over the denominator's;
      A rate whose numerator is its denominator's rows that meet a condition says so: ``queryset=None,
      numerator=Q(acknowledged_at__isnull=False)``; both are then read in ONE GROUP BY (``COUNT(…)
      FILTER (WHERE …)`` beside ``COUNT(…)``, ``rollups.tally_share``) instead of two, and
      ``queryset(user)`` is ``denominator(user).filter(numerator)``;
    * ``"average"``: ``value`` (an expression or field name, one number per row, e.g. days to close)
      summed in the same GROUP BY and divided by the rows.

    ``period_field`` (a date or datetime field, ``"closed_at"``) makes the figure one of a period:
    the dashboard keeps the rows whose field falls in the period chosen, and draws its last 12
    months; without it the figure is "as of now" (open, overdue, expiring) and ignores the period.

    ``yearly=True`` makes it a figure of the rows of a year (a programme's, a plan's, the objectives'
    of a year): ``queryset(user, year=…)`` (and its denominator) take the year, and the dashboard
    passes its period's (the year of the period's last day); called with the user alone, this year's.

    ``limits`` = ``(green, red)`` gives the traffic light, read with ``direction``: for "good"
    (more is better) green at ``green`` or more, red below ``red``; for "bad" green at ``green`` or
    less, red above ``red``; amber between. ``rule`` overrides the sentence written beside it.

    ``link(unit, period)`` returns the register's address filtered to exactly the rows counted for
    that unit's subtree (and period); a figure without one shows its numbers without a link. A rate
    of quantities whose quantity is itself a count of the register's rows (the acknowledgements
    given, summed over the documents) says ``link_total=True``: its register lists ``total`` rows.
    ``url`` is the register in general (the column's heading). ``column=False`` keeps a figure off
    the dashboard's table (other readers of the registry still see it); ``trend=True`` draws it
    among the main figures' 12-month charts."""

    key: str
    label: object
    queryset: object
    url: str = ""
    # "good": more is better (effective documents); "bad": more needs attention (overdue reviews).
    direction: str = "bad"
    kind: str = "count"
    denominator: object = None
    value: object = None
    denominator_value: object = None
    period_field: str = ""
    limits: tuple | None = None
    rule: object = None
    link: object = None
    link_total: bool = False
    column: bool = True
    trend: bool = False
    numerator: object = None  # a Q: the rate's numerator is its denominator's rows that meet it
    yearly: bool = False  # its sources take ``year=``: the rows of the period's year

    def __post_init__(self):
        if self.numerator is not None:
            if self.kind != "rate" or self.queryset is not None:
                raise ValueError(f"{self.key}: a numerator (a filter of the denominator) is given to a rate "
                                 "instead of its queryset")
            self.queryset = self._numerator_rows
        if self.kind not in FIGURE_KINDS:
            raise ValueError(f"{self.key}: kind {self.kind!r} is not one of {FIGURE_KINDS}")
        if (self.kind == "rate") != (self.denominator is not None):
            raise ValueError(f"{self.key}: a rate, and only a rate, has a denominator")
        if self.kind == "count" and self.value is not None:
            raise ValueError(f"{self.key}: a count has no value (an average or a rate of quantities has)")
        if self.kind == "average" and self.value is None:
            raise ValueError(f"{self.key}: an average has a value to average")
        if (self.kind == "rate" and self.value is not None) != (self.denominator_value is not None):
            raise ValueError(f"{self.key}: a rate of quantities names both: value and denominator_value")
        if self.link_total and not self.weighted:
            raise ValueError(f"{self.key}: link_total is for a rate of quantities (its total is what the link lists)")
        if self.direction not in ("good", "bad"):
            raise ValueError(f"{self.key}: direction is 'good' or 'bad'")

    @property
    def area_label(self):
        return self.key.split(".", 1)[0]

    def rows(self, user, period=None):
        """The rows counted (the numerator's, for a rate) for ``user`` in ``period``."""
        return self.in_period(self._read(self.queryset, user, period), period)

    def _numerator_rows(self, user, **year):
        return self.denominator(user, **year).filter(self.numerator)

    def denominator_rows(self, user, period=None):
        return self.in_period(self._read(self.denominator, user, period), period)

    def _read(self, source, user, period):
        if self.yearly and period is not None:
            return source(user, year=period.end.year)
        return source(user)

    def in_period(self, queryset, period):
        if not self.period_field or period is None:
            return queryset
        return queryset.filter(**period_filter(queryset.model, self.period_field, period))

    @property
    def weighted(self):
        """A rate of quantities (``value`` out of ``denominator_value``), not of rows."""
        return self.denominator_value is not None

    def evaluate(self, rows, total=0, denominator=0, denominator_total=0):
        """The figure's value from rolled-up numbers: ``rows`` counted, ``total`` the sum of
        ``value`` over them (average, rate of quantities), ``denominator`` the denominator's rows
        and ``denominator_total`` the sum of its ``denominator_value`` (rate). None when there is
        nothing to divide by."""
        if self.kind == "count":
            return rows
        if self.kind == "rate":
            if self.weighted:
                return total / denominator_total if denominator_total else None
            return rows / denominator if denominator else None
        return total / rows if rows else None

    def light(self, value):
        """"green", "amber", "red", or None (no limits, or no value)."""
        if self.limits is None or value is None:
            return None
        green, red = self.limits
        if self.direction == "good":
            return "green" if value >= green else "red" if value < red else "amber"
        return "green" if value <= green else "red" if value > red else "amber"

    def format(self, value):
        if value is None:
            return "–"
        if self.kind == "rate":
            return f"{self.format_quantity(value * 100)} %"
        if self.kind == "average":
            return formats.number_format(value, 1)
        return self.format_quantity(value)

    @staticmethod
    def format_quantity(number):
        """A count, or a summed quantity behind a rate of quantities (files handled), as a whole
        number. (Below a thousand there is nothing to group: spared the locale's formatting, some
        4,000 cells of a province's dashboard; the module imported once, not on every call.)"""
        number = round(number)
        return str(number) if abs(number) < 1000 else formats.number_format(number, 0, force_grouping=True)

    def rule_text(self):
        """The traffic light's rule as a sentence in the active language ("" without limits)."""
        from django.utils.translation import gettext

        if self.rule is not None:
            return str(self.rule)
        if self.limits is None:
            return ""
        green, red = (self.format(limit) for limit in self.limits)
        if self.direction == "good":
            return gettext("Green at %(green)s or more, red below %(red)s, amber between.") % {
                "green": green, "red": red}
        return gettext("Green at %(green)s or less, red above %(red)s, amber between.") % {
            "green": green, "red": red}


def period_filter(model, field_path, period):
    """The filter keeping the rows of ``model`` whose ``field_path`` (a date or datetime field,
    across relations) falls in ``period``."""
    from django.db import models

    field = None
    current = model
    for part in field_path.split("__"):
        field = current._meta.get_field(part)
        if field.is_relation:
            current = field.related_model
    if isinstance(field, models.DateTimeField):
        start, end = period.bounds()
    else:
        from datetime import timedelta

        start, end = period.start, period.end + timedelta(days=1)
    return {f"{field_path}__gte": start, f"{field_path}__lt": end}


# The inputs of a management review, in the order ISO 9001:2015 9.3.2 lists them.
REVIEW_INPUT_ORDER = (
    "previous_actions",      # a) status of actions from previous management reviews
    "issues_changes",        # b) changes in external and internal issues
    "satisfaction",          # c) 1) customer satisfaction and feedback
    "objectives",            #    2) extent to which quality objectives have been met
    "process_performance",   #    3) process performance and conformity of products and services
    "nonconformities",       #    4) nonconformities and corrective actions
    "monitoring",            #    5) monitoring and measurement results
    "audits",                #    6) audit results
    "external_providers",    #    7) the performance of external providers
    "resources",             # d) the adequacy of resources
    "risks",                 # e) the effectiveness of actions taken to address risks and opportunities
    "improvement",           # f) opportunities for improvement
)


@dataclass
class ReviewInput:
    """One input of a management review that an area compiles from its records.

    ``compile(unit, start, end)`` reads the unit's subtree over the period (a constant number of
    queries, whatever the subtree's size) and returns JSON-ready data — codes and numbers, not
    translated text, so that the frozen snapshot reads in each reader's language; ``template``
    renders that data (context: ``data``, ``review``), on the page and in the minutes' PDF. ``key``
    is one of ``REVIEW_INPUT_ORDER``; several areas may add to the same key."""

    key: str
    label: object
    compile: object
    template: str

    def __post_init__(self):
        if self.key not in REVIEW_INPUT_ORDER:
            raise ValueError(f"{self.key!r} is not an input ISO 9001 9.3.2 lists ({', '.join(REVIEW_INPUT_ORDER)}).")


@dataclass
class Panel:
    """A section an area adds to another area's (or the core's) object page, without that page
    knowing the area: the page calls ``{% load panels %}{% object_panels object %}`` where panels
    go, and each panel registered for the object's model is rendered there, in ``order``.

    ``model`` is the page's model as ``"app_label.ModelName"``; ``template`` renders the panel;
    ``context(request, obj)`` (a callable or its dotted path, imported when first used) returns the
    template's context, or None for no panel on this object (nothing to show, or not for this
    reader); it may raise ``PermissionDenied`` to leave the panel out as well. It is called on every
    request of the page: keep its queries constant (an aggregate, never a row per person)."""

    model: str
    template: str
    context: object
    order: int = 100

    def __post_init__(self):
        if self.model.count(".") != 1:
            raise ValueError(f"A panel names its model as 'app_label.ModelName', not {self.model!r}.")

    def context_for(self, request, obj):
        if isinstance(self.context, str):
            self.context = import_string(self.context)
        return self.context(request, obj)


@dataclass
class RolloutCheck:
    """An item of the rollout checklist (``qms_portal.steering.rollout.ITEMS``) that an area's
    records tick by themselves: ``units(unit_ids)`` returns the ids, among ``unit_ids``, of the
    units whose records show the item done (one query for all of them, whatever their number).
    ``evidence`` says in a few words what the records show ("an internal audit closed").
    ``dates(unit_ids)``, when given, returns ``{unit id: date}``: since when the records show it (a
    certificate's issue, an announcement's decision; the annual ISO report prints it)."""

    item: str
    units: object
    evidence: object = ""
    dates: object = None


@dataclass(frozen=True)
class MenuLink:
    """One entry of an area's menu in the main navigation: its label, the page it opens (a URL name
    and, for a page opened filtered, a query string: ``"?mine=true"``) and who is offered it.
    ``needs`` is a permission held anywhere (``"audits.view_audit"``), a function of the reader for
    a test no permission expresses, or empty for every signed-in person. The menu offers what is of
    use; the page itself still checks its permission. An area's menu shows when one of its entries
    does (``main_menu``)."""

    label: object
    url_name: str
    needs: object = ""
    query: str = ""

    def offered_to(self, user):
        if not self.needs:
            return True
        return self.needs(user) if callable(self.needs) else user.has_perm(self.needs)


@dataclass(frozen=True)
class AreaMenu:
    """An area's menu as one reader is offered it (``main_menu``): its label, whether the page shown
    is one of the area's, and its entries as ``(label, address)``."""

    label: object
    active: bool
    links: list

    def links_html(self):
        """The entries as the dropdown's items, written in Python (a page's layout is rendered on
        every request, and the template engine spent as long on 40 entries as on the rest of it)."""
        return mark_safe("".join(  # noqa: S308 - each label and address escaped
            f'<li><a class="dropdown-item" href="{conditional_escape(address)}">{conditional_escape(label)}</a></li>'
            for label, address in self.links))


@dataclass
class Area:
    label: str
    roles: dict = field(default_factory=dict)
    notification_kinds: dict = field(default_factory=dict)
    my_work: list = field(default_factory=list)
    dashboard: list = field(default_factory=list)
    beat: dict = field(default_factory=dict)
    # Its menu in the main navigation: the label, and its entries (``MenuLink``) in their order.
    menu: object = ""
    menu_links: list = field(default_factory=list)
    signature_meanings: dict = field(default_factory=dict)
    demo: str = ""
    scale: str = ""
    bench: str = ""
    # Kinds of background job (``qms_portal.jobs.JobKind``): exports and other long work.
    jobs: list = field(default_factory=list)
    # Inputs of a management review (``ReviewInput``) compiled from the area's records.
    review_inputs: list = field(default_factory=list)
    # Panels on other areas' object pages (``Panel``).
    panels: list = field(default_factory=list)
    # Rollout checklist items its records tick (``RolloutCheck``).
    rollout: list = field(default_factory=list)

    @property
    def verbose_name(self):
        from django.apps import apps

        return apps.get_app_config(self.label).verbose_name


def register(label, **parts):
    """Register an area's parts (once, from its ``AppConfig.ready()``). Returns the ``Area``."""
    if label not in settings.QMS_AREAS:
        raise ValueError(f"{label!r} is not in settings.QMS_AREAS: add it to the list of areas first.")
    if label in _AREAS:
        raise ValueError(f"The area {label!r} registered twice.")
    area = Area(label=label, **parts)
    _AREAS[label] = area
    from . import jobs, mywork, notifications, workflow
    from .celery import app

    notifications.register_kinds(area.notification_kinds)
    jobs.register_kinds(label, area.jobs)
    for provider in area.my_work:
        mywork.register(provider)
    for meaning, label_ in area.signature_meanings.items():
        workflow.register_meaning(meaning, label_)
    app.conf.beat_schedule.update(area.beat)
    return area


def import_parts(template, names):
    """The modules ``template.format(name)`` for each part ``name`` that exists, in order. An area
    built in parts (audits, objectives) keeps each part's pieces in modules of its own
    (``audits/parts/plan.py``, ``audits/views/urls_plan.py``…); a part that is not there yet is
    skipped, an import error inside a part is raised."""
    from importlib import import_module

    modules = []
    for name in names:
        dotted = template.format(name)
        try:
            modules.append(import_module(dotted))
        except ModuleNotFoundError as error:
            if error.name != dotted:
                raise
    return modules


def merge_parts(parts):
    """One ``register`` keyword set from the parts' ``PART`` dicts: roles' permissions and the
    lists and dicts are joined; a single value (menu, demo, scale, bench) is named by one part."""
    merged = {"roles": {}, "notification_kinds": {}, "my_work": [], "jobs": [], "dashboard": [], "beat": {},
              "signature_meanings": {}, "review_inputs": [], "panels": [], "rollout": []}
    for part in parts:
        for key, value in part.items():
            if key == "roles":
                for role, perms in value.items():
                    merged["roles"].setdefault(role, []).extend(perms)
            elif isinstance(value, dict):
                merged.setdefault(key, {}).update(value)
            elif isinstance(value, list | tuple):
                merged.setdefault(key, []).extend(value)
            else:
                if merged.get(key):
                    raise ValueError(f"{key} is registered by two parts")
                merged[key] = value
    return merged


def register_parts(label, names):
    """Register an area built in parts: each ``<label>/parts/<name>.py`` declares ``PART = {...}``
    (any keywords of ``register``) and may define ``ready()`` (workflows, signal hooks), called
    before the area is registered."""
    modules = import_parts(f"{label}.parts.{{}}", names)
    for module in modules:
        if hasattr(module, "ready"):
            module.ready()
    return register(label, **merge_parts(module.PART for module in modules))


def registered():
    """The registered areas, in the order of ``settings.QMS_AREAS``."""
    return [_AREAS[label] for label in settings.QMS_AREAS if label in _AREAS]


def get(label):
    return _AREAS[label]


def labels():
    """The apps whose permissions roles may carry: the core and every area."""
    return ["qms_portal", *settings.QMS_AREAS]


def role_permissions():
    """``{role code: [permission patterns]}`` the areas add to the seeded roles."""
    merged = {}
    for area in registered():
        for code, patterns in area.roles.items():
            merged.setdefault(code, []).extend(patterns)
    return merged


def main_menu(user, path):
    """The areas' menus in the main navigation as ``user`` is offered them, in the areas' order
    (``[AreaMenu]``): each with the entries offered to them, and only when there is one. ``path``
    (the page's) marks the area it belongs to. Built in Python from what the areas registered, with
    each address reversed once per process: the navigation is on every page."""
    prefix = get_script_prefix()
    menus = []
    for area in registered():
        links = [(link.label, _address(link.url_name, link.query, prefix))
                 for link in area.menu_links if link.offered_to(user)]
        if area.menu and links:
            menus.append(AreaMenu(area.menu, path.startswith(f"{prefix}{area.label}/"), links))
    return menus


@functools.cache
def _address(url_name, query, prefix):
    """``prefix`` (the script prefix ``reverse`` uses) is part of the key."""
    return reverse(url_name) + query


def address(url_name, query=""):
    """The address of the page ``url_name`` (with ``query``), reversed once per process: for what
    every page's layout links to."""
    return _address(url_name, query, get_script_prefix())


def dashboard_figures():
    return [(area, figure) for area in registered() for figure in area.dashboard]


def panels_for(model):
    """The panels registered for ``model`` (a model class or instance), in their ``order``, then the
    areas' order."""
    label = model._meta.label_lower
    found = [panel for area in registered() for panel in area.panels if panel.model.lower() == label]
    return sorted(found, key=lambda panel: panel.order)


def rollout_checks():
    """``[(area, RolloutCheck)]``: the rollout items the areas' records tick."""
    return [(area, check) for area in registered() for check in area.rollout]


def review_inputs():
    """``[(area, ReviewInput)]`` of every area, in the order of ISO 9001 9.3.2, then of the areas."""
    found = [(area, item) for area in registered() for item in area.review_inputs]
    return sorted(found, key=lambda pair: REVIEW_INPUT_ORDER.index(pair[1].key))


def tools(kind):
    """The areas' tools of one kind (``"demo"``, ``"scale"``, ``"bench"``), imported now:
    ``[(area, object)]``. Only management commands call this."""
    return [(area, import_string(getattr(area, kind))) for area in registered() if getattr(area, kind)]
