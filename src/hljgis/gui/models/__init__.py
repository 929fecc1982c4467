"""Qt item-model adapters over core models (one adapter per Qt item view)."""
