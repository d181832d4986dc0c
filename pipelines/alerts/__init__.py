"""Alerts: failed runs, held publication, late landing files and silent producers, by e-mail and webhook."""
