"""Benchmark of the reproducibility bundle: make the demo's bundle, regenerate from it.

On SQLite temp files migrated by ``flask db upgrade``: the demo (``seed-demo``), then
``bundle_file`` for the 2023 assessment (which exports the reproduced report files to
sum them), then ``regenerate`` on a second, empty database. Prints seconds (best of N)
and the bundle's size, and checks that every regenerated file is identical.

Run from the repository root: ``.venv/bin/python benchmarks/bench_bundle.py [--repeat N]``
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("SECRET_KEY", "benchmark")


def make_app(path: Path):  # noqa: ANN201
    """An app on a migrated SQLite file."""
    from flask_migrate import upgrade

    from materiality import create_app

    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}", "TESTING": True})
    with app.app_context():
        upgrade()
    return app


def main() -> int:
    """Time the bundle and the regeneration of the demo's 2023 assessment."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    import logging

    logging.disable(logging.INFO)
    from materiality.extensions import db
    from materiality.models import Assessment
    from materiality.report.bundle import bundle_file, regenerate
    from materiality.seed import seed_demo
    from materiality.services.documents.bundle import unpack

    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        source = make_app(tmp / "demo.sqlite3")
        with source.app_context():
            seed_demo()
            db.session.commit()
            assessment = db.session.scalar(
                db.select(Assessment).where(Assessment.reporting_year == 2023))
            times = []
            for _ in range(args.repeat):
                started = time.perf_counter()
                content = bundle_file(assessment).content
                times.append(time.perf_counter() - started)
        print(f"bundle of the demo's 2023 assessment: {min(times):.2f} s "
              f"(best of {args.repeat}), {len(content) / 1024:.0f} KiB")

        times, identical = [], True
        for i in range(args.repeat):  # regenerate keeps what it loads: a new database each time
            empty = make_app(tmp / f"empty{i}.sqlite3")
            with empty.app_context():
                started = time.perf_counter()
                written = regenerate(unpack(content), tmp / f"out{i}")
                times.append(time.perf_counter() - started)
                identical &= all(r.identical for r in written)
                db.session.remove()
        print(f"regenerate on an empty database: {min(times):.2f} s (best of {args.repeat}), "
              f"{len(written)} files, all identical: {identical}")
    return 0 if identical else 1


if __name__ == "__main__":
    sys.exit(main())
