"""The email backend of `make run` without an SMTP server: messages printed as readable text."""

import email.policy

from django.core.mail.backends.console import EmailBackend

# No line is wrapped and no text is quoted-printable or base64: a link in the body prints on
# one line, as sent, so it can be copied from the terminal. Headers stay UTF-8 too.
READABLE = email.policy.default.clone(max_line_length=1_000_000, cte_type="8bit", utf8=True)


class ConsoleEmailBackend(EmailBackend):
    """Django's console backend, writing each message as plain UTF-8."""

    def write_message(self, message) -> None:
        text = message.message(policy=READABLE).as_bytes().decode("utf-8", "replace")
        self.stream.write(f"{text}\n{'-' * 79}\n")
