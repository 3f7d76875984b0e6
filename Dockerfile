# One image for web, worker and beat (docker-compose.yml picks the command).
FROM python:3.13-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
RUN apt-get update && apt-get install -y --no-install-recommends libjpeg62-turbo zlib1g \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --create-home --uid 1000 newsroom
WORKDIR /app
COPY pyproject.toml README.md ./
RUN pip install . "django-storages[s3]>=1.14,<2"
COPY . .
# collectstatic needs settings that load; these values exist only at build time.
RUN SECRET_KEY=build-only ALLOWED_HOSTS=build DEBUG=false python manage.py collectstatic --noinput -v0 \
    && mkdir -p /app/media && chown -R newsroom /app/staticfiles /app/media
USER newsroom
EXPOSE 8000
CMD ["gunicorn", "newsroom.wsgi", "--bind", "0.0.0.0:8000", "--workers", "4", "--access-logfile", "-"]
