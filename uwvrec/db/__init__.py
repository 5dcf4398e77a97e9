"""The PostgreSQL backend of uwvrec, and the guards on append-only tables.

``ENGINE = "uwvrec.db"`` is Django's PostgreSQL backend, except that ``flush`` leaves
tables that must survive it (append-only ones, and the audit queue) alone: the
database refuses to TRUNCATE them, and erasing them would break the audit chain.
"""
