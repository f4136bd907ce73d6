# Paperboy: a simple image for now (the deployment issue makes it multi-stage with a healthcheck).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PAPERBOY_DB_PATH=/data/paperboy.db

WORKDIR /app
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY handlers ./handlers
COPY storage ./storage
RUN pip install --no-cache-dir . \
    && useradd --create-home --uid 10001 paperboy \
    && mkdir /data && chown paperboy /data

USER paperboy
VOLUME ["/data"]
ENTRYPOINT ["paperboy"]
CMD ["run"]
