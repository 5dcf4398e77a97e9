"""The second factor of a login."""

# A session whose value under this key is True was verified by the identity
# provider's MFA (set at an SSO login when OIDC_TRUSTS_IDP_MFA is on).
IDP_MFA_SESSION_KEY = "mfa_by_idp"
