# syntax=docker/dockerfile:1
# One image for every process of the site: the web server (gunicorn), the Celery worker and
# Celery beat. See docker-compose.yml for how they are wired, and docs/deployment.md.
FROM python:3.11-slim

# The code runs from /app (PYTHONPATH), where templates/, static/ and manage.py sit beside it.
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONPATH=/app \
    DJANGO_SETTINGS_MODULE=config.settings.production \
    VAR_DIR=/app/var \
    MEDIA_ROOT=/data/media \
    WEB_CONCURRENCY=3

WORKDIR /app

# Dependencies first, read from pyproject.toml, so a code change does not reinstall them.
COPY pyproject.toml ./
RUN python -c "import tomllib; p = tomllib.load(open('pyproject.toml', 'rb'))['project']; \
print('\n'.join(p['dependencies'] + p['optional-dependencies']['s3']))" > /tmp/requirements.txt \
    && pip install -r /tmp/requirements.txt

# The project itself (its dependencies, with the [s3] extra for uploads to S3, are in place).
COPY . .
RUN pip install --no-deps .

# Static files are collected into the image and served by WhiteNoise. The key only lets the
# production settings load during the build; it is never used at run time.
ARG BUILD_SECRET_KEY=collectstatic-only-not-a-secret
RUN SECRET_KEY="$BUILD_SECRET_KEY" ALLOWED_HOSTS=localhost CELERY_BROKER_URL=memory:// \
    python manage.py collectstatic --noinput --verbosity 0

RUN groupadd --system --gid 10001 app \
    && useradd --system --uid 10001 --gid app --home-dir /app --no-create-home app \
    && mkdir -p /app/var /data/media /data/beat \
    && chown -R app:app /app/var /data
USER app

EXPOSE 8000
# gunicorn reads its number of workers from WEB_CONCURRENCY. The proxy in front buffers slow
# clients and uploads, so synchronous workers with a 60 s timeout suffice; workers are recycled
# every thousand or so requests to bound memory growth.
CMD ["gunicorn", "config.wsgi", \
     "--bind", "0.0.0.0:8000", \
     "--timeout", "60", \
     "--graceful-timeout", "30", \
     "--keep-alive", "5", \
     "--max-requests", "1000", \
     "--max-requests-jitter", "100", \
     "--forwarded-allow-ips", "*", \
     "--access-logfile", "-"]
