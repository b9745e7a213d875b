"""The production app for the submission benchmark, with survey rate limits raised.

The per-link limits (300 POSTs a minute by default) and the per-client shares (every
benchmark client comes from 127.0.0.1) would otherwise refuse the benchmark's 2,000
submissions on a handful of links; the limiter still runs.

BENCH_SURVEY_LINK_READS=0 measures a bound, not a way to run: each worker reads a link
once and then believes it for ever (a paused or closed link would go on taking answers),
so a round trip's only statement is the store. benchmarks/README.md (fourth pass) uses it
to show what PostgreSQL costs beside SQLite without the link reads.
"""
import os

from materiality import create_app

app = create_app({
    "SURVEY_LINK_POST_LIMIT": "1000000/minute",
    "SURVEY_LINK_GET_LIMIT": "1000000/minute",
    "SURVEY_ADDRESS_POST_LIMIT": "1000000/minute",
    "SURVEY_ADDRESS_GET_LIMIT": "1000000/minute",
    "SURVEY_BROWSER_POST_LIMIT": "1000000/minute",
    "SURVEY_BROWSER_GET_LIMIT": "1000000/minute",
    # BENCH_SURVEY_PAGE_CACHE=0 renders every form afresh (to compare).
    "SURVEY_PAGE_CACHE": os.environ.get("BENCH_SURVEY_PAGE_CACHE", "1") != "0",
})

if os.environ.get("BENCH_SURVEY_LINK_READS") == "0":
    from materiality.survey import routes

    def _read_once(read):  # noqa: ANN001, ANN202
        found = {}

        def read_link(connection, token):  # noqa: ANN001, ANN202
            if token not in found:
                found[token] = read(connection, token)
            return found[token]
        return read_link

    routes.find_link = _read_once(routes.find_link)
    routes.find_link_and_form = _read_once(routes.find_link_and_form)
