"""uwvrec pointed at the test identity provider, as the environment would do it."""

from __future__ import annotations

from typing import Any

from tests.idp.server import IdentityProvider


def point_at(provider: IdentityProvider, settings: Any, base_url: str) -> None:
    """Configure single sign-on for ``provider``, with uwvrec at ``base_url``."""
    provider.set_client(
        redirect_uris=[f"{base_url}/inloggen/uwv-account/terug/"],
        post_logout_redirect_uris=[f"{base_url}/inloggen/"],
    )
    settings.OIDC_OP_ISSUER = provider.issuer
    settings.OIDC_OP_DISCOVERY_URL = (
        f"{provider.issuer}/.well-known/openid-configuration"
    )
    settings.OIDC_RP_CLIENT_ID = provider.client_id
    settings.OIDC_RP_CLIENT_SECRET = provider.client_secret
    settings.SSO_ENABLED = True
