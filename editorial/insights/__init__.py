"""The chair's insights: the board's figures for a period (``statistics``), computed by
the database (``aggregates``), drawn as accessible SVG charts (``charts``) with their data
tables and CSV downloads (``tables``)."""
