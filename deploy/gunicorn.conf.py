"""gunicorn settings for one app instance (README, "Production").

    gunicorn -c /etc/materiality/gunicorn.conf.py --bind 127.0.0.1:8000 'materiality:create_app()'

Options given on the command line win over these; the systemd unit
(materiality@.service) passes --bind, one instance per port.
"""
import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")

# Sync workers, two per core: a survey response is CPU-bound Python, and threads
# stored fewer responses per second on the benchmark machine (GIL contention).
# Each sync worker serves one request at a time, so nginx in front buffers the
# slow phones' uploads and downloads (deploy/nginx-materiality.conf).
worker_class = "sync"
workers = int(os.environ.get("WEB_CONCURRENCY", 2 * multiprocessing.cpu_count()))

# Longer than the slowest legitimate request (a matrix PDF, a 5,000-row import);
# a worker stuck past it is killed and replaced.
timeout = 60
graceful_timeout = 30
# Recycle each worker now and then, so slow growth (matplotlib caches) stays bounded.
max_requests = 2000
max_requests_jitter = 200
# The workers' heartbeat files on tmpfs: a slow disk cannot make them look stuck.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None

# Only nginx on this host may tell gunicorn the request came over https. The app
# takes the client's address from X-Forwarded-For itself (TRUST_PROXY=1).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

# Logs to stdout/stderr: the journal keeps them.
accesslog = "-"
errorlog = "-"
