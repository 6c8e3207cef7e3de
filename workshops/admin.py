from django.contrib import admin

from .models import Breakout, Card, Challenge, Invite, Participant, Workshop


class ChallengeInline(admin.TabularInline):
    model = Challenge
    extra = 0


class BreakoutInline(admin.TabularInline):
    model = Breakout
    extra = 0
    fields = ["position", "name", "challenge", "capacity", "phase"]


@admin.register(Workshop)
class WorkshopAdmin(admin.ModelAdmin):
    list_display = ["title", "starts_at", "timezone"]
    inlines = [ChallengeInline, BreakoutInline]


@admin.register(Participant)
class ParticipantAdmin(admin.ModelAdmin):
    list_display = ["display_name", "workshop", "role", "breakout", "removed_at"]
    list_filter = ["workshop", "role"]


@admin.register(Invite)
class InviteAdmin(admin.ModelAdmin):
    list_display = ["label", "workshop", "expires_at", "revoked_at"]
    readonly_fields = ["token_hash"]


@admin.register(Card)
class CardAdmin(admin.ModelAdmin):
    list_display = ["__str__", "kind", "breakout", "created_at"]
    list_filter = ["breakout__workshop", "kind"]
    readonly_fields = ["author"]
