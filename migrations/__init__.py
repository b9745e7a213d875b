"""The Alembic revisions. They stay at the top of the repository and ship inside the
package as ``materiality.migrations`` (package-dir in pyproject.toml), where
``create_app()`` finds them; this file makes that a regular package."""
