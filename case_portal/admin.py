"""Admin pieces shared by the apps."""


class NoHandEdits:
    """No row added, changed or deleted by hand in the admin, not even by a superuser: the
    services own these records. For a ModelAdmin and an inline alike (an inline's permission
    checks also get `obj`)."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
