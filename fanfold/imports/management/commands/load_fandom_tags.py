import json

from django.core.management.base import BaseCommand

from fanfold.imports.importers.tagging import DATA
from fanfold.tags.services import tags_load_dataset


class Command(BaseCommand):
    help = "Load the starter fandom dataset (fandoms, characters, relationships) as tags."

    def handle(self, *args, **options):
        created = tags_load_dataset(fandoms=json.loads(DATA.read_text(encoding="utf-8")))
        self.stdout.write(f"Fandom dataset loaded: {created} new tags.")
