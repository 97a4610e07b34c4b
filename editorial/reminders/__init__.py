"""Reminders, a one-way pipeline run by the sweep: ``schedule`` says which reminder slots
an assignment owes (pure), ``claims`` claims each owed reminder or escalation once in the
outbox, ``digests`` writes each member's daily digest."""
