"""Federation: documents of offices that serve them from their own web service.

contract.py (the wire format, one place), client.py (the one HTTP client: timeouts, ETag,
streaming, sha256), breaker.py (per-office circuit breaker), cache.py (list cache and the content
cache on disk), node.py (the reference office node). See docs/federation.md.
"""
