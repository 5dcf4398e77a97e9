"""The production shape in docker-compose.yml stays honest (no engine runs here)."""

import yaml

from tests.conftest import BASE_DIR

COMPOSE = yaml.safe_load((BASE_DIR / "docker-compose.yml").read_text())
SERVICES = COMPOSE["services"]


def test_runs_the_whole_stack():
    assert {"db", "redis", "migrate", "web", "worker", "beat"} <= set(SERVICES)
    assert SERVICES["db"]["image"] == "postgres:16"
    assert SERVICES["redis"]["image"] == "redis:7"


def test_long_running_services_have_health_checks():
    for name in ("db", "redis", "web", "worker"):
        assert SERVICES[name]["healthcheck"]["test"], name


def test_only_migrate_logs_in_as_the_owner_of_the_tables():
    for name in ("web", "worker", "beat"):
        url = SERVICES[name]["environment"]["DATABASE_URL"]
        assert url.startswith("postgres://uwvrec_app:"), name
    migrate = SERVICES["migrate"]["environment"]
    assert migrate["DATABASE_URL"].startswith("postgres://uwvrec_owner:")
    assert migrate["DATABASE_APP_ROLE"] == "uwvrec_app"


def test_the_database_gets_both_roles_on_first_start():
    mounts = SERVICES["db"]["volumes"]
    assert (
        "./deploy/postgres-init.sh:/docker-entrypoint-initdb.d/10-uwvrec-roles.sh:ro"
        in mounts
    )
    script = (BASE_DIR / "deploy" / "postgres-init.sh").read_text()
    assert "CREATE ROLE uwvrec_owner" in script
    assert "CREATE ROLE uwvrec_app" in script
    assert "CREATE DATABASE uwvrec OWNER uwvrec_owner" in script


def test_the_anchor_file_lives_on_its_own_volume():
    for name in ("web", "worker", "beat"):
        assert "anchors:/anchors" in SERVICES[name]["volumes"], name
    assert "anchors" in COMPOSE["volumes"]


def test_the_image_runs_gunicorn_as_an_unprivileged_user():
    dockerfile = (BASE_DIR / "Dockerfile").read_text()
    assert "USER uwvrec" in dockerfile
    assert 'CMD ["gunicorn", "uwvrec.wsgi"' in dockerfile


def test_web_serves_the_export_files_the_worker_writes():
    """The worker writes audit and access exports, web serves them: one volume."""
    for name in ("web", "worker"):
        service = SERVICES[name]
        environment = service["environment"]
        volume = {v.split(":")[1]: v.split(":")[0] for v in service["volumes"]}
        assert volume.get("/exports") == "exports", name
        assert environment["AUDIT_EXPORT_DIR"].startswith("/exports/"), name
        assert environment["ACCESS_EXPORT_DIR"].startswith("/exports/"), name
    assert "exports" in COMPOSE["volumes"]
