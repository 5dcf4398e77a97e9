"""The variables the code reads, ``.env.example`` and the docs agree."""

import re

from tests.conftest import BASE_DIR

# env.str("NAME"), env.bool("NAME", ...), os.environ["NAME"], os.environ.get("NAME")...
READS = re.compile(
    r"""(?:\benv(?:\.\w+)?\(|os\.environ(?:\.get\(|\.setdefault\(|\[))\s*["']([A-Z][A-Z0-9_]+)["']"""
)
SOURCES = (
    "uwvrec",
    "accounts",
    "rules",
    "audit",
    "conversations",
    "violations",
    "privacy",
    "figures",
)
# Set by the process that starts the app, not by an operator (pytest-xdist names
# its worker, and the test settings note that they split for it).
NOT_CONFIGURATION = {
    "DJANGO_SETTINGS_MODULE",
    "XDG_RUNTIME_DIR",
    "PYTEST_XDIST_WORKER",
    "UWVREC_TEST_WORKER",
}


def _variables_read_by_code() -> set[str]:
    names = set()
    for package in SOURCES:
        for path in (BASE_DIR / package).rglob("*.py"):
            names |= set(READS.findall(path.read_text()))
    return names - NOT_CONFIGURATION


def _variables_in_env_example() -> set[str]:
    text = (BASE_DIR / ".env.example").read_text()
    return set(re.findall(r"^#?\s*([A-Z][A-Z0-9_]+)=", text, re.MULTILINE))


def _variables_in_docs() -> set[str]:
    text = (BASE_DIR / "docs" / "configuration.md").read_text()
    return set(re.findall(r"^\| `([A-Z][A-Z0-9_]+)` \|", text, re.MULTILINE))


def test_the_scan_finds_the_variables_settings_read():
    assert {
        "DATABASE_URL",
        "REDIS_URL",
        "DJANGO_SECRET_KEY",
    } <= _variables_read_by_code()


def test_every_variable_the_code_reads_is_in_env_example():
    assert _variables_read_by_code() <= _variables_in_env_example()


def test_every_variable_the_code_reads_is_documented():
    assert _variables_read_by_code() <= _variables_in_docs()


def test_env_example_and_docs_list_no_stale_variables():
    read = _variables_read_by_code()
    assert _variables_in_env_example() == read
    assert _variables_in_docs() == read
