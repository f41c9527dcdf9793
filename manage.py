#!/usr/bin/env python
import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    # Management commands (migrations, loading data, the worker) work without a SECRET_KEY; the web
    # application (config/wsgi.py, config/asgi.py) still refuses to start without one unless DEBUG is on.
    os.environ.setdefault("ALLOW_INSECURE_SECRET_KEY", "1")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
