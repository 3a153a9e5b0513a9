"""An e-mail backend for benchmarks: renders and counts the messages, sends nothing, keeps nothing."""

from django.core.mail.backends.base import BaseEmailBackend

SENT = {"count": 0, "bytes": 0}


class CountingBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        for message in email_messages:
            SENT["count"] += 1
            SENT["bytes"] += len(message.message().as_bytes())
        return len(email_messages)
