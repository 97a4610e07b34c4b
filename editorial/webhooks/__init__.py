"""Outbound webhooks, a one-way pipeline beside the email outbox: ``outbox`` (a delivery
row per subscribed endpoint, written by ``audit_record`` in the transaction of the change)
→ ``delivery`` (signed with ``signing``, sent once after commit to an address that
``addresses`` allows, retried with backoff for a day)."""
