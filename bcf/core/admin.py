from django.contrib import admin, messages

from .mail import resend
from .models import OutgoingEmail


@admin.register(OutgoingEmail)
class OutgoingEmailAdmin(admin.ModelAdmin):
    """E-mails the service sent or is still trying to send; failed ones show why and can be resent."""

    list_display = ["created_at", "to", "subject", "status", "attempts", "next_attempt_at", "sent_at"]
    list_filter = ["status", "purpose"]
    search_fields = ["to", "subject"]
    readonly_fields = [f.name for f in OutgoingEmail._meta.fields]
    actions = ["send_again"]

    def has_add_permission(self, request):
        return False

    @admin.action(description="Send the selected failed e-mails again")
    def send_again(self, request, queryset):
        count = resend(queryset)
        messages.success(request, f"{count} e-mail{'s' if count != 1 else ''} queued again.")
