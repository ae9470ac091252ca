"""Building catalogue items from service templates (seed catalogues and synthetic data)."""
