"""The audits area's demo data: each part adds its own (``audits/demo_<part>.py``: ``seed(demo)``),
in order, sharing one ``dict`` (``demo``) for what a later part builds on (the audits it made)."""

from importlib import import_module


def seed(language="en"):
    demo, made = {"language": language}, 0
    for part in ("plan", "checklist", "findings", "certificates"):
        try:
            module = import_module(f"audits.demo_{part}")
        except ModuleNotFoundError as error:
            if error.name != f"audits.demo_{part}":
                raise
            continue
        made += module.seed(demo) or 0
    return made
