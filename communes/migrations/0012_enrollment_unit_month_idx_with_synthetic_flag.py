"""The index of a unit's months carries the synthetic flag beside the count: a dashboard reads its
communes' months of the year with both (each row's comparisons and its "synthetic" mark), which
PostgreSQL then answers from the index alone (1 ms for 168 communes) instead of visiting each of
the ~2.000 rows (3 ms). SQLite ignores INCLUDE."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("communes", "0011_unit_change_time"),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="enrollment",
            name="enrollment_unit_month_idx",
        ),
        migrations.AddIndex(
            model_name="enrollment",
            index=models.Index(
                fields=["unit", "-month"], include=("enrolled", "is_synthetic"), name="enrollment_unit_month_idx"
            ),
        ),
    ]
