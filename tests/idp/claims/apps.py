from django.apps import AppConfig


class ClaimsConfig(AppConfig):
    """The claims each user of the provider gets, as the test set them."""

    name = "tests.idp.claims"
    label = "claims"
    default_auto_field = "django.db.models.BigAutoField"
