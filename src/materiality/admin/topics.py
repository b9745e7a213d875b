"""The topic library: list, search, create, edit, archive, import and export."""
from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import or_
from wtforms import SelectChoice

from ..confirmation import Act, confirm_step
from ..extensions import db
from ..forms_common import query_text
from ..frozen_configuration import closed_assessments_asking
from ..i18n import locale_code
from ..models import AssessmentTopic, Category, Topic
from ..services.input_checks import parse_int
from ..services.library.topic_files import (
    MAX_COLUMNS,
    MAX_FILE_BYTES,
    MAX_ROWS,
    MAX_UNPACKED_BYTES,
    TopicFileError,
    read_topic_file,
    topics_csv,
    topics_xlsx,
    validate_topic_rows,
)
from ..services.library.topic_templates import load_templates
from . import bp
from .forms import CategoryForm, ConfirmForm, ImportForm, TemplateForm, TopicForm
from .operations import add_template_topics, category_spellings, import_topics, topic_records
from .saving import commit_or_flag_duplicate, copy_text_fields


def _categories() -> list[Category]:
    return list(db.session.scalars(db.select(Category).order_by(Category.position, Category.id)))


def _category_choices() -> list[SelectChoice]:
    locale = locale_code()
    return [SelectChoice(c.id, c.name(locale)) for c in _categories()]


@bp.route("/topics")
def topics():
    """The library, with search and a category filter."""
    query = db.select(Topic).order_by(Topic.category_id, Topic.id)
    search = query_text("q")
    # A filter that is not a category id (a hand-edited address) filters nothing.
    category_id = parse_int(request.args.get("category"), minimum=1)
    show = request.args.get("show", "active")
    if search:
        # % and _ typed in the search are meant literally, not as wildcards.
        escaped = search.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        pattern = f"%{escaped}%"
        query = query.where(or_(*(column.ilike(pattern, escape="\\") for column in (
            Topic.name_zh, Topic.name_en, Topic.description_zh, Topic.description_en))))
    if category_id:
        query = query.where(Topic.category_id == category_id)
    if show == "archived":
        query = query.where(Topic.archived.is_(True))
    elif show != "all":
        query = query.where(Topic.archived.is_(False))
    return render_template(
        "admin/topics.html",
        topics=db.session.scalars(query).all(),
        categories=_categories(),
        search=search,
        category_id=category_id,
        show=show,
        confirm=ConfirmForm(),
        template_form=_template_form(),
    )


def _templates() -> dict:
    from ..seed import model_report_template  # the seed builds on admin.operations

    return {"model_report": model_report_template(), **load_templates()}


def _template_form() -> TemplateForm:
    form = TemplateForm()
    english = locale_code().startswith("en")
    form.template.choices = [SelectChoice(key, t.name_en if english else t.name_zh)
                             for key, t in _templates().items()]
    return form


@bp.route("/topics/template", methods=["POST"])
def topic_template():
    """Start from a template: add its topics that the library does not hold yet."""
    form = _template_form()
    if form.validate_on_submit():
        from ..seed import ensure_categories

        added = add_template_topics(_templates()[form.template.data], ensure_categories())
        db.session.commit()
        if added:
            flash(_("%(count)s topics added.", count=added), "success")
        else:
            flash(_("Every topic of this template is in the library already."), "success")
    else:
        for errors in form.errors.values():
            flash(" ".join(str(error) for error in errors), "error")
    return redirect(url_for("admin.topics"))


def _save_topic(form: TopicForm, topic: Topic) -> bool:
    """Copy the form into the topic; False (with the field error set) on a duplicate name."""
    copy_text_fields(form, topic, ("name_zh", "name_en", "description_zh", "description_en",
                                   "cass_codes", "gri_codes", "esrs_codes",
                                   "guideline_codes"))
    topic.category_id = form.category_id.data
    return commit_or_flag_duplicate(form.name_zh, _("A topic with this name exists already."))


@bp.route("/topics/new", methods=["GET", "POST"])
def topic_new():
    """Add a topic to the library."""
    form = TopicForm()
    form.category_id.choices = _category_choices()
    if form.validate_on_submit():
        topic = Topic()
        db.session.add(topic)
        if _save_topic(form, topic):
            flash(_("Topic added."), "success")
            return redirect(url_for("admin.topics"))
    return render_template("admin/topic_form.html", form=form, topic=None)


@bp.route("/topics/<int:topic_id>/edit", methods=["GET", "POST"])
def topic_edit(topic_id: int):
    """Edit a topic (closed assessments that ask it keep it as they were closed with)."""
    topic = db.get_or_404(Topic, topic_id)
    form = TopicForm(obj=topic)
    form.category_id.choices = _category_choices()
    if form.validate_on_submit() and _save_topic(form, topic):
        flash(_("Topic saved."), "success")
        return redirect(url_for("admin.topics"))
    return render_template("admin/topic_form.html", form=form, topic=topic,
                           closed_uses=closed_assessments_asking(topic.id))


def describe_topic_archive(topic_id: int, action: str) -> Act:
    """Archiving or restoring a topic, with the assessments that ask it."""
    topic = db.get_or_404(Topic, topic_id)
    name = topic.name(locale_code())
    back = url_for("admin.topics")
    asked = db.session.scalar(db.select(db.func.count()).select_from(AssessmentTopic).where(
        AssessmentTopic.topic_id == topic.id))
    refused = None
    if topic.archived == (action == "archive"):
        refused = (_("The topic is archived already.") if topic.archived
                   else _("The topic is not archived."))
    if action == "archive":
        return Act(_("Archive the topic %(name)s?", name=name),
                   ngettext("It stays in the %(num)s assessment that asks it; new "
                            "assessments do not offer it. You can restore it.",
                            "It stays in the %(num)s assessments that ask it; new "
                            "assessments do not offer it. You can restore it.", asked),
                   _("Archive the topic"), back, danger=True, refused=refused)
    return Act(_("Restore the topic %(name)s?", name=name),
               _("New assessments offer it again."), _("Restore the topic"),
               url_for("admin.topics", show="archived"), refused=refused)


@bp.route("/topics/<int:topic_id>/<any(archive, restore):action>", methods=["GET", "POST"])
@confirm_step(describe_topic_archive)
def topic_archive(topic_id: int, action: str):
    """Archive a topic (kept for past assessments) or bring it back."""
    topic = db.get_or_404(Topic, topic_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    topic.archived = action == "archive"
    db.session.commit()
    flash(_("Topic archived.") if topic.archived else _("Topic restored."), "success")
    return redirect(url_for("admin.topics", show="archived" if not topic.archived else None))


@bp.route("/categories", methods=["GET", "POST"])
def categories():
    """The categories, and a form to add one."""
    form = CategoryForm()
    if form.validate_on_submit():
        category = Category(key=form.key.data, position=len(_categories()))
        copy_text_fields(form, category, ("name_zh", "name_en"))
        db.session.add(category)
        if commit_or_flag_duplicate(form.key, _("This key is taken.")):
            flash(_("Category added."), "success")
            return redirect(url_for("admin.categories"))
    return render_template("admin/categories.html", form=form, categories=_categories())


def describe_problem(code: str, column: str, value: str) -> str:
    """One row problem in the user's language."""
    if code == "missing_name":
        return _("The topic has no name in either language.")
    if code == "too_long":
        return _("Column %(column)s is longer than %(limit)s characters.", column=column,
                 limit=value)
    if code == "missing_category":
        return _("The category is empty.")
    if code == "unknown_category":
        return _("Unknown category “%(value)s”.", value=value)
    if code == "control_characters":
        return _("Column %(column)s holds an invisible control character (such as NUL, or a "
                 "line break in a name).", column=column)
    if code == "extra_cells":
        return _("The row has more cells than the header (a comma in a text without quotes?).")
    if code == "duplicate_name":
        name, _sep, first = value.partition("|")
        return _("The name “%(name)s” appears already in row %(row)s.", name=name, row=first)
    return code


def describe_file_error(error: TopicFileError) -> str:
    """A whole-file problem in the user's language."""
    messages = {
        "not_utf8": _("The CSV file is not UTF-8. Save it as “CSV UTF-8” and try again."),
        "unknown_type": _("Only .csv and .xlsx files can be imported."),
        "unreadable": _("The file cannot be read as a table."),
        "missing_columns": _("The file needs a header row with at least name_zh or name_en, "
                             "and category."),
        "too_many_rows": _("The file has more than %(limit)s rows.", limit=MAX_ROWS),
        "too_many_columns": _("The file has more than %(limit)s columns.", limit=MAX_COLUMNS),
        "too_large": _("The file is larger than %(size)s MB.", size=MAX_FILE_BYTES // 2**20),
        "too_large_unpacked": _("The workbook holds more than %(size)s MB once unpacked.",
                                size=MAX_UNPACKED_BYTES // 2**20),
    }
    return messages.get(error.code, error.code)


@bp.route("/topics/import", methods=["GET", "POST"])
def topic_import():
    """Import topics from CSV or XLSX: all rows or none."""
    form = ImportForm()
    bad_rows: list[tuple[int, list[str]]] = []
    if form.validate_on_submit():
        upload = form.file.data
        try:
            # One byte over the limit is enough to refuse the file; the rest is not read.
            frame = read_topic_file(upload.read(MAX_FILE_BYTES + 1), upload.filename or "")
        except TopicFileError as error:
            form.file.errors.append(describe_file_error(error))
        else:
            rows, errors = validate_topic_rows(frame, category_spellings())
            if errors:
                bad_rows = [(e.row, [describe_problem(*p) for p in e.problems]) for e in errors]
                flash(_("Nothing was imported: %(count)s rows have errors.", count=len(errors)),
                      "error")
            elif not rows:
                form.file.errors.append(_("The file has no topics."))
            else:
                created, updated = import_topics(rows)
                db.session.commit()
                flash(_("Imported: %(created)s new topics, %(updated)s updated.",
                        created=created, updated=updated), "success")
                return redirect(url_for("admin.topics"))
    return render_template("admin/topic_import.html", form=form, bad_rows=bad_rows,
                           categories=_categories())


@bp.route("/topics/export.<any(csv, xlsx):fmt>")
def topic_export(fmt: str):
    """Download the whole library; the file imports back unchanged."""
    records = topic_records()
    if fmt == "csv":
        body, mimetype = topics_csv(records), "text/csv; charset=utf-8"
    else:
        body = topics_xlsx(records)
        mimetype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return Response(body, content_type=mimetype, headers={
        "Content-Disposition": f"attachment; filename=topic-library.{fmt}"})
