"""Instructions per survey request, counted by valgrind's callgrind: steady on a busy machine.

The submission benchmark's figures move with the machine's load (2 shared cores); an
instruction count does not, so each change to the survey's hot path can be judged on
its own. The app runs in this process (no gunicorn, no sockets): each step calls the
WSGI app with a prepared environ, as gunicorn would, after 100 warm-up steps; only the
measured steps are counted (callgrind_control switches counting on and off).

Steps (``--step``):
  round-trip  GET a cached form of a 25-topic link, POST every answer (303)
  get         the GET alone
  read        the GET and the client's reading of the page, no POST (so that the POST
              alone is round-trip minus read)
  floor       the floor app's GET and POST (benchmarks/floor_app.py), in process
  empty       an empty public view of this app: what its hooks and Flask cost

The round trip's count includes the client's own reading of the page (finding the hidden
fields and topics, encoding the answers), the same in every run: ``read`` counts it with
the GET; ``get`` and ``floor`` do no such reading. Needs valgrind (Debian's package).

Run: .venv/bin/python benchmarks/survey_instructions.py [--step round-trip] [--steps 200]
     [--database sqlite|postgresql]
"""
from __future__ import annotations

import argparse
import io
import os
import shutil
import subprocess
import sys
import tempfile
import urllib.parse
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

import bench_submissions as bench  # noqa: E402 - beside this script

MEASURED = "SURVEY_INSTRUCTIONS_MEASURED"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--step", default="round-trip",
                        choices=("round-trip", "get", "read", "floor", "empty"))
    parser.add_argument("--steps", type=int, default=200)
    parser.add_argument("--database", default="sqlite", choices=("sqlite", "postgresql"))
    args = parser.parse_args()
    if os.environ.get(MEASURED):
        measure(args)
        return 0
    valgrind = shutil.which("valgrind")
    if valgrind is None:
        print("valgrind is missing (apt-get install valgrind)")
        return 1
    database_url = (bench.fresh_postgres("survey_instructions") if args.database == "postgresql"
                    else f"sqlite:///{tempfile.mkdtemp()}/survey.sqlite3")
    result = subprocess.run(
        [valgrind, "--tool=callgrind", "--instr-atstart=no", "--callgrind-out-file=/dev/null",
         sys.executable, __file__, *sys.argv[1:]],
        env=dict(os.environ, **{MEASURED: database_url}), capture_output=True, text=True)
    counted = [line for line in result.stderr.splitlines() if "Collected" in line]
    if result.returncode or not counted:
        print(result.stdout, result.stderr[-2000:])
        return 1
    instructions = int(counted[-1].split()[-1])
    print(f"{args.step} on {args.database}: {instructions / args.steps / 1e6:.2f} M instructions "
          f"a step ({args.steps} steps)")
    return 0


def measure(args: argparse.Namespace) -> None:
    """Run the steps inside callgrind, counting only the measured ones."""
    from werkzeug.test import EnvironBuilder

    database_url = os.environ[MEASURED]
    tokens = bench.prepare(database_url)
    os.environ.update(bench.env_for(database_url))
    from survey_app import app

    headers = {"Accept-Language": "zh-CN,zh;q=0.9"}
    forms = {token: EnvironBuilder(path=f"/s/{token}", headers=headers).get_environ()
             for token in tokens}
    answers = {token: EnvironBuilder(path=f"/s/{token}", method="POST", data=b"-",
                                     content_type="application/x-www-form-urlencoded",
                                     headers=headers).get_environ() for token in tokens}

    def call(wsgi_app, environ: dict) -> tuple[str, bytes]:
        status = []
        body = b"".join(wsgi_app(environ, lambda line, _headers, _info=None: status.append(line)))
        return status[0], body

    def with_body(environ: dict, data: bytes) -> dict:
        return dict(environ, **{"wsgi.input": io.BytesIO(data), "CONTENT_LENGTH": str(len(data))})

    def round_trip(n: int) -> None:
        token = tokens[n % len(tokens)]
        status, page = call(app.wsgi_app, dict(forms[token]))
        assert status.startswith("200"), status
        if args.step == "get":
            return
        fields = {name.decode(): value.decode() for name, value in bench.FIELD.findall(page)}
        for name in dict.fromkeys(bench.TOPIC_FIELD.findall(page.decode())):
            fields[name] = "3"
        fields["expectations"] = "Benchmark response"
        data = urllib.parse.urlencode(fields).encode()
        if args.step == "read":
            return
        status, _ = call(app.wsgi_app, with_body(answers[token], data))
        assert status.startswith("303"), status

    step = round_trip
    if args.step == "empty":
        def empty_view() -> str:
            return ""
        empty_view.is_public = True  # type: ignore[attr-defined]
        app.add_url_rule("/empty-view", "empty_view", empty_view)
        empty = EnvironBuilder(path="/empty-view").get_environ()

        def step(_n: int) -> None:
            assert call(app.wsgi_app, dict(empty))[0].startswith("200")
    elif args.step == "floor":
        import floor_app

        floor_app.metadata.create_all(floor_app.engine)
        floor_form = EnvironBuilder(path="/floor").get_environ()
        floor_post = EnvironBuilder(path="/floor", method="POST", data=b"-",
                                    content_type="application/x-www-form-urlencoded").get_environ()

        def step(n: int) -> None:
            call(floor_app.app.wsgi_app, dict(floor_form))
            data = f"uid={os.getpid()}-{n}".encode()
            assert call(floor_app.app.wsgi_app, with_body(floor_post, data))[0].startswith("303")

    for n in range(100):
        step(-1 - n)
    control = shutil.which("callgrind_control") or "callgrind_control"
    subprocess.run([control, "-i", "on", str(os.getpid())], capture_output=True, check=True)
    for n in range(args.steps):
        step(n)
    subprocess.run([control, "-i", "off", str(os.getpid())], capture_output=True, check=True)


if __name__ == "__main__":
    sys.exit(main())
