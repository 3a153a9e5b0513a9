"""Sections that areas add to the "My work" page. Each provider takes the user and returns a list
of ``Section``; each section runs a bounded number of queries whatever the data size."""

from dataclasses import dataclass, field

PROVIDERS = []


@dataclass
class Section:
    title: str
    items: list = field(default_factory=list)  # (label, url, detail)
    empty: str = ""
    more_url: str = ""


def register(provider):
    PROVIDERS.append(provider)
    return provider


def sections_for(user):
    return [section for provider in PROVIDERS for section in provider(user)]
