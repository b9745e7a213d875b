"""The production app for the submission benchmark, with survey rate limits raised.

The per-link limits (300 POSTs a minute by default) and the per-client shares (every
benchmark client comes from 127.0.0.1) would otherwise refuse the benchmark's 2,000
submissions on a handful of links; the limiter still runs.
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
