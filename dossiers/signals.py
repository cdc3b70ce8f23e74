"""Domain events of dossiers. Receivers (notifications, requests) write rows inside the sender's
transaction; any I/O they need happens in tasks after commit. dossiers never imports them."""

from django.dispatch import Signal

# Sent inside the transaction that adds the document: kwargs document, user.
document_added = Signal()
# Sent inside the transaction that withdraws the document: kwargs document, user, reason.
document_withdrawn = Signal()
# Sent inside the transaction that corrects a document's metadata: kwargs document, user,
# before (the old values: {"date": ..., "category": ...}).
document_corrected = Signal()
# Sent when an application is created or updated: kwargs application, created, user.
application_saved = Signal()
# The bulk form, sent once per bulk call or import chunk inside its transaction: kwargs
# application_ids, created_ids (the new ones among them), user.
applications_saved = Signal()
# Sent inside the transaction that marks a package ready: kwargs package, user (the clerk, may be
# None), automatic (True for just-in-time packages and top-ups). Receivers write rows only.
package_ready = Signal()
# Sent inside the transaction that withdraws or corrects a document that packages delivered:
# kwargs changes (the new PackageChange rows, one per package and application).
packages_flagged = Signal()
