"""Topic templates a library starts from, shipped as data (data/topic-templates.json).

Each template is a list of topics in both languages with their category and reference
codes. :func:`missing_topics` picks those a library does not hold yet, by Chinese or
English name (case and surrounding spaces ignored), so picking a template twice, or
two templates that share a topic, adds each topic once.
"""
from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from importlib.resources import files


@dataclass(frozen=True)
class TemplateTopic:
    """One topic of a template."""

    name_zh: str
    name_en: str
    category_key: str
    gri_codes: str | None = None
    esrs_codes: str | None = None
    cass_codes: str | None = None
    #: Articles of the exchanges' 2024 guideline, e.g. "第30条".
    guideline_codes: str | None = None


@dataclass(frozen=True)
class TopicTemplate:
    """A named list of topics and the source it follows."""

    key: str
    name_zh: str
    name_en: str
    source: str
    topics: tuple[TemplateTopic, ...]


def load_templates() -> dict[str, TopicTemplate]:
    """The shipped templates by key, in file order."""
    data = json.loads(files("materiality").joinpath("data/topic-templates.json")
                      .read_text("utf-8"))
    return {entry["key"]: TopicTemplate(
        key=entry["key"], name_zh=entry["name_zh"], name_en=entry["name_en"],
        source=entry["source"],
        topics=tuple(TemplateTopic(
            name_zh=topic["zh"], name_en=topic["en"], category_key=topic["category"],
            gri_codes=topic.get("gri"), esrs_codes=topic.get("esrs"),
            cass_codes=topic.get("cass"), guideline_codes=topic.get("guideline"))
            for topic in entry["topics"]),
    ) for entry in data["templates"]}


def _key(name: str | None) -> str:
    return (name or "").strip().casefold()


def missing_topics(template: TopicTemplate,
                   library_names: Iterable[str | None]) -> list[TemplateTopic]:
    """The template's topics whose Chinese and English names are both new to the library."""
    held = {_key(name) for name in library_names if name}
    return [topic for topic in template.topics
            if _key(topic.name_zh) not in held and _key(topic.name_en) not in held]
