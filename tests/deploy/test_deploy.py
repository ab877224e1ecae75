"""Static checks of the compose deployment (no Docker engine runs here): what it names
exists, what it reads is documented, and its commands are the ones the tests run."""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
import warnings
from itertools import takewhile

import pytest
import yaml

from tests.support.airflow_env import ROOT

COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
SERVICES = COMPOSE["services"]
AIRFLOW_SERVICES = {
    "airflow-apiserver": "api-server",
    "airflow-scheduler": "scheduler",
    "airflow-dag-processor": "dag-processor",
    "airflow-triggerer": "triggerer",
}
VARIABLE = re.compile(r"(?<!\$)\$\{([A-Z0-9_]+)(?::?-([^}]*))?\}")
ENV_EXAMPLE = (ROOT / ".env.example").read_text().splitlines()
GENERATOR = re.compile(r'python3 -c "([^"]+)"')


def documented_variables() -> set[str]:
    names = set()
    for line in ENV_EXAMPLE:
        if "=" in line and not line.lstrip().startswith("#"):
            names.add(line.split("=", 1)[0].strip())
    return names


def test_the_services_are_airflow_three_beside_two_postgres_servers():
    assert set(SERVICES) == {"airflow-db", "warehouse-db", "airflow-init", *AIRFLOW_SERVICES}
    for name in ("airflow-db", "warehouse-db"):
        assert SERVICES[name]["image"].startswith("postgres:")
    for name, subcommand in AIRFLOW_SERVICES.items():
        assert SERVICES[name]["command"] == ["airflow", subcommand]
        env = SERVICES[name]["environment"]
        assert env["AIRFLOW__CORE__EXECUTOR"] == "LocalExecutor"
        assert "@airflow-db:" in env["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"]
        assert env["PGHOST"] == "warehouse-db", "the warehouse is a server of its own"


def test_long_running_services_have_healthchecks_and_wait_for_their_dependencies():
    for name, service in SERVICES.items():
        if name != "airflow-init":
            assert "healthcheck" in service, name
    for name in AIRFLOW_SERVICES:
        deps = SERVICES[name]["depends_on"]
        assert deps["airflow-db"]["condition"] == "service_healthy"
        assert deps["warehouse-db"]["condition"] == "service_healthy"
        assert deps["airflow-init"]["condition"] == "service_completed_successfully"


def test_build_context_dockerfile_and_every_copied_path_exist():
    for name, service in SERVICES.items():
        if "build" in service:
            context = ROOT / service["build"]["context"]
            dockerfile = context / service["build"]["dockerfile"]
            assert dockerfile.is_file(), name
    text = (ROOT / "Dockerfile").read_text()
    for line in text.splitlines():
        if line.startswith("COPY"):
            sources = [p for p in shlex.split(line)[1:-1] if not p.startswith("--")]
            for source in sources:
                assert (ROOT / source).exists(), f"Dockerfile copies {source}, which is not in the project"
    assert "uv sync --frozen" in text, "the image installs from the lock file"
    entrypoint = re.search(r'ENTRYPOINT \[.*"(/opt/footprint/[^"]+)"\]', text).group(1)
    script = ROOT / entrypoint.removeprefix("/opt/footprint/")
    assert script.is_file() and script.stat().st_mode & 0o111


def test_every_mounted_host_path_exists():
    for name, service in SERVICES.items():
        for volume in service.get("volumes", []):
            source = VARIABLE.sub(lambda m: m.group(2) or "", volume).split(":")[0]
            if source.startswith((".", "/")):
                assert (ROOT / source).exists(), f"{name} mounts {source}, which does not exist"


def test_every_variable_the_compose_file_reads_is_documented():
    raw = (ROOT / "docker-compose.yml").read_text()
    used = {match.group(1) for match in VARIABLE.finditer(raw)}
    missing = used - documented_variables()
    assert not missing, f"not in .env.example: {sorted(missing)}"


_READS = re.compile(r'(?:environ|env)(?:\.get\(|\[)\s*"(FOOTPRINT_[A-Z0-9_]+)"')


def test_every_setting_the_pipeline_reads_is_documented():
    """Every FOOTPRINT_* variable the package (its development tools aside) or the DAG reads is
    in the README's settings or in .env.example; every alert setting is in .env.example."""
    sources = [p for p in (ROOT / "src" / "footprint").rglob("*.py") if "devtools" not in p.parts]
    sources += list((ROOT / "dags").glob("*.py"))
    read = {m.group(1) for path in sources for m in _READS.finditer(path.read_text(encoding="utf-8"))}
    assert "FOOTPRINT_ALERT_WEBHOOK_URL" in read and "FOOTPRINT_TARGET" in read, "the scan finds the settings"
    readme = set(re.findall(r"FOOTPRINT_[A-Z0-9_]+", (ROOT / "README.md").read_text(encoding="utf-8")))
    missing = read - readme - documented_variables()
    assert not missing, f"read but documented nowhere: {sorted(missing)}"
    alerts = {name for name in read if name.startswith("FOOTPRINT_ALERT_")}
    assert alerts <= documented_variables(), f"not in .env.example: {sorted(alerts - documented_variables())}"


def test_every_setting_the_code_reads_is_documented_or_has_a_default_for_local_use():
    """Production settings (credentials, key) must be in .env.example."""
    documented = documented_variables()
    for required in ("FOOTPRINT_PSEUDONYM_KEY", "FOOTPRINT_LOADER_USER", "FOOTPRINT_TRANSFORMER_USER",
                     "FOOTPRINT_BI_USER", "FOOTPRINT_SERVICE_USER", "FOOTPRINT_START_DATE"):
        assert required in documented


@pytest.mark.parametrize("service", sorted(AIRFLOW_SERVICES))
def test_airflow_commands_exist_in_the_installed_airflow(service):
    from airflow.cli.cli_parser import get_parser

    parser = get_parser()
    subcommand = SERVICES[service]["command"][1]
    choices = next(a for a in parser._actions if a.dest == "subcommand").choices
    assert subcommand in choices


def test_init_runs_the_project_commands_the_tests_exercise():
    assert SERVICES["airflow-init"]["command"] == ["init"]
    entry = (ROOT / "deploy" / "entrypoint.sh").read_text()
    assert "deploy/init.sh" in entry
    init = (ROOT / "deploy" / "init.sh").read_text()
    assert "airflow db migrate" in init
    assert "footprint warehouse init" in init
    assert "airflow pools set" in init
    from footprint.cli import main

    with pytest.raises(SystemExit) as exit_info:
        main(["warehouse", "--help"])
    assert exit_info.value.code == 0


def generated_as_documented(variable: str) -> str:
    """A secret made by the command .env.example gives for it: in the comment just above it, else
    the one at the top of the file."""
    at = next(i for i, line in enumerate(ENV_EXAMPLE) if line.startswith(f"{variable}="))
    above = list(takewhile(lambda line: line.startswith("#"), reversed(ENV_EXAMPLE[:at])))
    command = next(match[1] for line in [*above, *ENV_EXAMPLE] if (match := GENERATOR.search(line)))
    run = subprocess.run([sys.executable, "-c", command], capture_output=True, text=True, check=True, timeout=60)
    return run.stdout.strip()


def test_a_fernet_key_made_as_documented_encrypts_and_decrypts():
    from cryptography.fernet import Fernet  # what Airflow encrypts connections and variables with

    fernet = Fernet(generated_as_documented("AIRFLOW_FERNET_KEY"))
    assert fernet.decrypt(fernet.encrypt(b"a connection's password")) == b"a connection's password"


def test_a_jwt_secret_made_as_documented_signs_airflows_tokens_without_a_warning():
    import jwt

    secret = generated_as_documented("AIRFLOW_JWT_SECRET")
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # PyJWT warns of a key shorter than HS512 wants
        token = jwt.encode({"sub": "a task"}, secret, algorithm="HS512")  # Airflow's with a secret
    assert jwt.decode(token, secret, algorithms=["HS512"])["sub"] == "a task"
