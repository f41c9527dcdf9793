"""Administrators' view of progress data. The secretariat works through the pages; units'
reminder language is set here."""

from django.contrib import admin

from hkcq.progress.models import ProgressUpdate, ReminderLog, ReportingCycle, Status, UnitLanguage, UpdateTransition


@admin.register(Status)
class StatusAdmin(admin.ModelAdmin):
    list_display = ["key", "position", "default_percent", "is_terminal", "is_ongoing", "is_active"]


@admin.register(ReportingCycle)
class ReportingCycleAdmin(admin.ModelAdmin):
    list_display = ["__str__", "opens_on", "state", "closed_at"]
    raw_id_fields = ["meeting", "closed_by"]


class TransitionInline(admin.TabularInline):
    model = UpdateTransition
    extra = 0
    can_delete = False
    readonly_fields = ["from_state", "to_state", "actor", "at", "note"]


@admin.register(ProgressUpdate)
class ProgressUpdateAdmin(admin.ModelAdmin):
    """Read-only: updates change only through the workflow, which records who did what."""

    list_display = ["measure", "side", "status", "percent", "state", "published_at"]
    list_filter = ["state", "side"]
    inlines = [TransitionInline]

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False


@admin.register(UnitLanguage)
class UnitLanguageAdmin(admin.ModelAdmin):
    list_display = ["unit", "language"]
    raw_id_fields = ["unit"]


@admin.register(ReminderLog)
class ReminderLogAdmin(admin.ModelAdmin):
    list_display = ["unit", "sent_on", "language", "measure_count", "recipient_count"]
