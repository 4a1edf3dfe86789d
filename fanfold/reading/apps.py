from django.apps import AppConfig


class ReadingConfig(AppConfig):
    """The pages readers read: listings, a work, its chapters, a creator's page. They bring
    together works, feedback, bookmarks and hits, so they sit above all of those apps."""

    name = "fanfold.reading"
    label = "reading"
