"""The survey's default introduction, naming the organisation once its name is set.

Plain text, no Flask. New assessments start from this wording; an assessment that
still has it word for word (the demo's, or one copied from it) shows it with the
organisation's name instead of "本公司" / "our", so respondents learn who is asking.
An introduction staff have edited is shown as written.
"""
from __future__ import annotations

_INTRO = {
    "zh": ("感谢您参与本次调查。请就以下每个议题对您的重要性作出评价，"
           "您的意见将用于确定{organisation}社会责任报告的实质性议题。"),
    "en": ("Thank you for taking part. Please rate how important each topic is to you; "
           "your answers decide the material topics of {organisation} CSR report."),
}
_UNNAMED = {"zh": "本公司", "en": "our"}


def _language(locale: str) -> str:
    return "en" if str(locale).startswith("en") else "zh"


def default_intro(locale: str, organisation: str = "") -> str:
    """The default introduction in ``locale``, naming ``organisation`` when given."""
    language = _language(locale)
    if organisation and language == "en":
        organisation = f"{organisation}\u2019s"
    return _INTRO[language].format(organisation=organisation or _UNNAMED[language])


def named_intro(text: str, locale: str, organisation: str) -> str:
    """``text`` with the organisation named, if it is the unnamed default wording."""
    if organisation and text == default_intro(locale):
        return default_intro(locale, organisation)
    return text
