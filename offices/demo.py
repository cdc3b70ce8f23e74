"""Demo offices and people. Deterministic and idempotent: running it twice changes nothing."""

import os

from django.db import transaction

from .models import Office, User

DEMO_OFFICES = [
    ("AU", "IP Australia"),
    ("CA", "Canadian Intellectual Property Office"),
    ("GB", "UK Intellectual Property Office"),
    ("US", "United States Patent and Trademark Office"),
    ("EP", "European Patent Office"),
    ("JP", "Japan Patent Office"),
    ("KR", "Korean Intellectual Property Office"),
    ("CN", "China National Intellectual Property Administration"),
    ("IL", "Israel Patent Office"),
    ("NZ", "Intellectual Property Office of New Zealand"),
    ("SG", "Intellectual Property Office of Singapore"),
    ("IN", "Office of the Controller General of Patents, Designs and Trade Marks (India)"),
    ("BR", "Brazilian National Institute of Industrial Property"),
]
DEMO_ROLES = [
    ("examiner", User.Role.EXAMINER),
    ("clerk", User.Role.CLERK),
    ("admin", User.Role.OFFICE_ADMIN),
]
OPERATOR_EMAIL = "operator@case.demo"


def demo_password() -> str:
    return os.environ.get("DEMO_PASSWORD", "case-demo-2026")


def _ensure_user(email: str, password: str, **fields) -> bool:
    """Create or align one user; returns True when anything changed."""
    user = User.objects.filter(email=email).first()
    changed = user is None
    if user is None:
        user = User(email=email)
    for name, value in fields.items():
        if getattr(user, name) != value:
            setattr(user, name, value)
            changed = True
    # Re-hashing would change the row every run; only set it when it no longer matches.
    if not user.check_password(password):
        user.set_password(password)
        changed = True
    if changed:
        user.save()
    return changed


@transaction.atomic
def load(stdout=None) -> list[str]:
    password = demo_password()
    changes = []
    for code, name in DEMO_OFFICES:
        office, created = Office.objects.get_or_create(
            code=code, defaults={"name": name, "contact_email": f"case@{code.lower()}.demo"}
        )
        if created:
            changes.append(f"office {code}")
        for local, role in DEMO_ROLES:
            email = f"{local}@{code.lower()}.demo"
            if _ensure_user(
                email,
                password,
                office=office,
                role=role,
                is_active=True,
                first_name=local.capitalize(),
                last_name=code,
            ):
                changes.append(email)
    if _ensure_user(
        OPERATOR_EMAIL,
        password,
        office=None,
        is_operator=True,
        is_staff=True,
        is_superuser=True,
        is_active=True,
        first_name="Operator",
        last_name="CASE",
    ):
        changes.append(OPERATOR_EMAIL)
    return changes
