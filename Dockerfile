# The sandbox as a container: the same `consolidate-sandbox` command as `make run`,
# listening on 0.0.0.0:8000. Settings come from SANDBOX_* variables; to use your own
# fixtures or clients, mount a directory and point the settings at it:
#   docker run -p 8000:8000 -v "$PWD/my-fixtures:/fixtures:ro" \
#     -e SANDBOX_FIXTURES_DIR=/fixtures consolidate-sandbox
#   docker run -p 8000:8000 -v "$PWD/ci:/config:ro" \
#     -e SANDBOX_CLIENTS_FILE=/config/clients.yaml consolidate-sandbox
FROM python:3.12-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# Install the package (its wheel carries the fixtures and OpenAPI documents as
# sandbox/_fixtures and sandbox/_openapi), then drop the sources.
WORKDIR /src
COPY pyproject.toml README.md ./
COPY sandbox ./sandbox
COPY fixtures ./fixtures
COPY openapi ./openapi
RUN pip install . \
    && rm -rf /src \
    && useradd --create-home --uid 10001 --user-group sandbox

USER sandbox
WORKDIR /home/sandbox

ENV SANDBOX_HOST=0.0.0.0 \
    SANDBOX_PORT=8000
EXPOSE 8000

# No curl in slim images: a Python one-liner asks the sandbox's own health endpoint
# (with the controls token when one is set).
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request as u; t = os.environ.get('SANDBOX_CONTROLS_TOKEN'); u.urlopen(u.Request('http://127.0.0.1:%s/_sandbox/health' % os.environ.get('SANDBOX_PORT', '8000'), headers={'Authorization': 'Bearer ' + t} if t else {}), timeout=2)"]

# Exec form: the sandbox is PID 1 and gets SIGTERM from `docker stop` (clean exit 0).
CMD ["consolidate-sandbox"]
