"""What a link's poster says: the title, how long answering takes, until when it is open."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from ..models import QuestionnaireKind, SurveyLink
from ..survey.questionnaires import QUESTIONNAIRES, minutes_to_answer


@dataclass(frozen=True)
class PosterFacts:
    """A poster's prepared values, in one language."""

    title: str
    #: Rated questions: the topics asked, or the feedback form's choices.
    questions: int
    #: About how long answering takes, in whole minutes (every required question × 10 s,
    #: rounded up), as the survey's introduction says.
    minutes: int
    #: The link's closing time, if set; else the assessment's closing day (not for the
    #: feedback form, which runs on after the assessment closes); else neither.
    closes_at: datetime | None
    closes_on: date | None


def poster_facts(link: SurveyLink, locale: str) -> PosterFacts:
    """The poster of ``link`` in ``locale``; the time it takes is the survey intro's."""
    assessment = link.assessment
    questionnaire = QUESTIONNAIRES.get(link.kind)
    topics = len(assessment.topic_links)
    if questionnaire is None:  # a kind without a survey form here: its topics only
        questions, required = topics, topics
    else:
        # A general link first asks the group (stakeholders) or the rater's part (company).
        picks = int(link.kind in (QuestionnaireKind.STAKEHOLDER, QuestionnaireKind.COMPANY)
                    and link.group_id is None and link.rater_kind is None)
        required = questionnaire.required_count(topics, picks)
        questions = topics if questionnaire.rates_topics else required
    closes_on = (assessment.closes_on
                 if link.closes_at is None and link.kind != QuestionnaireKind.FEEDBACK else None)
    return PosterFacts(assessment.display_title(locale), questions, minutes_to_answer(required),
                       link.closes_at, closes_on)
