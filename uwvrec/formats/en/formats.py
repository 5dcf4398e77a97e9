# "1 December 2026, 09:00": the Dutch form, in English words.
DATETIME_FORMAT = "j F Y, H:i"
SHORT_DATETIME_FORMAT = "j F Y, H:i"
DATE_FORMAT = "j F Y"
