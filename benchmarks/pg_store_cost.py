"""PostgreSQL's own CPU to store one survey response, with and without the rating's keys.

The submission benchmark's ``database`` column is the backends' CPU per round trip, under
load and beside the app's. This takes the store alone: the app's own statement
(survey/storing.py, a 25-topic response with no answers), run by 4 connections at once
(the production worker count here) on a fresh benchmark database, and the backends' CPU
per stored response read from /proc. Variants, each on its own fresh database:

  as is                     the schema as migrated
  no rating->topic key      the rating's foreign key to its topic dropped
  no rating keys            both of the rating's foreign keys dropped

It shows what the foreign keys cost the database (benchmarks/README.md, fourth pass);
the app keeps them. Not run by ``make bench``; needs PostgreSQL at 127.0.0.1:5432.

Run: .venv/bin/python benchmarks/pg_store_cost.py [--stores 1500]
"""
from __future__ import annotations

import argparse
import sys
import threading
import uuid
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "src"))

import bench_submissions as bench  # noqa: E402 - beside this script

CONNECTIONS = 4
VARIANTS = {
    "as is": (),
    "no rating->topic key": ("fk_rating_topic_id_topic",),
    "no rating keys": ("fk_rating_topic_id_topic", "fk_rating_submission_id_submission"),
}


def store_cost(dropped: tuple[str, ...], stores: int) -> float:
    """Backend CPU milliseconds per stored response on a fresh database."""
    import psycopg
    from sqlalchemy.dialects import postgresql

    from materiality.survey.storing import _store_response_postgresql

    url = bench.fresh_postgres("pg_store_cost")
    if url is None:
        raise SystemExit("PostgreSQL is not reachable")
    bench.prepare(url.replace("postgresql://", "postgresql+psycopg://"))
    with psycopg.connect(url, autocommit=True) as connection:
        for constraint in dropped:
            connection.execute(f"ALTER TABLE rating DROP CONSTRAINT {constraint}")
        assessment_id, link_id, group_id = connection.execute(
            "SELECT assessment_id, id, group_id FROM survey_link "
            "WHERE group_id IS NOT NULL ORDER BY id LIMIT 1").fetchone()
        topic_ids = [row[0] for row in connection.execute(
            "SELECT topic_id FROM assessment_topic WHERE assessment_id = %s ORDER BY position",
            (assessment_id,))]
    compiled = _store_response_postgresql().compile(dialect=postgresql.psycopg.dialect())
    sql = str(compiled)

    def params() -> dict:
        submission = {"uid": uuid.uuid4().hex, "assessment_id": assessment_id,
                      "link_id": link_id, "kind": "stakeholder", "group_id": group_id,
                      "rater_kind": None, "invitation_code_id": None, "locale": "zh",
                      "started_at": None, "submitted_at": datetime.now(UTC),
                      "other_topics": None, "expectations": None}
        return {**{f"submission_{name}": value for name, value in submission.items()},
                "code_id": None, "topic_ids": topic_ids, "scores": [3] * len(topic_ids),
                "questions": [], "values": []}

    spent = [0.0] * CONNECTIONS

    def store(index: int) -> None:
        with psycopg.connect(url, autocommit=True) as connection:
            for _ in range(20):  # warm: the statement is prepared after 5
                connection.execute(sql, params())
            backend = connection.info.backend_pid
            before = bench._process_cpu(backend)
            for _ in range(stores):
                connection.execute(sql, params())
            spent[index] = bench._process_cpu(backend) - before

    threads = [threading.Thread(target=store, args=(i,)) for i in range(CONNECTIONS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    bench.drop_postgres(("pg_store_cost",))
    return sum(spent) / (stores * CONNECTIONS) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--stores", type=int, default=1500, help="per connection")
    args = parser.parse_args()
    print(f"backend CPU per stored response, {CONNECTIONS} connections x {args.stores} stores, "
          "25 topics")
    for name, dropped in VARIANTS.items():
        print(f"  {name:22} {store_cost(dropped, args.stores):.3f} ms", flush=True)


if __name__ == "__main__":
    main()
