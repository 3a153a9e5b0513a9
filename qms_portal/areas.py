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
        menu="documents/nav.html",                # its entry in the main menu
        jobs=[JobKind("documents.master_list_xlsx", …)],   # background jobs (see ``jobs.py``)
        signature_meanings={"approved": _("Approved")},
        demo="documents.demo.seed",               # tools: dotted paths, imported only by the
        scale="documents.scale.DocumentsScale",   # management commands (seed_demo, seed_scale,
        bench="documents.bench.DocumentsBench",   # bench), never by the web process
    )

Nothing here imports an area: tools are named by their dotted path and loaded with
``import_string`` only when a command asks for them.
"""

from dataclasses import dataclass, field

from django.conf import settings
from django.utils.module_loading import import_string

_AREAS = {}


@dataclass
class Figure:
    """One figure of the steering committee's dashboard: ``queryset(user)`` returns the rows it
    counts, already restricted to what ``user`` may see (the dashboard counts them per unit and
    rolls them up the tree); ``url`` is where the rows are listed."""

    key: str
    label: object
    queryset: object
    url: str = ""
    # "good": more is better (effective documents); "bad": more needs attention (overdue reviews).
    direction: str = "bad"


@dataclass
class Area:
    label: str
    roles: dict = field(default_factory=dict)
    notification_kinds: dict = field(default_factory=dict)
    my_work: list = field(default_factory=list)
    dashboard: list = field(default_factory=list)
    beat: dict = field(default_factory=dict)
    menu: str = ""
    signature_meanings: dict = field(default_factory=dict)
    demo: str = ""
    scale: str = ""
    bench: str = ""
    # Kinds of background job (``qms_portal.jobs.JobKind``): exports and other long work.
    jobs: list = field(default_factory=list)

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
              "signature_meanings": {}}
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


def menus():
    """The template of each area's entry in the main menu, in the areas' order."""
    return [area.menu for area in registered() if area.menu]


def dashboard_figures():
    return [(area, figure) for area in registered() for figure in area.dashboard]


def tools(kind):
    """The areas' tools of one kind (``"demo"``, ``"scale"``, ``"bench"``), imported now:
    ``[(area, object)]``. Only management commands call this."""
    return [(area, import_string(getattr(area, kind))) for area in registered() if getattr(area, kind)]
