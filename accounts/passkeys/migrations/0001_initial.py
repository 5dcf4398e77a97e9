"""A user's passkey, named in Dutch (a proxy of django-otp-webauthn's credential)."""

from django.db import migrations


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("django_otp_webauthn", "0004_webauthnuserhandle"),
    ]

    operations = [
        migrations.CreateModel(
            name="Passkey",
            fields=[],
            options={
                "verbose_name": "passkey",
                "verbose_name_plural": "passkeys",
                "proxy": True,
                "default_permissions": ("view", "delete"),
                "indexes": [],
                "constraints": [],
            },
            bases=("django_otp_webauthn.webauthncredential",),
        ),
    ]
