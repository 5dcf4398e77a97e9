# The production image: gunicorn, or a Celery worker or beat, from one image.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    DJANGO_SETTINGS_MODULE=uwvrec.settings.base \
    DJANGO_STATIC_ROOT=/app/var/static

# Pango, HarfBuzz and a font for WeasyPrint (the rule texts' PDFs).
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 \
       libharfbuzz-subset0 fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt

COPY . .
# collectstatic needs settings to load, not a database or a real secret.
RUN DJANGO_SECRET_KEY=collectstatic DATABASE_URL=postgres://build@localhost/build \
    REDIS_URL=redis://localhost:6379/0 python manage.py collectstatic --noinput \
    && useradd --system --home-dir /app uwvrec && mkdir -p /app/var /anchors /exports \
    && chown uwvrec /app/var /anchors /exports
USER uwvrec

EXPOSE 8000
# The access log names the path only: no query string, referrer or address, which
# can hold what a person typed or who they are.
CMD ["gunicorn", "uwvrec.wsgi", "--bind", "0.0.0.0:8000", "--workers", "5", \
     "--access-logfile", "-", \
     "--access-logformat", "%(t)s \"%(m)s %(U)s %(H)s\" %(s)s %(b)s %(L)s"]
