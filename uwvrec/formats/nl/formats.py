# "1 december 2026, 09:00": the form the design asks for (Django's has no comma).
DATETIME_FORMAT = "j F Y, H:i"
SHORT_DATETIME_FORMAT = "j F Y, H:i"
