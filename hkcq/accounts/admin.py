from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from hkcq.accounts.models import ApiToken, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "email", "role", "side", "is_active")
    list_filter = ("role", "side", "is_active")
    fieldsets = (*(BaseUserAdmin.fieldsets or ()), ("Platform", {"fields": ("role", "side", "preferred_language")}))


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ("name", "user", "prefix", "created_at", "last_used_at", "revoked_at")
    readonly_fields = ("digest", "prefix")
