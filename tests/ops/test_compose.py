"""docker-compose.yml, read as Compose would: valid against the Compose Specification's
schema (no Docker engine runs here), and wired as the front needs."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = ROOT / "docker-compose.yml"


def services() -> dict:
    return yaml.safe_load(COMPOSE.read_text())["services"]


def test_the_compose_file_is_valid_against_the_compose_specification_schema():
    checker = Path(sys.executable).parent / "check-jsonschema"
    result = subprocess.run(
        [str(checker), "--builtin-schema", "vendor.compose-spec", str(COMPOSE)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_only_the_front_is_published_and_the_app_is_behind_it():
    published = {name for name, service in services().items() if "ports" in service}
    assert "front" in published
    assert "web" not in published and "nginx" not in published
    front = services()["front"]
    assert {"web", "nginx"} <= set(front["depends_on"])


def test_every_file_the_front_and_nginx_mount_is_in_the_repository():
    for name in ("front", "nginx"):
        for volume in services()[name]["volumes"]:
            source = volume.split(":")[0]
            if source.startswith("./"):
                assert (ROOT / source).is_file(), (name, source)


def test_the_app_purges_the_front_and_reads_the_client_from_one_hop():
    web = services()["web"]
    assert web["environment"]["VARNISH_URLS"].endswith("http://front:80}")
    assert web["environment"]["TRUSTED_PROXY_HOPS"].endswith(":-1}")
    assert "livez" in " ".join(web["healthcheck"]["test"])


def test_redis_never_evicts_the_counters():
    command = services()["redis"]["command"]
    assert command[command.index("--maxmemory-policy") + 1] == "noeviction"
