"""Domain events of offices. offices imports nothing of the apps above it; the notifications app
listens and turns these into outbox rows (so mail is retried, and never sent by a web worker)."""

from django.dispatch import Signal

# Sent inside user_invite's transaction with user= (the invited person, already saved).
user_invited = Signal()
