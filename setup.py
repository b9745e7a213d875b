"""Build steps pyproject.toml cannot declare.

The translation catalogs (.po -> .mo) are compiled whenever the package is built or
installed, and the package list is src/'s packages plus the two top-level folders
that pyproject.toml's package-dir maps into the package (templates/, migrations/).
"""
from pathlib import Path

from setuptools import find_packages, setup
from setuptools.command.build_py import build_py


def compile_catalogs() -> None:
    """Write a .mo next to every .po under src/materiality/translations."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    for po_path in Path(__file__).parent.glob("src/materiality/translations/*/LC_MESSAGES/*.po"):
        with po_path.open("rb") as po_file:
            catalog = read_po(po_file)
        with po_path.with_suffix(".mo").open("wb") as mo_file:
            write_mo(mo_file, catalog)


class BuildWithCatalogs(build_py):
    """build_py that compiles the catalogs first, so installs need no hand step."""

    def run(self) -> None:
        compile_catalogs()
        super().run()


#: Top-level folders shipped inside the package (see package-dir in pyproject.toml).
MAPPED_PACKAGES = ["materiality.templates", "materiality.migrations"]

setup(
    packages=find_packages(where="src") + MAPPED_PACKAGES,
    cmdclass={"build_py": BuildWithCatalogs},
)
