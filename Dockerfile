# The pipeline image: Airflow 3, dbt, Great Expectations and the footprint package,
# installed from the project's lock file (uv.lock) so production runs what CI tested.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    UV_LINK_MODE=copy \
    FOOTPRINT_HOME=/opt/footprint \
    AIRFLOW_HOME=/opt/airflow \
    PATH=/opt/footprint/.venv/bin:$PATH

RUN apt-get update \
 && apt-get install -y --no-install-recommends libpq5 postgresql-client curl tini \
 && rm -rf /var/lib/apt/lists/* \
 && pip install --no-cache-dir uv==0.13.9 \
 && useradd --create-home --uid 50000 --gid 0 footprint \
 && mkdir -p /opt/footprint /opt/airflow /opt/footprint/landing /opt/footprint/data \
 && chown -R footprint:0 /opt/footprint /opt/airflow

WORKDIR /opt/footprint
COPY --chown=footprint:0 pyproject.toml uv.lock README.md ./
RUN uv sync --frozen --no-dev --no-install-project --compile-bytecode
COPY --chown=footprint:0 src ./src
COPY --chown=footprint:0 dags ./dags
COPY --chown=footprint:0 dbt_project ./dbt_project
COPY --chown=footprint:0 expectations ./expectations
COPY --chown=footprint:0 config ./config
COPY --chown=footprint:0 deploy ./deploy
RUN uv sync --frozen --no-dev --compile-bytecode

USER footprint
ENTRYPOINT ["/usr/bin/tini", "--", "/opt/footprint/deploy/entrypoint.sh"]
CMD ["airflow", "version"]
