"""Serializer fields that accept what the API's schema says, and no more."""

from django.db import models
from rest_framework import serializers


class StrictCharField(serializers.CharField):
    """A string field that refuses numbers and booleans: DRF's own turns `0` into `"0"`,
    while the schema says `"type": "string"`, so a client's mistake went unnoticed."""

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class StrictStringsModelSerializer(serializers.ModelSerializer):
    """A model serializer whose text fields are `StrictCharField`s."""

    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.CharField: StrictCharField,
        models.TextField: StrictCharField,
    }
