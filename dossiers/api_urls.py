"""/api/v1/ routes of dossiers (search, families, applications, documents)."""

urlpatterns: list = []
