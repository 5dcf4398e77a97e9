#!/usr/bin/env python
"""Run Django's command-line utility for uwvrec."""

import os
import sys


def main() -> None:
    """Run administrative tasks, with the development settings by default."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "uwvrec.settings.dev")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
