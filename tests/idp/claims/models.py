from django.conf import settings
from django.db import models


class UserClaims(models.Model):
    """The claims of one user, exactly as the control API stored them."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="claims"
    )
    values = models.JSONField(default=dict)

    def __str__(self) -> str:
        return f"claims of {self.user}"
