"""Passkeys (WebAuthn) as a second factor of the privileged roles.

An app of its own only because django-otp-webauthn's models ask for the user
model when they load: the Dutch-named proxy of its credential (``models``) can
load only after ``accounts.models``. The ceremonies' views are in ``views``.
"""
