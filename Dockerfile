# Paperboy: `paperboy run` as one service, its SQLite database on the /data volume.
# The builder installs the project into /opt/venv; the runtime copies only that venv, so the image has no
# build tools, no source tree and no pip cache. Both derive from one `base` stage: the venv's python is a
# symlink to the base image's interpreter, so the two must match (and hadolint checks a literal tag).
# scripts/check-image.sh runs this file's install and start commands in a fresh virtualenv (CI has no
# Docker engine) and lints it with hadolint: keep the two in step.
FROM python:3.11.13-slim-bookworm AS base
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PATH=/opt/venv/bin:$PATH

FROM base AS builder
RUN python -m venv /opt/venv
WORKDIR /src
COPY pyproject.toml README.md LICENSE ./
COPY bot ./bot
COPY handlers ./handlers
COPY storage ./storage
# Non-editable: the package lands in /opt/venv (byte-compiled by pip), the source stays in this stage.
RUN pip install --no-cache-dir .

FROM base AS runtime
ENV PAPERBOY_DB_PATH=/data/paperboy.db \
    PAPERBOY_SUMMARIES__CACHE_DIR=/data/fulltext
# A fixed uid/gid, so a bind-mounted /data can be handed to it on the host (chown 10001:10001).
RUN groupadd --system --gid 10001 paperboy \
    && useradd --system --no-log-init --uid 10001 --gid 10001 \
        --home-dir /nonexistent --shell /usr/sbin/nologin paperboy \
    && mkdir /data \
    && chown 10001:10001 /data
COPY --from=builder /opt/venv /opt/venv
WORKDIR /app
USER 10001:10001
VOLUME ["/data"]
EXPOSE 8080
# /healthz of the HTTP server of `paperboy run`. Slim images have no curl, so python's urllib asks: any
# connection error or non-2xx answer raises, and the exit status is 1.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:' + os.environ.get('PAPERBOY_SERVER__PORT', '8080') + '/healthz', timeout=4)"]
ENTRYPOINT ["paperboy"]
CMD ["run"]
