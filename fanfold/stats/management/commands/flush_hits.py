from django.core.management.base import BaseCommand

from fanfold.stats.services import hits_flush


class Command(BaseCommand):
    help = (
        "Import buffered hits and reading history into the database now (the background job"
        " does it every minute)."
    )

    def handle(self, *args, **options):
        result = hits_flush()
        if result.skipped:
            self.stdout.write("Another flush is still running; nothing done.")
            return
        self.stdout.write(
            self.style.SUCCESS(
                f"{result.lines:,} buffered views read: {result.work_hits:,} work hits and"
                f" {result.chapter_hits:,} chapter hits counted, {result.history:,} reading"
                " history lines written."
            )
        )
