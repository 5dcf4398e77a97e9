"""The provider's OAuth 2 validator: each user's stored claims, whatever the scopes."""

from typing import Any

from oauth2_provider.oauth2_validators import OAuth2Validator

from tests.idp.claims.models import UserClaims


class StoredClaimsValidator(OAuth2Validator):
    """Put every stored claim in the ID token and the userinfo response.

    The claims are read when a token is made, so a user whose claims a test
    replaced gets the new ones at the next login. ``sub`` is the username.
    """

    # None: no claim is held back for want of a scope.
    oidc_claim_scope = None

    def get_additional_claims(self, request: Any) -> dict[str, Any]:
        user = request.user
        stored = UserClaims.objects.filter(user=user).values_list("values", flat=True)
        return {**(stored.first() or {}), "sub": user.get_username()}
