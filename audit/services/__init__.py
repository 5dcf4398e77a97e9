"""The writes of the audit trail, one module each; import the module you need.

``record`` (events, refusals, the personal-data screen), ``seal`` (the chain),
``anchor`` (copies of its head outside the database), ``export`` and ``verify``
(the review's exports and checks). Nothing is re-exported here: the review's
modules import accounts, which imports ``record``.
"""
