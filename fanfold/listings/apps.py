from django.apps import AppConfig


class ListingsConfig(AppConfig):
    """How works are listed as blurbs: what every listing of works prefetches and shows."""

    name = "fanfold.listings"
    label = "listings"
