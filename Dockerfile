# QMS Portal production image: gunicorn serving Django; the same image runs the Celery worker and beat
# (see docker-compose.yml).
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    QMS_VAR_DIR=/data \
    MEDIA_ROOT=/data/media \
    STATIC_ROOT=/app/staticfiles

# pango for WeasyPrint (PDFs), Noto CJK for Chinese PDFs, gettext for compilemessages, HarfBuzz's
# subsetter for embedding only the characters a PDF uses (a long master list: 0.1 s instead of
# several seconds with fontTools, which is used when it is missing).
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-noto-cjk gettext \
    && rm -rf /var/lib/apt/lists/*

RUN groupadd --system qms \
    && useradd --system --gid qms --home-dir /app --no-create-home --shell /usr/sbin/nologin qms

WORKDIR /app

# Dependencies first (cached layer): the runtime list from pyproject.toml, pinned by constraints.txt.
COPY pyproject.toml constraints.txt ./
RUN python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" \
        > /tmp/requirements.txt \
    && pip install -c constraints.txt -r /tmp/requirements.txt \
    && rm /tmp/requirements.txt

COPY . .

# Translations and static files are built into the image (root-owned: the app cannot rewrite its code).
# The SECRET_KEY here exists only for this build step; the real one comes from the environment.
RUN if [ -d locale ]; then DEBUG=1 python manage.py compilemessages -v 0; fi \
    && DEBUG=0 SECRET_KEY=build-only-dummy-key-not-used-at-runtime-0123456789abcdef ALLOWED_HOSTS=localhost \
       python manage.py collectstatic --noinput -v 0 \
    && mkdir -p /data/media /data/celery /data/mail \
    && chown -R qms:qms /data \
    && chmod 0755 docker/entrypoint.sh

USER qms
EXPOSE 8000

# /healthz is public. The check sends the first ALLOWED_HOSTS name as Host and X-Forwarded-Proto:
# https so that neither ALLOWED_HOSTS nor the HTTPS redirect turns it away.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD python -c "import os, urllib.request as u; h = os.environ.get('ALLOWED_HOSTS', 'localhost').split(',')[0].strip().lstrip('.').replace('*', 'localhost') or 'localhost'; u.urlopen(u.Request('http://127.0.0.1:8000/healthz', headers={'Host': h, 'X-Forwarded-Proto': 'https'}), timeout=4)"

ENTRYPOINT ["/app/docker/entrypoint.sh"]
# gunicorn (the same flags as the web service of docker-compose.yml). Long work never runs in a
# request: exports and large PDFs are background jobs in the Celery worker, so every request is short.
#   sync workers: one request at a time each; simple and predictable when no request is long (the
#     reverse proxy buffers slow clients; downloads go out with sendfile).
#   --timeout 30: a request still running after 30 s is a fault, not work: its worker is killed and
#     replaced instead of holding a third of the capacity (nothing legitimate comes near it).
#   --graceful-timeout 30: on a restart, requests in flight get as long to finish.
#   --max-requests 1000 (+ jitter): each worker is replaced after about a thousand requests, so the
#     memory a worker grows (fragmentation, per-process caches) is given back, one worker at a time.
#   --worker-tmp-dir /dev/shm: the workers' heartbeat files on tmpfs; on the container's overlay
#     filesystem a slow disk can stall them and get healthy workers killed.
CMD ["gunicorn", "qms_portal.wsgi", "-b", "0.0.0.0:8000", "--workers", "3", "--timeout", "30", \
     "--graceful-timeout", "30", "--max-requests", "1000", "--max-requests-jitter", "100", \
     "--worker-tmp-dir", "/dev/shm", "--access-logfile", "-"]
