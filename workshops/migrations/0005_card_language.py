from django.db import migrations, models


def detect_languages(apps, schema_editor):
    """Cards posted before cards had a language get the one detected from their text."""
    from workshops.languages import detect

    Card = apps.get_model("workshops", "Card")
    for card in Card.objects.filter(language="").only("pk", "text").iterator():
        Card.objects.filter(pk=card.pk).update(language=detect(card.text))


class Migration(migrations.Migration):
    dependencies = [
        ("workshops", "0004_report_and_exports"),
    ]

    operations = [
        migrations.AddField(
            model_name="card",
            name="language",
            field=models.CharField(
                blank=True,
                choices=[("en", "English"), ("fr", "French"), ("es", "Spanish")],
                max_length=10,
                verbose_name="language",
            ),
        ),
        migrations.RunPython(detect_languages, migrations.RunPython.noop),
    ]
