"""Reusable widgets that know nothing of the database. Import each from its module: the package
imports nothing, so a screen pays only for the widgets it shows."""
