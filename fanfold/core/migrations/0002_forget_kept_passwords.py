from django.db import migrations


def forget_passwords(apps, schema_editor):
    """Earlier versions kept new-password fields of forms posted with a stale token: drop them."""
    PendingSubmission = apps.get_model("core", "PendingSubmission")
    for pending in PendingSubmission.objects.all().iterator():
        kept = {k: v for k, v in pending.data.items() if "password" not in k.lower()}
        if kept != pending.data:
            pending.data = kept
            pending.save(update_fields=["data"])


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]

    operations = [migrations.RunPython(forget_passwords, migrations.RunPython.noop)]
