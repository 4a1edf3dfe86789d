from django.apps import AppConfig


class BookmarksConfig(AppConfig):
    name = "fanfold.bookmarks"
    label = "bookmarks"
