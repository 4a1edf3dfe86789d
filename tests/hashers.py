from django.contrib.auth.hashers import Argon2PasswordHasher


class FastArgon2PasswordHasher(Argon2PasswordHasher):
    """Still Argon2 (the same algorithm and format), with tiny costs so tests run fast."""

    time_cost = 1
    memory_cost = 64
    parallelism = 1
