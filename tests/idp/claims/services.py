"""The provider's writes: its users with their claims, and its one client."""

from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from oauth2_provider.models import AbstractApplication, get_application_model

from tests.idp.claims.models import UserClaims


@transaction.atomic
def user_replace(*, username: str, password: str, claims: dict[str, Any]) -> None:
    """Create the user ``username``, or give it this password and only these claims."""
    user, _ = get_user_model().objects.get_or_create(username=username)
    user.set_password(password)
    user.save()
    UserClaims.objects.update_or_create(user=user, defaults={"values": claims})


def client_register(
    *,
    client_id: str,
    client_secret: str,
    redirect_uris: list[str],
    post_logout_redirect_uris: list[str],
) -> None:
    """Register the one confidential client: code flow, RS256, no consent screen.

    Its redirect URIs may still be empty: the test sets them once it knows the
    port of the server it tests.
    """
    get_application_model().objects.create(
        name=client_id,
        client_id=client_id,
        client_secret=client_secret,
        client_type=AbstractApplication.CLIENT_CONFIDENTIAL,
        authorization_grant_type=AbstractApplication.GRANT_AUTHORIZATION_CODE,
        algorithm=AbstractApplication.RS256_ALGORITHM,
        skip_authorization=True,
        redirect_uris=" ".join(redirect_uris),
        post_logout_redirect_uris=" ".join(post_logout_redirect_uris),
    )


def client_set_uris(
    *, client_id: str, redirect_uris: list[str], post_logout_redirect_uris: list[str]
) -> AbstractApplication:
    """Replace the client's redirect URIs; raise ValidationError for a bad one."""
    application = get_application_model().objects.get(client_id=client_id)
    application.redirect_uris = " ".join(redirect_uris)
    application.post_logout_redirect_uris = " ".join(post_logout_redirect_uris)
    application.full_clean()
    application.save()
    return application
