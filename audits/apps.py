from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

# Each part of the area (plan: programmes and audit plans; checklist: the checklist on site;
# findings: findings, reports and the certification body's response; certificates: certificates,
# reminders, figures, scale and bench) declares what it registers in ``audits/parts/<part>.py`` as
# ``PART = {...}`` with any of the keys of ``qms_portal.areas.register``; they are merged here.
PARTS = ("plan", "checklist", "findings", "certificates")


def _merge(parts):
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
            else:  # menu, demo, scale, bench: one part names it
                if merged.get(key):
                    raise ValueError(f"audits: {key} is registered by two parts")
                merged[key] = value
    return merged


class AuditsConfig(AppConfig):
    name = "audits"
    verbose_name = _("Audits")

    def ready(self):
        from importlib import import_module

        from qms_portal import areas

        parts = []
        for name in PARTS:
            try:
                module = import_module(f"audits.parts.{name}")
            except ModuleNotFoundError as error:
                if error.name != f"audits.parts.{name}":
                    raise
                continue
            parts.append(module.PART)
            if hasattr(module, "ready"):
                module.ready()
        areas.register(self.label, **_merge(parts))
