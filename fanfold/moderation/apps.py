from django.apps import AppConfig


class ModerationConfig(AppConfig):
    """What staff do across apps: deleting an account touches works, feedback and bookmarks,
    so it sits above them."""

    name = "fanfold.moderation"
    label = "moderation"
