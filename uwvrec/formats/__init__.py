"""The app's own date and time formats, over Django's per language (FORMAT_MODULE_PATH).

Only what differs from Django's is set here; the rest comes from Django's locale.
"""
