"""The closed catalogue of audit actions: dotted names, past tense.

Every action is documented, with its payload, in ``docs/audit-events.md``; a test
keeps the two in step.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Action(models.TextChoices):
    LOGGED_IN = "auth.logged_in", _("ingelogd")
    LOGGED_OUT = "auth.logged_out", _("uitgelogd")
    LOGIN_FAILED = "auth.login_failed", _("inloggen mislukt")
    LOCKED_OUT = "auth.locked_out", _("account geblokkeerd na mislukte pogingen")
    LOCKOUT_LIFTED = "auth.lockout_lifted", _("blokkade van inloggen opgeheven")
    SSO_REFUSED = "auth.sso_refused", _("inloggen met UWV-account geweigerd")
    IDP_ROLES_APPLIED = (
        "auth.idp_roles_applied",
        _("rollen of team overgenomen van de identiteitsprovider"),
    )
    DEVICE_ADDED = "auth.device_added", _("tweede factor ingesteld")
    DEVICE_REMOVED = "auth.device_removed", _("tweede factor verwijderd")
    SECOND_FACTOR_PASSED = "auth.second_factor_passed", _("tweede factor gecontroleerd")
    SECOND_FACTOR_FAILED = "auth.second_factor_failed", _("tweede factor onjuist")
    ADMIN_ADDED = "admin.object_added", _("toegevoegd in beheer")
    ADMIN_CHANGED = "admin.object_changed", _("gewijzigd in beheer")
    ADMIN_DELETED = "admin.object_deleted", _("verwijderd in beheer")
    ADMIN_VIEWED = "admin.object_viewed", _("bekeken in beheer")
    TRAIL_VIEWED = "audit.trail_viewed", _("audittrail bekeken")
    EVENT_VIEWED = "audit.event_viewed", _("auditgebeurtenis bekeken")
    TRAIL_EXPORTED = "audit.trail_exported", _("audittrail geëxporteerd")
    TRAIL_VERIFIED = "audit.trail_verified", _("audittrail gecontroleerd")
    VERIFICATION_REQUESTED = (
        "audit.verification_requested",
        _("controle van de audittrail aangevraagd"),
    )
    CHECKER_DOWNLOADED = (
        "audit.checker_downloaded",
        _("controleprogramma voor exports gedownload"),
    )
    PARTITION_FILLED = (
        "audit.partition_filled",
        _("auditgebeurtenissen naar hun maandpartitie verplaatst"),
    )
    RULE_TEXT_PUBLISHED = "rules.text_published", _("spelregeltekst gepubliceerd")
    CLIENT_SEARCHED = "client.searched", _("klant gezocht op BSN")
    CLIENT_REGISTERED = "client.registered", _("klant geregistreerd")
    CLIENT_KEYS_ROTATED = "client.keys_rotated", _("BSN's opnieuw versleuteld")
    CONVERSATION_REGISTERED = "conversation.registered", _("gesprek gepland")
    CONVERSATION_RESCHEDULED = "conversation.rescheduled", _("gesprek verzet")
    CONVERSATION_CANCELLED = "conversation.cancelled", _("gesprek geannuleerd")
    CONVERSATION_VIEWED = "conversation.viewed", _("gesprek bekeken")
    CONVERSATION_CONCLUDED = (
        "conversation.concluded",
        _("afloop van gesprek vastgelegd"),
    )
    CHECKLIST_ANSWERED = "checklist.answered", _("vraag van de checklist beantwoord")
    PARTICIPANT_ADDED = "participant.added", _("deelnemer toegevoegd")
    PARTICIPANT_REMOVED = "participant.removed", _("deelnemer verwijderd")
    DECISION_RECORDED = "decision.recorded", _("besluit vastgelegd")
    DECISIONS_REPLAYED = "decision.replayed", _("besluiten opnieuw beoordeeld")
    VIOLATION_REPORTED = "violation.reported", _("overtreding gemeld")
    VIOLATION_CONFIRMED = "violation.confirmed", _("overtreding bevestigd")
    VIOLATION_DISMISSED = "violation.dismissed", _("melding van overtreding afgewezen")
    VIOLATION_WITHDRAWN = (
        "violation.withdrawal_recorded",
        _("bevestigde overtreding ingetrokken"),
    )
    VIOLATION_VIEWED = "violation.viewed", _("melding van overtreding bekeken")
    FLAG_VIEWED = "violation.flag_viewed", _("signalering van klant getoond")
    LETTER_PRINTED = "violation.letter_printed", _("brief over overtreding gemaakt")
    NOTIFICATION_ABANDONED = (
        "notification.abandoned",
        _("bericht opgegeven: kon niet worden bezorgd"),
    )
    RECORDS_REMOVED = (
        "privacy.records_removed",
        _("gegevens verwijderd: na hun bewaartermijn of gewist op verzoek"),
    )
    RETENTION_APPLIED = "privacy.retention_applied", _("bewaartermijnen toegepast")
    SCHEDULE_VIEWED = "privacy.schedule_viewed", _("bewaartermijnen bekeken")
    HOLD_PLACED = "privacy.hold_placed", _("bewaarplicht ingesteld")
    HOLD_VIEWED = "privacy.hold_viewed", _("bewaarplicht bekeken")
    HOLD_LIFT_REQUESTED = (
        "privacy.hold_lift_requested",
        _("opheffen van bewaarplicht gevraagd"),
    )
    HOLD_LIFTED = "privacy.hold_lifted", _("bewaarplicht opgeheven")
    ERASURE_REQUESTED = "privacy.erasure_requested", _("wissen van klant gevraagd")
    ERASURE_VIEWED = "privacy.erasure_viewed", _("verzoek om te wissen bekeken")
    ERASURE_APPROVED = (
        "privacy.erasure_approved",
        _("akkoord gegeven om klant te wissen"),
    )
    ERASURE_DECLINED = "privacy.erasure_declined", _("wissen van klant afgewezen")
    ERASURE_REFUSED = (
        "privacy.erasure_refused",
        _("klant niet gewist: bewaarplicht of signalering"),
    )
    ACCESS_REQUESTED = "privacy.access_requested", _("inzage-export aangevraagd")
    ACCESS_PREPARED = "privacy.access_prepared", _("inzage-export gemaakt")
    ACCESS_VIEWED = "privacy.access_viewed", _("inzage-export bekeken")
    ACCESS_DOWNLOADED = "privacy.access_downloaded", _("inzage-export gedownload")


class Result(models.TextChoices):
    SUCCESS = "success", _("gelukt")
    DENIED = "denied", _("geweigerd")
    FAILED = "failed", _("mislukt")


class Origin(models.TextChoices):
    WEB = "web", _("web")
    TASK = "task", _("achtergrondtaak")
    COMMAND = "command", _("opdrachtregel")
