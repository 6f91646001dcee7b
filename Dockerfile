# guardlint in a container: build with `podman build -t guardlint .` (or `docker build`), scan
# with `podman run --rm -v "$PWD:/src:ro" guardlint scan .` (docs/usage.md, Container image).
#
# python:3.12-slim-bookworm, pinned by the digest of its multi-platform index as Docker's
# official-images record (docker-library/repo-info) listed it on 2026-08-25: change the tag and
# the digest together. Another Python 3.11+ image on Debian bookworm can be given with
# --build-arg PYTHON_IMAGE=...; .ci/run does so with one it makes from Debian's packages,
# because CI reaches no container registry.
ARG PYTHON_IMAGE=docker.io/library/python:3.12-slim-bookworm@sha256:0f5b26b9518d002b6173fd61daad821fa340635ebfec5bba471013f9ca114579

# The builder installs guardlint and its dependencies from the source into a virtual
# environment; only that environment reaches the runtime image (no pip cache, no sources).
FROM ${PYTHON_IMAGE} AS builder
WORKDIR /build
COPY pyproject.toml README.md ./
COPY guardlint ./guardlint
COPY rules ./rules
COPY tools/hatch_build.py ./tools/hatch_build.py
RUN python3 -m venv /opt/guardlint \
 && /opt/guardlint/bin/pip install --no-cache-dir --disable-pip-version-check .

FROM ${PYTHON_IMAGE}
LABEL org.opencontainers.image.title="guardlint" \
      org.opencontainers.image.description="Infrastructure-as-code security scanner" \
      org.opencontainers.image.licenses="Apache-2.0"
COPY --from=builder /opt/guardlint /opt/guardlint
ENV PATH="/opt/guardlint/bin:${PATH}" \
    PYTHONDONTWRITEBYTECODE=1
# The repository to scan is mounted here (read-only is enough: a scan writes only the reports
# it is asked for, and -o - or stdout needs no writable mount).
WORKDIR /src
# A numeric UID and GID: Kubernetes' runAsNonRoot can verify them, and no /etc/passwd entry
# is needed since guardlint keeps no state in a home directory.
USER 10001:10001
# guardlint is a command that runs one scan and exits: there is no long-running service whose
# health a check could probe, so the image says so instead of inheriting a default.
HEALTHCHECK NONE
ENTRYPOINT ["guardlint"]
CMD ["scan", "."]
