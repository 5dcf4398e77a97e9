"""Bind an SSO account to the identity provider's (issuer, subject)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("accounts", "0007_admins_remove_devices")]

    operations = [
        migrations.AddField(
            model_name="user",
            name="idp_issuer",
            field=models.CharField(
                blank=True,
                editable=False,
                help_text="Het adres van de identiteitsprovider waarmee dit account voor het eerst inlogde met een UWV-account.",
                max_length=255,
                verbose_name="identiteitsprovider",
            ),
        ),
        migrations.AddField(
            model_name="user",
            name="idp_subject",
            field=models.CharField(
                blank=True,
                editable=False,
                help_text="Het vaste kenmerk van deze persoon bij die identiteitsprovider, vastgelegd bij de eerste inlog met een UWV-account. Elke volgende inlog met een UWV-account moet dit kenmerk hebben.",
                max_length=255,
                verbose_name="kenmerk bij de identiteitsprovider",
            ),
        ),
        migrations.AddConstraint(
            model_name="user",
            constraint=models.UniqueConstraint(
                condition=models.Q(("idp_subject", ""), _negated=True),
                fields=("idp_issuer", "idp_subject"),
                name="accounts_user_idp_identity_unique",
            ),
        ),
        migrations.AddConstraint(
            model_name="user",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("idp_issuer", ""), ("idp_subject", "")),
                    models.Q(
                        models.Q(("idp_issuer", ""), _negated=True),
                        models.Q(("idp_subject", ""), _negated=True),
                    ),
                    _connector="OR",
                ),
                name="accounts_user_idp_identity_whole",
            ),
        ),
    ]
