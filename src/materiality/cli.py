"""Command-line tasks: create-user, seed-demo, import-topics, export, regenerate,
verify-trail."""
from __future__ import annotations

import secrets
from pathlib import Path

import click
from flask import Flask

from .extensions import db


def register_cli(app: Flask) -> None:
    """Attach the project's commands to ``flask --app wsgi``."""

    @app.cli.command("create-user")
    @click.argument("email")
    @click.option("--role", type=click.Choice(["admin", "editor"]), default="editor")
    @click.option("--password", help="Leave out to generate one and print it once.")
    @click.option("--skip-existing", is_flag=True, help="Do nothing if the email exists.")
    def create_user_command(email: str, role: str, password: str | None,
                            skip_existing: bool) -> None:
        """Add a staff account (the address and password rules of the login and users pages)."""
        from .auth.forms import INVALID_EMAIL, PASSWORD_LENGTH
        from .auth.operations import (
            MAX_PASSWORD_LENGTH,
            MIN_PASSWORD_LENGTH,
            InvalidEmail,
            create_user,
            normalise_email,
        )
        from .models import User

        try:
            address = normalise_email(email)
        except InvalidEmail as error:
            # An account the login form would refuse could never log in.
            raise click.ClickException(f"{email!r}: {INVALID_EMAIL}") from error
        if db.session.scalar(db.select(User).where(User.email == address)):
            if skip_existing:
                click.echo(f"{address} exists already; its password is unchanged.")
                return
            raise click.ClickException(f"{address} exists already.")
        generated = password is None
        password = password or secrets.token_urlsafe(12)
        if not MIN_PASSWORD_LENGTH <= len(password) <= MAX_PASSWORD_LENGTH:
            raise click.ClickException(str(PASSWORD_LENGTH))
        create_user(address, password, role)
        db.session.commit()
        click.echo(f"Created {role} {address}.")
        if generated:
            click.echo(f"Password (shown once): {password}")

    @app.cli.command("seed-demo")
    def seed_demo_command() -> None:
        """Load the model report's topics, groups, the 2023 and 2024 assessments (idempotent)."""
        from .seed import seed_demo

        added = seed_demo()
        db.session.commit()
        click.echo("Demo data: " + ", ".join(f"{v} {k} added" for k, v in added.items()))

    @app.cli.command("import-topics")
    @click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
    def import_topics_command(path: Path) -> None:
        """Import a topic library CSV or XLSX file: all rows or none."""
        from flask_babel import gettext as _

        from .admin.operations import category_spellings, import_topics
        from .admin.topics import describe_file_error, describe_problem
        from .seed import ensure_categories
        from .services.library.topic_files import TopicFileError, read_topic_file, validate_topic_rows

        ensure_categories()
        try:
            frame = read_topic_file(path.read_bytes(), path.name)
        except TopicFileError as error:
            raise click.ClickException(f"{path.name}: {describe_file_error(error)}") from error
        rows, errors = validate_topic_rows(frame, category_spellings())
        if errors:
            for error in errors:
                problems = " ".join(describe_problem(*problem) for problem in error.problems)
                click.echo(_("Row %(row)s: %(problems)s", row=error.row, problems=problems),
                           err=True)
            db.session.rollback()
            raise click.ClickException(
                _("Nothing was imported: %(count)s rows have errors.", count=len(errors)))
        created, updated = import_topics(rows)
        db.session.commit()
        click.echo(_("Imported: %(created)s new topics, %(updated)s updated.",
                     created=created, updated=updated))

    @app.cli.command("export")
    @click.argument("assessment")
    @click.option("--out", "out_dir", required=True,
                  type=click.Path(file_okay=False, path_type=Path),
                  help="Folder to write into (created when missing).")
    @click.option("--size", "sizes", multiple=True,
                  type=click.Choice(["half_a4", "full_a4", "slide_16_9"]),
                  help="Matrix size preset; repeat for several (default half_a4).")
    @click.option("--dpi", default=300, show_default=True, type=click.IntRange(72, 1200),
                  help="PNG resolution.")
    def export_command(assessment: str, out_dir: Path, sizes: tuple[str, ...], dpi: int) -> None:
        """Write an assessment's matrix, tables, methodology note and raw data (zh and en).

        ASSESSMENT is the assessment's id, or its reporting year when one assessment has it.
        """
        from .report.exports import export_all

        found = _find_assessment(assessment)
        paths = export_all(found, out_dir, sizes=sizes or ("half_a4",), dpi=dpi)
        for path in paths:
            click.echo(str(path))
        click.echo(f"{len(paths)} files written for {found.title} ({found.reporting_year}).")

    @app.cli.command("verify-trail")
    @click.option("--assessment", "assessment_id", type=int,
                  help="Check one assessment's trail (default: every trail).")
    def verify_trail_command(assessment_id: int | None) -> None:
        """Recompute the trail's hash chains; exit 1 naming the first entry that does not match."""
        from .models import TrailEntry
        from .trail import verify

        found = verify(assessment_id)
        if found.broken is None:
            click.echo(f"Trail intact: {found.checked} entries checked.")
            return
        entry = db.session.get(TrailEntry, found.broken.entry_id)
        why = ("its content does not match its hash" if found.broken.problem == "content"
               else "the entry before it is missing, moved or changed")
        raise click.ClickException(
            f"Trail broken at entry {entry.id} (assessment {entry.assessment_id}, "
            f"{entry.action}, {entry.created_at}): {why}.")

    @app.cli.command("regenerate")
    @click.argument("bundle_path", metavar="BUNDLE",
                    type=click.Path(exists=True, dir_okay=False, path_type=Path))
    @click.option("--out", "out_dir", required=True,
                  type=click.Path(file_okay=False, path_type=Path),
                  help="Folder to write into (created when missing).")
    def regenerate_command(bundle_path: Path, out_dir: Path) -> None:
        """Write a bundle's report files again, from its data alone, on an empty database.

        Each file is compared with the SHA-256 the bundle records for the published one.
        The loaded assessment stays in the database, to be browsed in the app.
        """
        from .report.bundle import regenerate
        from .services.documents.bundle import BundleError, unpack

        try:
            results = regenerate(unpack(bundle_path.read_bytes()), out_dir)
        except BundleError as error:
            db.session.rollback()
            raise click.ClickException(describe_bundle_error(error)) from error
        for result in results:
            state = {True: "identical", False: "DIFFERENT", None: "no published sum"}
            click.echo(f"{state[result.identical]}  {result.path}")
        different = sum(result.identical is False for result in results)
        if different:
            raise click.ClickException(
                f"{different} of {len(results)} files differ from the published ones.")
        click.echo(f"{len(results)} files regenerated, each identical to the published one.")


def describe_bundle_error(error) -> str:  # noqa: ANN001
    """Why a bundle cannot be regenerated, in words."""
    return {
        "not_a_zip": "This file is not a zip archive.",
        "no_manifest": "This zip has no manifest.json: it is not a reproducibility bundle.",
        "bad_manifest": "The bundle's manifest.json cannot be read.",
        "unknown_format": f"Unknown bundle format {error.detail!r}.",
        "missing_file": f"The bundle lacks {error.detail}, which its manifest lists.",
        "checksum_mismatch": (f"{error.detail} does not match its SHA-256 in the manifest: "
                              "the bundle was changed after it was made."),
        "unlisted_file": f"The bundle holds files its manifest does not list: {error.detail}.",
        "database_not_empty": ("Regenerate needs an empty database (no topics, groups or "
                               "assessments): run it on a fresh one, e.g. "
                               "DATABASE_URL=sqlite:////tmp/check.sqlite3 after "
                               "flask --app wsgi db upgrade."),
    }.get(error.code, str(error))


def _find_assessment(key: str):  # noqa: ANN202
    """An assessment by id, or by reporting year when that year has exactly one."""
    from .models import Assessment
    from .services.input_checks import parse_int

    number = parse_int(key, minimum=1)
    if number is None:
        raise click.BadParameter("give an assessment id or a reporting year",
                                 param_hint="ASSESSMENT")
    by_year = db.session.scalars(
        db.select(Assessment).where(Assessment.reporting_year == number)).all()
    if len(by_year) > 1:
        raise click.ClickException(
            f"{len(by_year)} assessments have the year {key}; give the id instead: "
            + ", ".join(str(a.id) for a in by_year))
    found = by_year[0] if by_year else db.session.get(Assessment, number)
    if found is None:
        raise click.ClickException(f"No assessment with id or year {key}.")
    return found
