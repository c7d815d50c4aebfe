"""gunicorn settings for Espace Famille (read by `gunicorn -c deploy/gunicorn.conf.py`).

Sync workers: every request holds one database connection for a few milliseconds and the
slow clients are nginx's business (it buffers request bodies and responses), so the simplest
worker type is also the fastest here. Environment variables override each value.
"""

import multiprocessing
import os

wsgi_app = "espace_famille.wsgi:application"
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8001")
# Two per core plus one: enough to keep the cores busy while others wait on PostgreSQL.
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
worker_class = "sync"
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))  # a PDF renders in well under that
graceful_timeout = 30
# Recycle workers now and then so that a slow leak never reaches production's memory limit.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "2000"))
max_requests_jitter = 200
# Load the application before forking: less memory, and a broken deploy fails at start.
preload_app = True
# Only nginx on this machine may say who the client is and whether it used HTTPS.
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
errorlog = "-"
# Paths without their query strings (search terms, return addresses) in the access log.
access_log_format = '%(h)s "%(m)s %(U)s" %(s)s %(B)s %(M)sms'
proc_name = "espace-famille"
