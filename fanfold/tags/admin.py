from django.contrib import admin

from fanfold.tags.models import Tag


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ("name", "type", "canonical", "merger")
    list_filter = ("type", "canonical")
    search_fields = ("name",)
    raw_id_fields = ("merger",)
