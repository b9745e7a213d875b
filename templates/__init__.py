"""The Jinja templates. They stay at the top of the repository and ship inside the
package as ``materiality.templates`` (package-dir in pyproject.toml), where
``create_app()`` finds them; this file makes that a regular package."""
