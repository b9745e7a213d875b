"""The organisation profile: names, contact line, privacy notice and logo (admins)."""
from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _

from ..extensions import db
from ..organisation import LOGO_EXTENSIONS, set_logo, the_organisation
from ..services.logo import MAX_BYTES, MAX_SIDE, LogoRefused, clean_logo
from . import bp
from .forms import OrganisationForm

TEXT_FIELDS = ("name_zh", "name_en", "contact_zh", "contact_en", "privacy_zh", "privacy_en")


def logo_refusal(code: str) -> str:
    """Why a logo was refused, in the user's language."""
    if code == "too_large":
        return _("The logo is larger than %(size)s MB. Nothing was saved.",
                 size=MAX_BYTES // 1_000_000)
    if code == "too_many_pixels":
        return _("The logo is larger than %(side)s × %(side)s pixels. Nothing was saved.",
                 side=MAX_SIDE)
    if code == "wrong_format":
        return _("The logo must be a PNG or JPEG image. Nothing was saved.")
    return _("This file cannot be read as a PNG or JPEG image. Nothing was saved.")


@bp.route("/organisation", methods=["GET", "POST"])
def organisation():
    """Edit the profile shown on every survey page, poster, code sheet and methodology note."""
    profile = the_organisation()
    form = OrganisationForm(obj=profile)
    if form.validate_on_submit():
        upload = form.logo.data
        logo = None
        if upload and getattr(upload, "filename", None):
            try:
                # One byte over the limit is enough to refuse it; the rest is not read.
                logo = clean_logo(upload.read(MAX_BYTES + 1))
            except LogoRefused as refused:
                form.logo.errors = [logo_refusal(refused.code)]
        if not form.logo.errors:
            for name in TEXT_FIELDS:
                setattr(profile, name, (form[name].data or "").strip() or None)
            if logo is not None:
                set_logo(profile, logo)
            elif form.remove_logo.data:
                set_logo(profile, None)
            db.session.commit()
            flash(_("Organisation profile saved."), "success")
            return redirect(url_for("admin.organisation"))
    shown_logo = (profile.logo_sha256, LOGO_EXTENSIONS[profile.logo_mime]) \
        if profile.logo_sha256 and profile.logo_mime in LOGO_EXTENSIONS else None
    db.session.rollback()  # a profile made only to fill the form is not stored
    status = 400 if any(field.errors for field in form) else 200
    return render_template("admin/organisation.html", form=form, logo=shown_logo), status
