"""BAZNAS-DARURAT as the catalogue now seeds it: emergency aid does not wait for a desil.

BAZNAS Kota Bima helps the poor and destitute on a kelurahan recommendation and a field
survey; the city's desil-1 list is a cross-check. A household the national registry does not
know yet is no longer refused by the rule. Only the rule the catalogue seeded is changed: an
office's own edit is left as it is.
"""

from django.db import migrations

SEEDED = {"field": "desil", "op": "lte", "value": 2}
NOW = {
    "any": [
        {"field": "desil", "op": "lte", "value": 2},
        {"field": "desil", "op": "isnull", "value": True},
    ]
}


def forward(apps, schema_editor):
    Program = apps.get_model("programs", "Program")
    for program in Program.objects.filter(code="BAZNAS-DARURAT"):
        if program.rule == SEEDED:
            program.rule = NOW
            program.save(update_fields=["rule"])


def backward(apps, schema_editor):
    Program = apps.get_model("programs", "Program")
    for program in Program.objects.filter(code="BAZNAS-DARURAT"):
        if program.rule == NOW:
            program.rule = SEEDED
            program.save(update_fields=["rule"])


class Migration(migrations.Migration):
    dependencies = [("programs", "0008_constraint_messages")]

    operations = [migrations.RunPython(forward, backward)]
