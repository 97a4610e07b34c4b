"""Email notifications, a one-way pipeline: ``compose`` decides who hears about what and
writes rows into the ``outbox`` inside the transaction of the change; ``delivery`` sends
each row after commit, exactly once. Nothing here imports the services or the tasks."""
