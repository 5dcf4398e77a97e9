// The Tweede factor page: once django-otp-webauthn's script says a passkey was
// added, load the page again, so that the list shows it (with the message).
document.addEventListener("otp_webauthn.register_complete", () => {
  window.location.reload();
});
