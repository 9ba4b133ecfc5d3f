"""Serializer fields that accept what the API's schema says, and no more."""

import re

from django.db import models
from rest_framework import serializers


class StrictCharField(serializers.CharField):
    """A string field that refuses numbers and booleans: DRF's own turns `0` into `"0"`,
    while the schema says `"type": "string"`, so a client's mistake went unnoticed."""

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class StrictIntegerField(serializers.IntegerField):
    """A whole number as the schema says: a JSON integer, or ASCII digits (a query string's)
    with an optional minus. DRF's own takes `"١٢"` (Arabic-Indic digits) and `"12.0"`."""

    def to_internal_value(self, data):
        if isinstance(data, str) and not re.fullmatch(r"-?[0-9]+", data.strip()):
            self.fail("invalid")
        if isinstance(data, float):
            self.fail("invalid")
        return super().to_internal_value(data)


class IdRelatedField(serializers.PrimaryKeyRelatedField):
    """A related record by its id, as the schema says: a JSON integer, or its ASCII digits
    as a string. DRF's own reads `1.5` and `1.0` as 1 (Django truncates), and `"١"` (an
    Arabic-Indic one) as 1 too, so a client's mistake named someone else's record."""

    def to_internal_value(self, data):
        if isinstance(data, float) or (isinstance(data, str) and not data.isascii()):
            self.fail("incorrect_type", data_type=type(data).__name__)
        return super().to_internal_value(data)


class CodeField(serializers.SlugRelatedField):
    """A related object named by its code (a category, a programme). The code is looked up as
    it comes, before any text validator runs, and PostgreSQL (or its driver) cannot take a NUL
    or half of a surrogate pair: either is refused by the field instead of a server error."""

    def to_internal_value(self, data):
        if not isinstance(data, str) or "\x00" in data:
            self.fail("invalid")
        try:
            data.encode("utf-8")
        except UnicodeEncodeError:
            self.fail("invalid")
        return super().to_internal_value(data)


class StrictStringsModelSerializer(serializers.ModelSerializer):
    """A model serializer whose text fields are `StrictCharField`s."""

    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.CharField: StrictCharField,
        models.TextField: StrictCharField,
    }
