from django.core.management.base import BaseCommand
from django.db import transaction

from fanfold.accounts.models import User
from fanfold.demo import content as demo
from fanfold.feedback import services as feedback
from fanfold.feedback.models import Comment, Kudos
from fanfold.works import services
from fanfold.works.inputs import ChapterInput
from fanfold.works.models import Work


class Command(BaseCommand):
    help = "Load Fanfold's demo users and works (only into an archive that has no users yet)."

    def add_arguments(self, parser):
        parser.add_argument("--if-empty", action="store_true", help="Do nothing if users exist.")

    @transaction.atomic
    def handle(self, *args, if_empty: bool = False, **options):
        if if_empty and User.objects.exists():
            self.stdout.write("The archive already has users; demo content not loaded.")
            return
        users = {}
        for u in demo.USERS:
            user, created = User.objects.get_or_create(
                username=u["username"],
                defaults={
                    "email": u["email"],
                    "display_name": u["display_name"],
                    "bio": u["bio"],
                    "email_verified": True,
                },
            )
            if created:
                user.set_password(demo.DEMO_PASSWORDS[u["username"]])
                user.save()
            users[u["username"]] = user
        for item in demo.WORKS:
            by = users[item["by"]]
            if by.works.filter(title=item["work"].title).exists():
                continue
            fmt = item["work"].text_format
            first, *rest = item["chapters"]
            work = services.work_create(
                by=by,
                data=item["work"],
                chapter=ChapterInput(text_format=fmt, **first),
                publish=True,
            )
            for chapter in rest:
                services.chapter_create(
                    work=work, by=by, data=ChapterInput(text_format=fmt, **chapter), publish=True
                )
            if draft := item.get("draft_chapter"):
                services.chapter_create(
                    work=work, by=by, data=ChapterInput(text_format=fmt, **draft), publish=False
                )
        self._feedback(users)
        self.stdout.write(self.style.SUCCESS(f"Demo content loaded: {len(demo.WORKS)} works."))

    def _feedback(self, users: dict[str, User]) -> None:
        works = {w.title: w for w in Work.objects.filter(title__in={t for t, *_ in demo.COMMENTS})}
        for title, who, text, replies in demo.COMMENTS:
            work = works.get(title)
            if work is None or Comment.objects.filter(work=work).exists():
                continue
            top = feedback.comment_create(
                work=work, chapter=work.chapters.first(), by=users[who], body=text
            )
            for replier, reply in replies:
                feedback.comment_create(
                    work=work, chapter=None, by=users[replier], body=reply, parent=top
                )
        for title, who in demo.KUDOS:
            work = Work.objects.filter(title=title).first()
            if work and not Kudos.objects.filter(work=work, user=users[who]).exists():
                feedback.kudos_leave(work=work, by=users[who])
