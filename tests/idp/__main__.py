"""Run the test identity provider under gunicorn on 127.0.0.1, until stopped.

    python -m tests.idp [--port 8001] [--redirect-uri URI]...
        [--post-logout-redirect-uri URI]... [--users users.json]

It makes a new SQLite database (in ``--directory``, or a temporary directory
removed at exit), migrates it, registers the one client and the users of
``--users`` (``{"name": {"password": "...", "claims": {...}}}``), and serves;
once it listens it prints the issuer, the endpoints, the client's id and secret
and the control API's token.
``IDP_CLIENT_SECRET`` and ``IDP_CONTROL_TOKEN`` are used when set (the test's
handle sets them); otherwise new ones are made, as is the signing key, always.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import shutil
import signal
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from gunicorn.app.base import BaseApplication

from tests.idp.server import CLIENT_ID
from uwvrec.localservices import free_port


def arguments(argv: list[str]) -> argparse.Namespace:
    """Parse the command line (``--help`` prints this module's docstring)."""
    parser = argparse.ArgumentParser(
        prog="python -m tests.idp",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--port", type=int, default=0, help="default: a free port")
    parser.add_argument("--directory", type=Path, help="where its database is kept")
    parser.add_argument(
        "--redirect-uri", action="append", default=[], help="the client's callback"
    )
    parser.add_argument(
        "--post-logout-redirect-uri",
        action="append",
        default=[],
        help="where logout may send the browser back to",
    )
    parser.add_argument("--users", type=Path, help="a JSON file of users and claims")
    parser.add_argument(
        "--exit-with-parent",
        action="store_true",
        help="stop when the process that started it is gone (the tests' handle)",
    )
    return parser.parse_args(argv)


def private_key_pem() -> str:
    """Return a new RSA key, PEM-encoded: the ID tokens are signed with it."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()


def configure(port: int, directory: Path) -> dict[str, str]:
    """Set the environment that ``tests.idp.settings`` reads; return it."""
    values = {
        "DJANGO_SETTINGS_MODULE": "tests.idp.settings",
        "IDP_ISSUER": f"http://127.0.0.1:{port}/o",
        "IDP_DATABASE": str(directory / "idp.sqlite3"),
        "IDP_SECRET_KEY": secrets.token_urlsafe(50),
        "IDP_RSA_PRIVATE_KEY": private_key_pem(),
        "IDP_CLIENT_ID": CLIENT_ID,
        "IDP_CLIENT_SECRET": os.environ.get("IDP_CLIENT_SECRET")
        or secrets.token_urlsafe(32),
        "IDP_CONTROL_TOKEN": os.environ.get("IDP_CONTROL_TOKEN")
        or secrets.token_urlsafe(32),
    }
    os.environ.update(values)
    return values


def provision(args: argparse.Namespace, values: dict[str, str]) -> None:
    """Migrate the new database, register the client and the users given."""
    import django
    from django.core.management import call_command
    from django.db import connections

    django.setup()
    from tests.idp.claims import services

    call_command("migrate", verbosity=0, interactive=False)
    services.client_register(
        client_id=CLIENT_ID,
        client_secret=values["IDP_CLIENT_SECRET"],
        redirect_uris=args.redirect_uri,
        post_logout_redirect_uris=args.post_logout_redirect_uri,
    )
    users = json.loads(args.users.read_text()) if args.users else {}
    for username, user in users.items():
        services.user_replace(
            username=username, password=user["password"], claims=user.get("claims", {})
        )
    # gunicorn forks its worker next: it must not share this process's connection.
    connections.close_all()


class Server(BaseApplication):
    """gunicorn serving the provider, which this process has already set up."""

    def __init__(self, options: dict[str, Any]) -> None:
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Any:
        from django.core.wsgi import get_wsgi_application

        return get_wsgi_application()


def watch_parent(parent: int) -> None:
    """Stop the server once ``parent`` is gone.

    A test run that is killed outright cannot stop the provider; this way it
    does not outlive it.
    """

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os.kill(os.getpid(), signal.SIGTERM)

    threading.Thread(target=watch, daemon=True).start()


def serve(port: int, values: dict[str, str], parent: int | None) -> None:
    """Serve until SIGTERM; say what a client needs once the port is bound."""

    def when_ready(server: Any) -> None:
        announce(values)
        if parent is not None:
            watch_parent(parent)

    options: dict[str, Any] = {
        "bind": f"127.0.0.1:{port}",
        "workers": 1,
        "worker_class": "gthread",
        "threads": 4,
        "preload_app": True,
        "timeout": 30,
        "graceful_timeout": 2,
        "errorlog": "-",
        "loglevel": "warning",
        "when_ready": when_ready,
    }
    Server(options).run()


def announce(values: dict[str, str]) -> None:
    """Print what a client needs (and the control token), for setting up by hand."""
    issuer = values["IDP_ISSUER"]
    lines = {
        "issuer": issuer,
        "discovery": f"{issuer}/.well-known/openid-configuration",
        "authorization endpoint": f"{issuer}/authorize/",
        "token endpoint": f"{issuer}/token/",
        "userinfo endpoint": f"{issuer}/userinfo/",
        "jwks uri": f"{issuer}/.well-known/jwks.json",
        "end session endpoint": f"{issuer}/logout/",
        "client id": CLIENT_ID,
        "client secret": values["IDP_CLIENT_SECRET"],
        "control token": values["IDP_CONTROL_TOKEN"],
    }
    sys.stdout.write(
        "".join(f"{name + ':':24}{value}\n" for name, value in lines.items())
    )
    sys.stdout.flush()


def main(argv: list[str]) -> None:
    parent = os.getppid()
    args = arguments(argv)
    port = args.port or free_port()
    directory = args.directory or Path(tempfile.mkdtemp(prefix="uwvrec-idp-"))
    owner = os.getpid()
    try:
        values = configure(port, directory)
        provision(args, values)
        serve(port, values, parent if args.exit_with_parent else None)
    finally:
        # gunicorn's worker leaves through here too; only the server cleans up.
        if os.getpid() == owner and args.directory is None:
            shutil.rmtree(directory, ignore_errors=True)


if __name__ == "__main__":
    main(sys.argv[1:])
