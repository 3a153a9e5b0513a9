#!/usr/bin/env python
import os
import sys

# Commands that only read or write source files: they neither serve requests nor sign anything, so
# they run without a production SECRET_KEY (the server and every other command still refuse to).
OFFLINE_COMMANDS = {"makemigrations", "makemessages", "compilemessages"}

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qms_portal.settings")
    if len(sys.argv) > 1 and sys.argv[1] in OFFLINE_COMMANDS:
        os.environ.setdefault("QMS_OFFLINE_COMMAND", "1")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
