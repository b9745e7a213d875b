"""Which questions each questionnaire kind asks: the one place that says so.

Every kind travels through the same links, codes and safe submission
(see survey.operations); a kind only decides the questions below.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l

from ..models import QuestionnaireKind, RaterKind

#: The value a "don't know" answer posts; it is stored as a NULL score.
DONT_KNOW = "dk"
OPEN_ANSWER_MAX = 4000


@dataclass(frozen=True)
class ChoiceQuestion:
    """A question answered by picking one option."""

    key: str
    label: object
    options: tuple[tuple[str, object], ...]
    required: bool = True
    kind: str = "choice"


@dataclass(frozen=True)
class TextQuestion:
    """An optional open question."""

    key: str
    label: object
    max_length: int = OPEN_ANSWER_MAX
    kind: str = "text"


@dataclass(frozen=True)
class Questionnaire:
    """What one kind of questionnaire asks."""

    kind: str
    title: object
    #: The question asked of every topic of the assessment; None: no topic ratings.
    topic_prompt: object | None = None
    #: Questions after the topics (open questions) or instead of them (feedback form).
    questions: tuple[ChoiceQuestion | TextQuestion, ...] = field(default_factory=tuple)

    @property
    def rates_topics(self) -> bool:
        return self.topic_prompt is not None

    def required_count(self, n_topics: int, picks: int = 0) -> int:
        """How many questions must be answered: ``n_topics`` topics asked (when it rates
        topics), ``picks`` questions before them (the group, how the rater takes part)
        and the required choice questions. Optional open questions never count."""
        return (picks + (n_topics if self.rates_topics else 0)
                + sum(1 for q in self.questions if q.kind == "choice" and q.required))


#: What a respondent needs for one question, on average: the time estimate's unit.
SECONDS_PER_QUESTION = 10


def minutes_to_answer(n_questions: int) -> int:
    """About how many minutes a questionnaire of ``n_questions`` takes: 10 s a question,
    rounded up to whole minutes, at least one (the survey's intro and the poster)."""
    return max(1, math.ceil(max(0, n_questions) * SECONDS_PER_QUESTION / 60))


#: The labelled 1–5 importance scale (plus "don't know").
IMPORTANCE_SCALE = (
    ("1", _l("Not important")),
    ("2", _l("Slightly important")),
    ("3", _l("Moderately important")),
    ("4", _l("Important")),
    ("5", _l("Very important")),
)

RATER_KINDS = (
    (RaterKind.MANAGEMENT.value, _l("Management")),
    (RaterKind.INTERNAL_EXPERT.value, _l("Internal expert")),
    (RaterKind.EXTERNAL_EXPERT.value, _l("External expert")),
)

#: Stored in Submission.other_topics / Submission.expectations (columns, not Answer rows).
SUBMISSION_COLUMNS = frozenset({"other_topics", "expectations"})

STAKEHOLDER = Questionnaire(
    kind=QuestionnaireKind.STAKEHOLDER.value,
    title=_l("Stakeholder survey"),
    topic_prompt=_l("How important is this topic to you?"),
    questions=(
        TextQuestion("other_topics", _l("Other topics we should address")),
        TextQuestion("expectations", _l("What do you expect from us?")),
    ),
)

COMPANY = Questionnaire(
    kind=QuestionnaireKind.COMPANY.value,
    title=_l("Importance to the company's development"),
    topic_prompt=_l("How important is this topic to the company's development?"),
)

FIVE_LEVELS_AMOUNT = (
    ("very_high", _l("Very high")), ("high", _l("High")), ("average", _l("Average")),
    ("low", _l("Low")), ("very_low", _l("Very low")),
)
FIVE_LEVELS_LAYOUT = (
    ("very_reasonable", _l("Very reasonable")), ("reasonable", _l("Reasonable")),
    ("average", _l("Average")), ("poor", _l("Poor")), ("very_poor", _l("Very poor")),
)
FIVE_LEVELS_READABILITY = (
    ("very_good", _l("Very good")), ("good", _l("Good")), ("average", _l("Average")),
    ("poor", _l("Poor")), ("very_poor", _l("Very poor")),
)

FEEDBACK = Questionnaire(
    kind=QuestionnaireKind.FEEDBACK.value,
    title=_l("Reader feedback on the report"),
    questions=(
        ChoiceQuestion("overall", _l("Your overall evaluation of this report"), (
            ("good", _l("Good")), ("fairly_good", _l("Fairly good")),
            ("average", _l("Average")), ("fairly_poor", _l("Fairly poor")),
            ("very_poor", _l("Very poor")),
        )),
        ChoiceQuestion("impacts", _l("Does the report reflect the company's significant "
                                     "economic, social and environmental impacts?"), (
            ("yes", _l("Yes")), ("no", _l("No")),
        )),
        ChoiceQuestion("information", _l("The amount of information disclosed"),
                       FIVE_LEVELS_AMOUNT),
        ChoiceQuestion("layout", _l("Layout and design"), FIVE_LEVELS_LAYOUT),
        ChoiceQuestion("readability", _l("Readability"), FIVE_LEVELS_READABILITY),
        TextQuestion("suggestions", _l("Your suggestions to improve the report and "
                                       "the company's social responsibility work")),
    ),
)

QUESTIONNAIRES = {q.kind: q for q in (STAKEHOLDER, COMPANY, FEEDBACK)}


def questionnaire_for(kind: str) -> Questionnaire:
    """The questions of a link's kind."""
    return QUESTIONNAIRES[kind]
