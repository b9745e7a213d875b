"""Build steps pyproject.toml cannot declare.

The translation catalogs (.po -> .mo) are compiled whenever the package is built or
installed; a built package's static text files get precompressed copies beside them
(``app.css.gz``, which nginx's ``gzip_static`` sends instead of compressing each time);
and the package list is src/'s packages plus the two top-level folders that
pyproject.toml's package-dir maps into the package (templates/, migrations/).
"""
import gzip
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


#: Static files worth compressing (images other than SVG are compressed already).
COMPRESSED_SUFFIXES = {".css", ".js", ".svg"}


def precompress_static(package_dir: Path) -> None:
    """Write ``NAME.gz`` beside every text file of ``package_dir/static`` (best
    compression; no name or time in the header, so a build gives the same bytes)."""
    for path in sorted((package_dir / "static").rglob("*")):
        if path.suffix in COMPRESSED_SUFFIXES and path.is_file():
            with path.with_name(path.name + ".gz").open("wb") as out, gzip.GzipFile(
                    filename="", mode="wb", fileobj=out, compresslevel=9, mtime=0) as packed:
                packed.write(path.read_bytes())


class BuildWithCatalogs(build_py):
    """build_py that compiles the catalogs first, so installs need no hand step, and
    precompresses the built package's static files."""

    def run(self) -> None:
        compile_catalogs()
        super().run()
        if not self.editable_mode:
            precompress_static(Path(self.build_lib) / "materiality")


#: Top-level folders shipped inside the package (see package-dir in pyproject.toml).
MAPPED_PACKAGES = ["materiality.templates", "materiality.migrations"]

setup(
    packages=find_packages(where="src") + MAPPED_PACKAGES,
    cmdclass={"build_py": BuildWithCatalogs},
)
