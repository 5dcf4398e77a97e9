from django.contrib.auth.decorators import login_not_required
from django.urls import path

from accounts import sso, views
from accounts.passkeys import views as passkeys

app_name = "accounts"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path(
        "inloggen/",
        login_not_required(views.LoginView.as_view()),
        name="login",
    ),
    path(
        "inloggen/uwv-account/",
        login_not_required(sso.SsoBeginView.as_view()),
        name="sso_begin",
    ),
    path(
        "inloggen/uwv-account/terug/",
        login_not_required(sso.SsoCallbackView.as_view()),
        name="sso_callback",
    ),
    path(
        "inloggen/uwv-account/geweigerd/",
        login_not_required(views.SsoRefusedView.as_view()),
        name="sso_refused",
    ),
    path("uitloggen/", views.LogoutView.as_view(), name="logout"),
    path("tweede-factor/", views.SecondFactorView.as_view(), name="second_factor"),
    path(
        "tweede-factor/controleren/",
        views.SecondFactorVerifyView.as_view(),
        name="second_factor_verify",
    ),
    path(
        "tweede-factor/instellen/",
        views.SecondFactorSetupView.as_view(),
        name="second_factor_setup",
    ),
    path(
        "tweede-factor/instellen/qr-code.svg",
        views.SecondFactorQrView.as_view(),
        name="second_factor_qr",
    ),
    path(
        "tweede-factor/herstelcodes/",
        views.RecoveryCodesView.as_view(),
        name="recovery_codes",
    ),
    path(
        "tweede-factor/app-verwijderen/",
        views.AuthenticatorRemoveView.as_view(),
        name="authenticator_remove",
    ),
    # Passkeys: the JSON steps of the browser's ceremonies (POST), the texts of
    # their scripts, and removing one.
    path(
        "tweede-factor/passkey/toevoegen/begin/",
        passkeys.PasskeyAddBeginView.as_view(),
        name="passkey_add_begin",
    ),
    path(
        "tweede-factor/passkey/toevoegen/klaar/",
        passkeys.PasskeyAddCompleteView.as_view(),
        name="passkey_add_complete",
    ),
    path(
        "tweede-factor/passkey/controleren/begin/",
        passkeys.PasskeyVerifyBeginView.as_view(),
        name="passkey_verify_begin",
    ),
    path(
        "tweede-factor/passkey/controleren/klaar/",
        passkeys.PasskeyVerifyCompleteView.as_view(),
        name="passkey_verify_complete",
    ),
    path(
        "tweede-factor/passkey/teksten.js",
        passkeys.PasskeyCatalogView.as_view(),
        name="passkey_catalog",
    ),
    path(
        "tweede-factor/passkeys/<int:pk>/verwijderen/",
        passkeys.PasskeyRemoveView.as_view(),
        name="passkey_remove",
    ),
]
